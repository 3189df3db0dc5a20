import type { Knex } from 'knex';

/** Referring hospital departments by SOR code (pathway.md §1); the pathway feature maintains them later. */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable('hospitals')) return;
  await knex.schema.createTable('hospitals', (t) => {
    t.string('sor_code', 18).primary();
    t.string('name', 200).notNullable();
    t.string('region_code', 4).notNullable();
    t.string('cluster_code', 40).nullable();
    t.string('sor_status', 20).notNullable();
    t.text('source').nullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('sort_order').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('hospitals');
}

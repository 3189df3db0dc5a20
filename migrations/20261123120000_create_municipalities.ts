import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('municipalities', (t) => {
    t.string('code', 3).primary();
    t.string('name', 100).notNullable();
    t.string('region_code', 4).notNullable().index();
    t.string('region_name', 100).notNullable();
    t.string('cluster_code', 40).nullable().index();
    t.string('cluster_name', 100).nullable();
    t.integer('sort_order').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('municipalities');
}

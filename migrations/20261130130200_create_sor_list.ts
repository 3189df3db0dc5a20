import type { Knex } from 'knex';

/** fhir.md's SOR list: managing organisations of care records and other referrers, replaced by `sor import`. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sor_list', (t) => {
    t.string('sor_code', 18).primary();
    t.string('kind', 20).notNullable();
    t.string('municipality_code', 3).nullable().references('municipalities.code');
    t.string('name', 200).notNullable();
    t.index(['municipality_code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('sor_list');
}

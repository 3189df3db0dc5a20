import type { Knex } from 'knex';

/**
 * The latest version of each FHIR resource a course needs, per municipality, reduced to the elements read and tied
 * to the citizen by the keyed CPR hash (never a Patient resource, never a plain CPR).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('fhir_resources', (t) => {
    t.increments('id');
    t.string('municipality_code', 3).notNullable().references('municipalities.code');
    t.string('resource_type', 20).notNullable();
    t.string('resource_id', 64).notNullable();
    t.string('cpr_hash', 128).nullable();
    t.string('bundle_timestamp', 40).notNullable();
    t.text('data').notNullable();
    t.unique(['municipality_code', 'resource_type', 'resource_id']);
    t.index(['municipality_code', 'cpr_hash']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('fhir_resources');
}

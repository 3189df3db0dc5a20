import type { Knex } from 'knex';

/** One row per delivery report received (not dry runs): when, its timestamp, hash and outcome, for the admin page. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('fhir_bundles', (t) => {
    t.increments('id');
    t.string('municipality_code', 3).notNullable().references('municipalities.code');
    t.string('received_at', 40).notNullable();
    t.string('bundle_timestamp', 40).nullable();
    t.string('sha256', 64).notNullable();
    t.integer('status').notNullable();
    t.integer('created').notNullable().defaultTo(0);
    t.integer('updated').notNullable().defaultTo(0);
    t.integer('errors').notNullable().defaultTo(0);
    t.integer('warnings').notNullable().defaultTo(0);
    t.integer('actor_user_id').nullable();
    t.index(['municipality_code', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('fhir_bundles');
}

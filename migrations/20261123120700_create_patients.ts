import type { Knex } from 'knex';

/** A patient belongs to one municipality; the CPR is stored encrypted, found by keyed hash, never in plain. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('patients', (t) => {
    t.increments('id');
    t.string('municipality_code', 3).notNullable().references('municipalities.code');
    t.string('cpr_hash', 64).notNullable();
    t.text('cpr_enc').notNullable();
    t.string('patient_name', 200).nullable();
    t.boolean('is_demo').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['municipality_code', 'cpr_hash']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('patients');
}

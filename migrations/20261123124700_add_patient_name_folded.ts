import type { Knex } from 'knex';

/**
 * The patient name case-folded by the application, for search: SQLite's lower() and LIKE fold ASCII only,
 * so "Ørum" would not find "ørum" there. Written with every save of the name (no patients exist before
 * this migration: the course feature arrives with it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('patients', (t) => {
    t.string('patient_name_folded', 200).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('patients', (t) => {
    t.dropColumn('patient_name_folded');
  });
}

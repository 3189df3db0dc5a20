import type { Knex } from 'knex';

/**
 * The patient's sex and birth date, derived from the CPR number at creation (data-dictionary.md; output only),
 * stored so the database can split indicator results by sex and age group (indicators.md "Equality in health").
 * The CPR itself stays encrypted; rows stored before this migration are filled at startup
 * (courses/patients.ts fillPatientDemographics), since the migration has no CPR key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('patients', (t) => {
    t.string('sex', 1).nullable();
    t.date('birth_date').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('patients', (t) => {
    t.dropColumn('birth_date');
    t.dropColumn('sex');
  });
}

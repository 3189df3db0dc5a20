import type { Knex } from 'knex';

/**
 * fhir.md: the referral a course is linked to (unique per municipality), the referring SOR code, the per-variable
 * source ({variable: "fhir"|"manual"}; a registered variable without an entry counts as manual) and the derived
 * values still waiting for a therapist's input.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('courses', (t) => {
    t.string('fhir_referral_id', 64).nullable();
    t.string('referral_sor', 18).nullable();
    t.text('sources').nullable();
    t.text('fhir_waiting').nullable();
    t.unique(['municipality_code', 'fhir_referral_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('courses', (t) => {
    t.dropUnique(['municipality_code', 'fhir_referral_id']);
    t.dropColumn('fhir_referral_id');
    t.dropColumn('referral_sor');
    t.dropColumn('sources');
    t.dropColumn('fhir_waiting');
  });
}

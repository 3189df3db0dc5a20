import type { Knex } from 'knex';

/**
 * Hospital referrals (pathway.md §3): one row per (sor_code, referral_id); the CPR encrypted with its keyed hash as
 * for patients; `course_id` the stored match (§4), unique where not null.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('referrals', (t) => {
    t.increments('id');
    t.string('sor_code', 18).notNullable().references('hospitals.sor_code');
    t.string('referral_id', 64).notNullable();
    t.string('cpr_hash', 64).notNullable();
    t.text('cpr_enc').notNullable();
    t.string('municipality_code', 3).notNullable().references('municipalities.code');
    t.date('referral_date').notNullable();
    t.date('discharge_date').nullable();
    t.string('diagnosis_group', 20).notNullable();
    t.string('ihd_treatment', 20).nullable();
    t.string('icd10', 8).nullable();
    t.boolean('withdrawn').notNullable().defaultTo(false);
    t.string('withdrawal_reason', 200).nullable();
    t.integer('course_id').nullable().references('courses.id').unique();
    t.integer('version').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.unique(['sor_code', 'referral_id']);
    t.index(['municipality_code', 'cpr_hash']);
    t.index(['referral_date', 'sor_code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('referrals');
}

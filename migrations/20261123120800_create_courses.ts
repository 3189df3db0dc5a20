import type { Knex } from 'knex';

/** One row per course; columns are the data dictionary's variable names (cpr, patient_name live on patients). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('courses', (t) => {
    t.increments('id');
    t.integer('patient_id').notNullable().references('patients.id').index();
    t.string('municipality_code', 3).notNullable().references('municipalities.code');
    t.string('external_id', 64).nullable();
    // A. Henvisning
    t.date('referral_date').notNullable();
    t.string('referral_source', 20).nullable();
    t.string('diagnosis_group', 20).notNullable();
    t.string('ihd_treatment', 20).nullable();
    t.string('icd10', 8).nullable();
    t.date('discharge_date').nullable();
    // B. Opstart
    t.date('start_date').nullable();
    t.string('not_started_reason', 20).nullable();
    t.string('smoking_start', 20).nullable();
    t.integer('height_cm').nullable();
    t.double('weight_start_kg').nullable();
    t.integer('waist_start_cm').nullable();
    t.integer('bp_sys_start').nullable();
    t.integer('bp_dia_start').nullable();
    t.double('ldl_start').nullable();
    t.integer('hads_a_start').nullable();
    t.integer('hads_d_start').nullable();
    t.double('heartqol_start').nullable();
    t.string('test_type', 10).nullable();
    t.integer('test_start_value').nullable();
    t.string('test_not_done_reason', 20).nullable();
    // C. Indsatser
    t.integer('training_planned').nullable();
    t.integer('training_attended').nullable();
    t.string('education', 20).nullable();
    t.string('diet', 20).nullable();
    t.string('smoking_cessation', 20).nullable();
    t.string('psych_followup', 20).nullable();
    // D. Afslutning
    t.date('end_date').nullable();
    t.string('outcome', 20).nullable();
    t.string('dropout_reason', 20).nullable();
    t.string('smoking_end', 20).nullable();
    t.double('weight_end_kg').nullable();
    t.integer('waist_end_cm').nullable();
    t.integer('bp_sys_end').nullable();
    t.integer('bp_dia_end').nullable();
    t.double('ldl_end').nullable();
    t.integer('hads_a_end').nullable();
    t.integer('hads_d_end').nullable();
    t.double('heartqol_end').nullable();
    t.integer('test_end_value').nullable();
    t.string('gp_note_sent', 3).nullable();
    // Derived at every save by the shared schema, stored for the worklist, filters and HK11.
    t.string('state', 20).notNullable();
    t.boolean('complete').notNullable().defaultTo(false);
    t.text('missing').notNullable().defaultTo('[]');
    t.boolean('annulled').notNullable().defaultTo(false);
    t.text('annul_reason').nullable();
    t.timestamp('annulled_at', { useTz: true }).nullable();
    t.integer('annulled_by').nullable().references('users.id');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.integer('created_by').nullable().references('users.id');
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.integer('updated_by').nullable().references('users.id');

    t.unique(['municipality_code', 'external_id']);
    t.index(['municipality_code', 'referral_date']);
    t.index(['municipality_code', 'start_date']);
    t.index(['municipality_code', 'end_date']);
    t.index(['referral_date']);
    t.index(['start_date']);
    t.index(['end_date']);
    t.index(['municipality_code', 'complete', 'annulled']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('courses');
}

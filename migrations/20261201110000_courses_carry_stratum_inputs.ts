import type { Knex } from 'knex';
import { INDEXES as V2 } from './20261130120000_add_outcome_indicators';

/**
 * The strata's inputs on the course row (indicators.md "Equality in health"): the patient's `sex` and `birth_date`
 * (data-dictionary.md: derived from the CPR, output only) copied onto `courses`, so the strata's grouped counts read
 * one covering index instead of joining `patients` per course (issue 11: the join made them 30–40× a plain count
 * on SQLite). The copies are the database's to keep: filled here for existing rows and kept equal to the patient's
 * by triggers on both engines, whatever path writes (form, API, import, FHIR, demo, a CPR correction that moves a
 * course to another patient, the startup fill of older patients' sex and birth date):
 * - a course inserted, or its `patient_id` (or the copies themselves) set: the course takes its patient's values;
 * - a patient's `sex` or `birth_date` changed: every course of the patient takes the new values.
 * No code writes these columns (a write is undone). SQLite: knex rebuilds a table for some ALTERs (dropColumn, column changes) and
 * drops its triggers then; test/integration/indicators/stratum-inputs.test.ts fails if that ever happens.
 */
export const STRATUM_INPUTS = ['sex', 'birth_date'] as const;

/** The covering indexes of the indicator counts: patient_id (the join's key) replaced by the strata's inputs. */
export const INDEXES: { name: string; columns: string[] }[] = V2.map((index) => ({
  name: index.name.replace(/_v2$/, '_v3'),
  columns: [...index.columns.filter((c) => c !== 'patient_id'), ...STRATUM_INPUTS],
}));

/** SQLite cannot change NEW: an AFTER trigger corrects the row, only when it differs from its patient's. */
const DIFFERS_FROM_PATIENT = `NEW.sex IS NOT (SELECT p.sex FROM patients p WHERE p.id = NEW.patient_id)
  OR NEW.birth_date IS NOT (SELECT p.birth_date FROM patients p WHERE p.id = NEW.patient_id)`;
const FROM_PATIENT = `UPDATE courses SET (sex, birth_date) = (SELECT p.sex, p.birth_date FROM patients p WHERE p.id = NEW.patient_id)
  WHERE id = NEW.id`;

const SQLITE_TRIGGERS = [
  `CREATE TRIGGER courses_stratum_inputs_on_insert AFTER INSERT ON courses FOR EACH ROW
   WHEN ${DIFFERS_FROM_PATIENT} BEGIN ${FROM_PATIENT}; END`,
  `CREATE TRIGGER courses_stratum_inputs_on_update AFTER UPDATE OF patient_id, sex, birth_date ON courses FOR EACH ROW
   WHEN ${DIFFERS_FROM_PATIENT} BEGIN ${FROM_PATIENT}; END`,
  `CREATE TRIGGER patients_stratum_inputs AFTER UPDATE OF sex, birth_date ON patients FOR EACH ROW
   WHEN OLD.sex IS NOT NEW.sex OR OLD.birth_date IS NOT NEW.birth_date
   BEGIN UPDATE courses SET sex = NEW.sex, birth_date = NEW.birth_date WHERE patient_id = NEW.id; END`,
];

const PG_TRIGGERS = [
  `CREATE FUNCTION courses_stratum_inputs() RETURNS trigger AS $$
   BEGIN
     SELECT p.sex, p.birth_date INTO NEW.sex, NEW.birth_date FROM patients p WHERE p.id = NEW.patient_id;
     RETURN NEW;
   END $$ LANGUAGE plpgsql SET search_path FROM CURRENT`,
  `CREATE TRIGGER courses_stratum_inputs BEFORE INSERT OR UPDATE OF patient_id, sex, birth_date ON courses
   FOR EACH ROW EXECUTE FUNCTION courses_stratum_inputs()`,
  `CREATE FUNCTION patients_stratum_inputs() RETURNS trigger AS $$
   BEGIN
     UPDATE courses SET sex = NEW.sex, birth_date = NEW.birth_date WHERE patient_id = NEW.id;
     RETURN NULL;
   END $$ LANGUAGE plpgsql SET search_path FROM CURRENT`,
  `CREATE TRIGGER patients_stratum_inputs AFTER UPDATE OF sex, birth_date ON patients FOR EACH ROW
   WHEN (OLD.sex IS DISTINCT FROM NEW.sex OR OLD.birth_date IS DISTINCT FROM NEW.birth_date)
   EXECUTE FUNCTION patients_stratum_inputs()`,
];

const isPg = (knex: Knex) => knex.client.config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('courses', (t) => {
    for (const index of V2) t.dropIndex(index.columns, index.name);
    t.string('sex', 1).nullable();
    t.date('birth_date').nullable();
  });
  if (isPg(knex)) {
    await knex.raw('UPDATE courses c SET sex = p.sex, birth_date = p.birth_date FROM patients p WHERE p.id = c.patient_id');
  } else {
    await knex.raw('UPDATE courses SET (sex, birth_date) = (SELECT p.sex, p.birth_date FROM patients p WHERE p.id = courses.patient_id)');
  }
  for (const sql of isPg(knex) ? PG_TRIGGERS : SQLITE_TRIGGERS) await knex.raw(sql);
  await knex.schema.alterTable('courses', (t) => {
    for (const index of INDEXES) t.index(index.columns, index.name);
  });
}

export async function down(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    await knex.raw('DROP TRIGGER IF EXISTS patients_stratum_inputs ON patients');
    await knex.raw('DROP TRIGGER IF EXISTS courses_stratum_inputs ON courses');
    await knex.raw('DROP FUNCTION IF EXISTS patients_stratum_inputs()');
    await knex.raw('DROP FUNCTION IF EXISTS courses_stratum_inputs()');
  } else {
    for (const name of ['courses_stratum_inputs_on_insert', 'courses_stratum_inputs_on_update', 'patients_stratum_inputs']) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${name}`);
    }
  }
  await knex.schema.alterTable('courses', (t) => {
    for (const index of INDEXES) t.dropIndex(index.columns, index.name);
  });
  await knex.schema.alterTable('courses', (t) => {
    t.dropColumn('birth_date');
    t.dropColumn('sex');
    for (const index of V2) t.index(index.columns, index.name);
  });
}

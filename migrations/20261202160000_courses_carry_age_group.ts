import type { Knex } from 'knex';
import { INDEXES as V3 } from './20261201110000_courses_carry_stratum_inputs';

/**
 * The age group of indicators.md "Equality in health" (whole years on referral_date: <60, 60-69, 70-79, 80+; a
 * 29 February birthday counts from 1 March) stored on the course as `age_group`, next to the `sex` and
 * `birth_date` it is computed from (migration 20261201110000), so the strata by age read one covering-index column
 * as the strata by sex do, instead of computing an age for every course of every stratum (issue 11: 14× a plain
 * count on SQLite). The column is the database's to keep, on both engines, whatever path writes: it is set when a
 * course is inserted and when its `birth_date` (the patient's, carried by the triggers of 20261201110000), its
 * `referral_date`, its `patient_id` or the column itself is written. No code writes it (a write is undone). NULL
 * (in no age group) when the birth date is unknown.
 */

/** The covering indexes of the indicator counts, widened by the stored age group. */
export const INDEXES: { name: string; columns: string[] }[] = V3.map((index) => ({
  name: index.name.replace(/_v3$/, '_v4'),
  columns: [...index.columns, 'age_group'],
}));

/**
 * SQLite: the dates are 'YYYY-MM-DD' text; as YYYYMMDD integers their difference d gives whole years as d div 10000
 * (the MMDD parts differ by less than 10000), which is the year difference less one before the birthday.
 */
function sqliteAgeGroup(row: string, birth = `${row}birth_date`, referral = `${row}referral_date`): string {
  const d = `(CAST(replace(${referral}, '-', '') AS INTEGER) - CAST(replace(${birth}, '-', '') AS INTEGER))`;
  return `(CASE WHEN ${birth} IS NULL OR ${referral} IS NULL THEN NULL WHEN ${d} < 600000 THEN '<60'
    WHEN ${d} < 700000 THEN '60-69' WHEN ${d} < 800000 THEN '70-79' ELSE '80+' END)`;
}

/** PostgreSQL: born after the referral date less N years (a date less an interval clips 29 February to the 28th). */
function pgAgeGroup(row: string): string {
  const under = (years: number) => `${row}birth_date > ${row}referral_date - interval '${years} years'`;
  return `(CASE WHEN ${row}birth_date IS NULL OR ${row}referral_date IS NULL THEN NULL WHEN ${under(60)} THEN '<60'
    WHEN ${under(70)} THEN '60-69' WHEN ${under(80)} THEN '70-79' ELSE '80+' END)`;
}

/**
 * SQLite cannot change NEW: AFTER triggers correct the row. The stratum-input triggers of 20261201110000 are
 * replaced by the same triggers setting the age group in their one UPDATE (so an insert still costs one row update,
 * not two); two more correct it when referral_date or the column itself is written, or the patient's values were
 * already right on insert. Each sets it from the row's current values, only when NEW differs.
 */
const AGE_FROM_PATIENT = `(SELECT p.sex, p.birth_date, ${sqliteAgeGroup('', 'p.birth_date', 'courses.referral_date')}
  FROM patients p WHERE p.id = NEW.patient_id)`;
const DIFFERS_FROM_PATIENT = `NEW.sex IS NOT (SELECT p.sex FROM patients p WHERE p.id = NEW.patient_id)
  OR NEW.birth_date IS NOT (SELECT p.birth_date FROM patients p WHERE p.id = NEW.patient_id)`;
const FROM_PATIENT = `UPDATE courses SET (sex, birth_date, age_group) = ${AGE_FROM_PATIENT} WHERE id = NEW.id`;
const SET_FROM_ROW = `UPDATE courses SET age_group = ${sqliteAgeGroup('')} WHERE id = NEW.id`;
const SQLITE_STRATUM_TRIGGERS = ['courses_stratum_inputs_on_insert', 'courses_stratum_inputs_on_update', 'patients_stratum_inputs'];
const SQLITE_TRIGGERS = [
  `CREATE TRIGGER courses_stratum_inputs_on_insert AFTER INSERT ON courses FOR EACH ROW
   WHEN ${DIFFERS_FROM_PATIENT} BEGIN ${FROM_PATIENT}; END`,
  `CREATE TRIGGER courses_stratum_inputs_on_update AFTER UPDATE OF patient_id, sex, birth_date ON courses FOR EACH ROW
   WHEN ${DIFFERS_FROM_PATIENT} BEGIN ${FROM_PATIENT}; END`,
  `CREATE TRIGGER patients_stratum_inputs AFTER UPDATE OF sex, birth_date ON patients FOR EACH ROW
   WHEN OLD.sex IS NOT NEW.sex OR OLD.birth_date IS NOT NEW.birth_date
   BEGIN UPDATE courses SET sex = NEW.sex, birth_date = NEW.birth_date, age_group = ${sqliteAgeGroup('', 'NEW.birth_date', 'courses.referral_date')}
   WHERE patient_id = NEW.id; END`,
  `CREATE TRIGGER courses_age_group_on_insert AFTER INSERT ON courses FOR EACH ROW
   WHEN NEW.age_group IS NOT ${sqliteAgeGroup('NEW.')} BEGIN ${SET_FROM_ROW}; END`,
  `CREATE TRIGGER courses_age_group_on_update AFTER UPDATE OF birth_date, referral_date, age_group ON courses FOR EACH ROW
   WHEN NEW.age_group IS NOT ${sqliteAgeGroup('NEW.')} BEGIN ${SET_FROM_ROW}; END`,
];

/** The stratum-input triggers of 20261201110000 as they were (for down). */
const OLD_FROM_PATIENT = `UPDATE courses SET (sex, birth_date) = (SELECT p.sex, p.birth_date FROM patients p WHERE p.id = NEW.patient_id)
  WHERE id = NEW.id`;
const SQLITE_OLD_TRIGGERS = [
  `CREATE TRIGGER courses_stratum_inputs_on_insert AFTER INSERT ON courses FOR EACH ROW
   WHEN ${DIFFERS_FROM_PATIENT} BEGIN ${OLD_FROM_PATIENT}; END`,
  `CREATE TRIGGER courses_stratum_inputs_on_update AFTER UPDATE OF patient_id, sex, birth_date ON courses FOR EACH ROW
   WHEN ${DIFFERS_FROM_PATIENT} BEGIN ${OLD_FROM_PATIENT}; END`,
  `CREATE TRIGGER patients_stratum_inputs AFTER UPDATE OF sex, birth_date ON patients FOR EACH ROW
   WHEN OLD.sex IS NOT NEW.sex OR OLD.birth_date IS NOT NEW.birth_date
   BEGIN UPDATE courses SET sex = NEW.sex, birth_date = NEW.birth_date WHERE patient_id = NEW.id; END`,
];

/** PostgreSQL fires BEFORE triggers in name order: this one after courses_stratum_inputs has set the birth date. */
const PG_TRIGGERS = [
  `CREATE FUNCTION courses_age_group() RETURNS trigger AS $$
   BEGIN
     NEW.age_group := ${pgAgeGroup('NEW.')};
     RETURN NEW;
   END $$ LANGUAGE plpgsql SET search_path FROM CURRENT`,
  `CREATE TRIGGER courses_stratum_inputs_age_group BEFORE INSERT OR UPDATE OF patient_id, sex, birth_date, referral_date, age_group
   ON courses FOR EACH ROW EXECUTE FUNCTION courses_age_group()`,
];

const isPg = (knex: Knex) => knex.client.config.client === 'pg';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('courses', (t) => {
    for (const index of V3) t.dropIndex(index.columns, index.name);
    t.string('age_group', 5).nullable();
  });
  await knex.raw(`UPDATE courses SET age_group = ${isPg(knex) ? pgAgeGroup('') : sqliteAgeGroup('')}`);
  if (!isPg(knex)) for (const name of SQLITE_STRATUM_TRIGGERS) await knex.raw(`DROP TRIGGER ${name}`);
  for (const sql of isPg(knex) ? PG_TRIGGERS : SQLITE_TRIGGERS) await knex.raw(sql);
  await knex.schema.alterTable('courses', (t) => {
    for (const index of INDEXES) t.index(index.columns, index.name);
  });
}

export async function down(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    await knex.raw('DROP TRIGGER IF EXISTS courses_stratum_inputs_age_group ON courses');
    await knex.raw('DROP FUNCTION IF EXISTS courses_age_group()');
  } else {
    for (const name of ['courses_age_group_on_insert', 'courses_age_group_on_update', ...SQLITE_STRATUM_TRIGGERS]) {
      await knex.raw(`DROP TRIGGER IF EXISTS ${name}`);
    }
    for (const sql of SQLITE_OLD_TRIGGERS) await knex.raw(sql);
  }
  await knex.schema.alterTable('courses', (t) => {
    for (const index of INDEXES) t.dropIndex(index.columns, index.name);
  });
  // SQLite drops the column itself (knex would rebuild the table and lose every trigger of courses)
  if (isPg(knex)) await knex.schema.alterTable('courses', (t) => t.dropColumn('age_group'));
  else await knex.raw('ALTER TABLE courses DROP COLUMN age_group');
  await knex.schema.alterTable('courses', (t) => {
    for (const index of V3) t.index(index.columns, index.name);
  });
}

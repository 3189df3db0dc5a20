import type { Knex } from 'knex';
import { IndicatorId } from '../../../server/indicators/definitions';
import { computeResults } from '../../../server/indicators/results';
import { UnitType } from '../../../server/geography';

/** Test courses inserted directly: only what an indicator reads, with the rest left unregistered. */
export type CourseFields = Record<string, string | number | boolean | null>;

let patientSeq = 0;

function stateOf(c: CourseFields): string {
  if (c.end_date) return 'closed';
  if (c.start_date) return 'active';
  if (c.not_started_reason) return 'not_started';
  return 'referred';
}

/** Insert one course (with its own patient) and return its id. Defaults: Aarhus (751), referred 2025-03-01. */
export async function addCourse(db: Knex, fields: CourseFields = {}): Promise<number> {
  const municipality = String(fields.municipality_code ?? '751');
  const createdAt = '2025-01-01T00:00:00.000Z';
  // sex and birth_date belong to the patient (derived from the CPR); default a woman born 1960-05-05
  const { sex = 'F', birth_date: birthDate = '1960-05-05', ...courseFields } = fields;
  const [patient] = await db('patients')
    .insert({ municipality_code: municipality, cpr_hash: `hash-${++patientSeq}`, cpr_enc: 'enc', sex, birth_date: birthDate, created_at: createdAt })
    .returning('id');
  const course = {
    municipality_code: municipality, referral_date: '2025-03-01', diagnosis_group: 'ihd', ...courseFields,
    patient_id: typeof patient === 'object' ? patient.id : patient, created_at: createdAt, updated_at: createdAt,
  };
  const [row] = await db('courses').insert({ state: stateOf(course), ...course }).returning('id');
  return Number(typeof row === 'object' ? row.id : row);
}

export async function addCourses(db: Knex, n: number, fields: CourseFields): Promise<void> {
  for (let i = 0; i < n; i++) await addCourse(db, fields);
}

/** A closed, completed course ending on end_date, everything the indicators read registered and met. */
export function completedCourse(endDate: string, overrides: CourseFields = {}): CourseFields {
  return {
    referral_date: '2025-01-02', start_date: '2025-01-10', end_date: endDate, outcome: 'completed',
    training_planned: 24, training_attended: 24, test_type: '6mwt', test_start_value: 400, test_end_value: 480,
    smoking_start: 'daily', smoking_end: 'former', diet: 'received', education: 'completed', hads_d_end: 3,
    gp_note_sent: 'yes', complete: true, hads_a_start: 9, hads_d_start: 4, hads_a_end: 5, ldl_end: 1.2, bp_sys_end: 130,
    bp_dia_end: 80, ...overrides,
  };
}

/** Numerator, denominator and missing of one indicator for one unit and period. */
export async function countsOf(
  db: Knex, indicatorId: IndicatorId, period: string, unitCode = '751', unitType: UnitType = 'municipality',
): Promise<{ numerator: number | null; denominator: number | null; missing: number | null }> {
  const [row] = await computeResults(db, { period, unitType, unitCode, indicatorIds: [indicatorId] });
  return { numerator: row.numerator, denominator: row.denominator, missing: row.missing };
}

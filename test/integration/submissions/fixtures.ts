import type { Knex } from 'knex';
import { completeness, deriveState } from '../../../server/courses/completeness';
import { cprLookupHash, encryptCpr } from '../../../server/patients';
import type { CourseValues } from '../../../server/courses/variables';

export const TEST_CPR_KEY = Buffer.alloc(32, 7);

/** A closed, completed course with every variable the national file carries registered and valid. */
export function closedCourse(overrides: CourseValues = {}): CourseValues {
  return {
    cpr: '0101501234', patient_name: 'Test Testesen', municipality_code: '751', referral_date: '2025-02-01',
    referral_source: 'hospital', diagnosis_group: 'ihd', ihd_treatment: 'pci', icd10: 'DI219', discharge_date: '2025-01-25',
    start_date: '2025-02-10', smoking_start: 'daily', height_cm: 175, weight_start_kg: 82.5, waist_start_cm: 95,
    bp_sys_start: 140, bp_dia_start: 85, ldl_start: 2.4, hads_a_start: 9, hads_d_start: 5, heartqol_start: 2.15,
    test_type: '6mwt', test_start_value: 420, training_planned: 24, training_attended: 20, education: 'completed',
    diet: 'received', smoking_cessation: 'completed', psych_followup: 'in_course', end_date: '2025-05-05',
    outcome: 'completed', smoking_end: 'former', weight_end_kg: 80, waist_end_cm: 92, bp_sys_end: 130, bp_dia_end: 80,
    ldl_end: 1.8, hads_a_end: 6, hads_d_end: 4, heartqol_end: 2.5, test_end_value: 480, gp_note_sent: 'yes',
    ...overrides,
  };
}

/** A course not started, referred on referral_date. */
export function notStartedCourse(overrides: CourseValues = {}): CourseValues {
  return {
    cpr: '0202602345', municipality_code: '751', referral_date: '2025-03-03', referral_source: 'gp',
    diagnosis_group: 'heart_failure', not_started_reason: 'declined', ...overrides,
  };
}

async function patientId(db: Knex, key: Buffer, municipality: string, cpr: string, name: unknown): Promise<number> {
  const hash = cprLookupHash(key, cpr);
  const found = await db('patients').where({ municipality_code: municipality, cpr_hash: hash }).first();
  if (found) return Number(found.id);
  const [row] = await db('patients').insert({
    municipality_code: municipality, cpr_hash: hash, cpr_enc: encryptCpr(key, cpr),
    patient_name: typeof name === 'string' ? name : null, created_at: '2025-01-01T00:00:00.000Z',
  }).returning('id');
  return Number(typeof row === 'object' ? row.id : row);
}

/**
 * Store a course as the course service would (encrypted CPR, derived state, completeness), without going through
 * validation: tests use it for courses that a later rule change made invalid too. `missing` may be overridden.
 */
export async function storeCourse(db: Knex, values: CourseValues, extra: { missing?: string[]; annulled?: boolean } = {}, key = TEST_CPR_KEY): Promise<number> {
  const { cpr, patient_name, ...rest } = values;
  const municipality = String(values.municipality_code ?? '751');
  const pid = await patientId(db, key, municipality, String(cpr), patient_name);
  const c = completeness(values);
  const now = '2025-06-01T00:00:00.000Z';
  const [row] = await db('courses').insert({
    ...rest, municipality_code: municipality, patient_id: pid, state: deriveState(values),
    complete: extra.missing ? extra.missing.length === 0 : c.complete, missing: JSON.stringify(extra.missing ?? c.missing),
    annulled: extra.annulled ?? false, version: 1, created_at: now, updated_at: now,
  }).returning('id');
  return Number(typeof row === 'object' ? row.id : row);
}

/** A distinct valid CPR per n (born 1950, serial n). */
export function cprNo(n: number): string {
  return '010150' + String(1000 + n).padStart(4, '0');
}

import type { CourseValues } from '../../../server/courses/variables';

export const TODAY = '2025-06-01';

/** A valid, complete, closed course (a smoker with HADS anxiety ≥ 8, 6-minute walk test). */
export function closedCourse(over: CourseValues = {}): CourseValues {
  return {
    cpr: '0101701235', patient_name: 'Jens Hansen', municipality_code: '751', external_id: 'EPJ-1',
    referral_date: '2025-01-10', referral_source: 'hospital', diagnosis_group: 'ihd', ihd_treatment: 'pci',
    icd10: 'DI219', discharge_date: '2025-01-05',
    start_date: '2025-01-20', smoking_start: 'daily', height_cm: 180, weight_start_kg: 85.5, waist_start_cm: 100,
    bp_sys_start: 140, bp_dia_start: 85, ldl_start: 2.8, hads_a_start: 9, hads_d_start: 4, heartqol_start: 2.15,
    test_type: '6mwt', test_start_value: 420,
    training_planned: 24, training_attended: 20, education: 'completed', diet: 'received',
    smoking_cessation: 'completed', psych_followup: 'in_course',
    end_date: '2025-04-20', outcome: 'completed', smoking_end: 'former', weight_end_kg: 83, waist_end_cm: 97,
    bp_sys_end: 130, bp_dia_end: 80, ldl_end: 1.9, hads_a_end: 6, hads_d_end: 3, heartqol_end: 2.5,
    test_end_value: 480, gp_note_sent: 'yes',
    ...over,
  };
}

/** Section A only: a referred course. */
export function referredCourse(over: CourseValues = {}): CourseValues {
  const c = closedCourse();
  const a: CourseValues = {};
  for (const k of ['cpr', 'patient_name', 'municipality_code', 'external_id', 'referral_date', 'referral_source',
    'diagnosis_group', 'ihd_treatment', 'icd10', 'discharge_date'] as const) a[k] = c[k];
  return { ...a, ...over };
}

/** A closed course whose outcome is dropped_out (the completed-only variables cleared). */
export function droppedOutCourse(over: CourseValues = {}): CourseValues {
  return closedCourse({
    outcome: 'dropped_out', dropout_reason: 'illness', smoking_end: null, weight_end_kg: null, waist_end_cm: null,
    bp_sys_end: null, bp_dia_end: null, ldl_end: null, hads_a_end: null, hads_d_end: null, heartqol_end: null,
    test_end_value: null, ...over,
  });
}

/** Only the closed course's A–C (an active course). */
export function activeCourse(over: CourseValues = {}): CourseValues {
  return closedCourse({
    end_date: null, outcome: null, smoking_end: null, weight_end_kg: null, waist_end_cm: null, bp_sys_end: null,
    bp_dia_end: null, ldl_end: null, hads_a_end: null, hads_d_end: null, heartqol_end: null, test_end_value: null,
    gp_note_sent: null, ...over,
  });
}

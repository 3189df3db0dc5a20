import { expect } from 'chai';
import { completeness, deriveState, derived } from '../../../server/courses/completeness';
import type { CourseValues } from '../../../server/courses/variables';
import { activeCourse, closedCourse, droppedOutCourse, referredCourse } from './fixtures';

type Case = [name: string, course: CourseValues, state: string, missing: string[]];

const cases: Case[] = [
  // referred: never complete; section A's missing, then start_date
  ['referred, section A complete', referredCourse(), 'referred', ['start_date']],
  ['referred, no referral source', referredCourse({ referral_source: null }), 'referred', ['referral_source', 'start_date']],
  ['referred ihd without treatment', referredCourse({ ihd_treatment: null }), 'referred', ['ihd_treatment', 'start_date']],
  ['referred heart failure: no treatment needed', referredCourse({ diagnosis_group: 'heart_failure', ihd_treatment: null }), 'referred', ['start_date']],
  ['referred without municipality', referredCourse({ municipality_code: null }), 'referred', ['municipality_code', 'start_date']],
  ['optional A variables do not count', referredCourse({ icd10: null, discharge_date: null, patient_name: null, external_id: null }), 'referred', ['start_date']],
  // not_started: section A and not_started_reason
  ['not started, complete', referredCourse({ not_started_reason: 'declined' }), 'not_started', []],
  ['not started, no treatment', referredCourse({ not_started_reason: 'died', ihd_treatment: null }), 'not_started', ['ihd_treatment']],
  // active: sections A and B
  ['active, complete', activeCourse(), 'active', []],
  ['active, section B gaps', activeCourse({ smoking_start: null, smoking_cessation: null, hads_a_start: null, hads_d_start: null, psych_followup: null }),
    'active', ['smoking_start', 'hads_a_start', 'hads_d_start']],
  ['active, C not yet needed', activeCourse({ training_planned: null, training_attended: null, education: null, diet: null }), 'active', []],
  ['active, 6mwt without result', activeCourse({ test_start_value: null }), 'active', ['test_start_value']],
  ['active, no test without reason', activeCourse({ test_type: 'none', test_start_value: null }), 'active', ['test_not_done_reason']],
  ['active, no test with reason', activeCourse({ test_type: 'none', test_start_value: null, test_not_done_reason: 'declined' }), 'active', []],
  ['active, no test type', activeCourse({ test_type: null, test_start_value: null }), 'active', ['test_type']],
  ['active, optional B variables do not count', activeCourse({ height_cm: null, weight_start_kg: null, ldl_start: null, heartqol_start: null }), 'active', []],
  // closed: sections A–D, *when* conditions within
  ['closed, complete', closedCourse(), 'closed', []],
  ['closed, dropped out, complete', droppedOutCourse(), 'closed', []],
  ['closed, dropped out without reason', droppedOutCourse({ dropout_reason: null }), 'closed', ['dropout_reason']],
  ['closed, non-smoker is not missing smoking_cessation', closedCourse({ smoking_start: 'never', smoking_cessation: null, smoking_end: 'never' }), 'closed', []],
  ['closed, smoker without cessation offer', closedCourse({ smoking_cessation: null }), 'closed', ['smoking_cessation']],
  ['closed, HADS < 8: psych_followup not applicable', closedCourse({ hads_a_start: 7, hads_d_start: 7, psych_followup: null }), 'closed', []],
  ['closed, HADS ≥ 8 without follow-up', closedCourse({ psych_followup: null }), 'closed', ['psych_followup']],
  ['closed, no HADS at all', closedCourse({ hads_a_start: null, hads_d_start: null, psych_followup: null }), 'closed', ['hads_a_start', 'hads_d_start']],
  ['closed, no planned training: attended not applicable', closedCourse({ training_planned: null, training_attended: null }), 'closed', ['training_planned']],
  ['closed, attended missing', closedCourse({ training_attended: null }), 'closed', ['training_attended']],
  ['closed, everything after end_date missing', closedCourse({ outcome: null, smoking_end: null, weight_end_kg: null, waist_end_cm: null,
    bp_sys_end: null, bp_dia_end: null, ldl_end: null, hads_a_end: null, hads_d_end: null, heartqol_end: null, test_end_value: null, gp_note_sent: null }),
  'closed', ['outcome', 'gp_note_sent']],
  ['closed, completed without end measures', closedCourse({ smoking_end: null, hads_a_end: null, hads_d_end: null, test_end_value: null }),
    'closed', ['smoking_end', 'hads_a_end', 'hads_d_end', 'test_end_value']],
  ['closed, no test: no end result needed', closedCourse({ test_type: 'none', test_start_value: null, test_end_value: null, test_not_done_reason: 'medical' }), 'closed', []],
  ['closed, died: no end measures needed', droppedOutCourse({ outcome: 'died', dropout_reason: null }), 'closed', []],
  ['closed, missing in dictionary order across sections', closedCourse({ referral_source: null, test_type: null, test_start_value: null,
    test_end_value: null, diet: null, gp_note_sent: null }), 'closed', ['referral_source', 'test_type', 'diet', 'gp_note_sent']],
];

describe('courses/completeness: state and missing, by state', () => {
  for (const [name, course, state, missing] of cases) {
    it(`${name} → ${state}, missing [${missing.join(', ')}]`, () => {
      expect(deriveState(course)).to.equal(state);
      expect(completeness(course)).to.deep.equal({ complete: missing.length === 0, missing });
    });
  }

  it('derived(): state, completeness, birth date, sex and warnings in one place', () => {
    expect(derived(closedCourse())).to.deep.equal({
      state: 'closed', complete: true, missing: [], birth_date: '1970-01-01', sex: 'M', warnings: [],
    });
    const long = derived(closedCourse({ cpr: '2902004234', referral_date: '2024-01-02', discharge_date: null, start_date: '2024-01-10', end_date: '2024-12-01' }));
    expect(long.birth_date).to.equal('2000-02-29');
    expect(long.sex).to.equal('F');
    expect(long.warnings.map((w) => w.code)).to.deep.equal(['long_course']);
    expect(derived({}).birth_date).to.equal(null);
  });
});

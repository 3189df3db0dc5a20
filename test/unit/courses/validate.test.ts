import { expect } from 'chai';
import { validateCourse, type Issue } from '../../../server/courses/schemas';
import type { CourseValues } from '../../../server/courses/variables';
import { TODAY, activeCourse, closedCourse, droppedOutCourse, referredCourse } from './fixtures';

type Case = [name: string, course: CourseValues, expected: string[]];
const at = (issues: Issue[]) => issues.map((i) => `${i.variable}:${i.code}`);
const x = (n: number) => 'x'.repeat(n);

/** For every rule of the dictionary a valid and an invalid case; expected = every error as variable:code. */
const cases: Case[] = [
  ['complete closed course', closedCourse(), []],
  ['referred course', referredCourse(), []],
  ['dropped-out course', droppedOutCourse(), []],
  ['active course', activeCourse(), []],
  // cpr
  ['cpr missing', closedCourse({ cpr: null }), ['cpr:required']],
  ['cpr 9 digits', closedCourse({ cpr: '101701235' }), ['cpr:cpr_length']],
  ['cpr 11 digits', closedCourse({ cpr: '01017012350' }), ['cpr:cpr_length']],
  ['cpr with a letter', closedCourse({ cpr: '01017O1235' }), ['cpr:cpr_format']],
  ['cpr with hyphen (typed values have none)', closedCourse({ cpr: '010170-1235' }), ['cpr:cpr_format']],
  ['cpr 31 February', closedCourse({ cpr: '3102991234' }), ['cpr:cpr_date']],
  ['cpr as a number', closedCourse({ cpr: 101701235 }), ['cpr:cpr_format']],
  ['cpr aged 18 on referral', closedCourse({ cpr: '1001074235' }), []],
  ['cpr aged 17 on referral', closedCourse({ cpr: '1101074235' }), ['cpr:cpr_age']],
  ['cpr aged 110 on referral', closedCourse({ cpr: '1101141235' }), []],
  ['cpr aged 111 on referral', closedCourse({ cpr: '1001141235' }), ['cpr:cpr_age']],
  // patient_name, municipality_code, external_id
  ['name 200 characters', closedCourse({ patient_name: x(200) }), []],
  ['name 201 characters', closedCourse({ patient_name: x(201) }), ['patient_name:too_long']],
  ['unknown municipality', closedCourse({ municipality_code: '999' }), ['municipality_code:invalid_code']],
  ['municipality of 2 digits', closedCourse({ municipality_code: '75' }), ['municipality_code:invalid_code']],
  ['external id 64', closedCourse({ external_id: x(64) }), []],
  ['external id 65', closedCourse({ external_id: x(65) }), ['external_id:too_long']],
  // referral_date
  ['referral today', referredCourse({ referral_date: TODAY }), []],
  ['referral tomorrow', referredCourse({ referral_date: '2025-06-02' }), ['referral_date:future_date']],
  ['referral 2010-01-01', referredCourse({ referral_date: '2010-01-01', discharge_date: null, cpr: '0101601235' }), []],
  ['referral 2009-12-31', referredCourse({ referral_date: '2009-12-31', discharge_date: null, cpr: '0101601235' }),
    ['referral_date:before_2010']],
  ['referral not a date', referredCourse({ referral_date: '2025-02-30' }), ['referral_date:invalid_date']],
  ['referral in Danish form (typed values are ISO)', referredCourse({ referral_date: '10.01.2025' }), ['referral_date:invalid_date']],
  ['referral missing', referredCourse({ referral_date: null }), ['referral_date:required']],
  // codes of section A
  ['referral source gp', closedCourse({ referral_source: 'gp' }), []],
  ['referral source in capitals', closedCourse({ referral_source: 'GP' }), ['referral_source:invalid_code']],
  ['diagnosis group unknown', closedCourse({ diagnosis_group: 'stroke', ihd_treatment: null }), ['diagnosis_group:invalid_code']],
  ['diagnosis group missing', closedCourse({ diagnosis_group: null, ihd_treatment: null }), ['diagnosis_group:required']],
  ['heart failure without ihd treatment', closedCourse({ diagnosis_group: 'heart_failure', ihd_treatment: null }), []],
  ['heart failure with ihd treatment', closedCourse({ diagnosis_group: 'heart_failure' }), ['ihd_treatment:not_applicable']],
  ['ihd treatment unknown code', closedCourse({ ihd_treatment: 'stent' }), ['ihd_treatment:invalid_code']],
  // icd10
  ['icd10 DI21', closedCourse({ icd10: 'DI21' }), []],
  ['icd10 DI219AB', closedCourse({ icd10: 'DI219AB' }), []],
  ['icd10 without D', closedCourse({ icd10: 'I219' }), ['icd10:invalid_format']],
  ['icd10 lower case', closedCourse({ icd10: 'di219' }), ['icd10:invalid_format']],
  ['icd10 too long', closedCourse({ icd10: 'DI21ABCD' }), ['icd10:invalid_format']],
  // discharge_date
  ['discharge referral + 30', closedCourse({ discharge_date: '2025-02-09' }), []],
  ['discharge referral + 31', closedCourse({ discharge_date: '2025-02-10' }), ['discharge_date:discharge_too_late']],
  ['discharge before 2010', closedCourse({ discharge_date: '2009-12-31' }), ['discharge_date:before_2010']],
  ['discharge in the future', referredCourse({ referral_date: TODAY, discharge_date: '2025-06-02' }), ['discharge_date:future_date']],
  // start_date / not_started_reason
  ['start on referral day', closedCourse({ start_date: '2025-01-10' }), []],
  ['start before referral', closedCourse({ start_date: '2025-01-09' }), ['start_date:date_order']],
  ['start in the future', activeCourse({ start_date: '2025-06-02' }), ['start_date:future_date']],
  ['not started with reason', referredCourse({ not_started_reason: 'declined' }), []],
  ['not-started reason and start date', closedCourse({ not_started_reason: 'declined' }), ['not_started_reason:not_applicable']],
  ['not-started reason unknown', referredCourse({ not_started_reason: 'busy' }), ['not_started_reason:invalid_code']],
  ['section B without start date', referredCourse({ smoking_start: 'never' }), ['smoking_start:fill_first']],
  ['section C without start date', referredCourse({ education: 'completed' }), ['education:fill_first']],
  // section B numbers
  ['height 120 and 230', closedCourse({ height_cm: 120 }), []],
  ['height 231', closedCourse({ height_cm: 231 }), ['height_cm:out_of_range']],
  ['height 119', closedCourse({ height_cm: 119 }), ['height_cm:out_of_range']],
  ['height with decimals', closedCourse({ height_cm: 180.5 }), ['height_cm:invalid_number']],
  ['height as text', closedCourse({ height_cm: '180' }), ['height_cm:invalid_number']],
  ['weight 30.0', closedCourse({ weight_start_kg: 30 }), []],
  ['weight 29.9', closedCourse({ weight_start_kg: 29.9 }), ['weight_start_kg:out_of_range']],
  ['weight 72.35', closedCourse({ weight_start_kg: 72.35 }), ['weight_start_kg:too_many_decimals']],
  ['waist 201', closedCourse({ waist_start_cm: 201 }), ['waist_start_cm:out_of_range']],
  ['bp 260/160 is fine', closedCourse({ bp_sys_start: 260, bp_dia_start: 160 }), []],
  ['bp systolic 261', closedCourse({ bp_sys_start: 261 }), ['bp_sys_start:out_of_range']],
  ['bp diastolic 29', closedCourse({ bp_dia_start: 29 }), ['bp_dia_start:out_of_range']],
  ['bp systolic only', closedCourse({ bp_dia_start: null }), ['bp_dia_start:pair_incomplete']],
  ['bp diastolic only', closedCourse({ bp_sys_start: null }), ['bp_dia_start:pair_incomplete']],
  ['bp neither', closedCourse({ bp_sys_start: null, bp_dia_start: null }), []],
  ['bp systolic = diastolic', closedCourse({ bp_sys_start: 90, bp_dia_start: 90 }), ['bp_dia_start:bp_order']],
  ['bp at end systolic < diastolic', closedCourse({ bp_sys_end: 80, bp_dia_end: 90 }), ['bp_dia_end:bp_order']],
  ['bp at end diastolic only', closedCourse({ bp_sys_end: null }), ['bp_dia_end:pair_incomplete']],
  ['ldl 0.1', closedCourse({ ldl_start: 0.1 }), []],
  ['ldl 0.0', closedCourse({ ldl_start: 0 }), ['ldl_start:out_of_range']],
  ['ldl 15.1', closedCourse({ ldl_start: 15.1 }), ['ldl_start:out_of_range']],
  ['ldl 2.85', closedCourse({ ldl_start: 2.85 }), ['ldl_start:too_many_decimals']],
  ['hads 21', closedCourse({ hads_a_start: 21 }), []],
  ['hads 22', closedCourse({ hads_a_start: 22 }), ['hads_a_start:out_of_range']],
  ['hads anxiety only', closedCourse({ hads_d_start: null }), ['hads_d_start:pair_incomplete']],
  ['hads depression only at end', closedCourse({ hads_a_end: null }), ['hads_d_end:pair_incomplete']],
  ['heartqol 3.00', closedCourse({ heartqol_start: 3 }), []],
  ['heartqol 3.01', closedCourse({ heartqol_start: 3.01 }), ['heartqol_start:out_of_range']],
  ['heartqol 2.155', closedCourse({ heartqol_start: 2.155 }), ['heartqol_start:too_many_decimals']],
  // tests
  ['test type unknown', closedCourse({ test_type: '6MWT', test_start_value: null, test_end_value: null }), ['test_type:invalid_code']],
  ['6mwt 1000', closedCourse({ test_start_value: 1000 }), []],
  ['6mwt 1001', closedCourse({ test_start_value: 1001 }), ['test_start_value:out_of_range']],
  ['watt 600', closedCourse({ test_type: 'watt', test_start_value: 600, test_end_value: 150 }), []],
  ['watt 601', closedCourse({ test_type: 'watt', test_start_value: 601, test_end_value: 150 }), ['test_start_value:out_of_range']],
  ['watt 601 at end', closedCourse({ test_type: 'watt', test_start_value: 100, test_end_value: 601 }), ['test_end_value:out_of_range']],
  ['no test with reason', closedCourse({ test_type: 'none', test_start_value: null, test_end_value: null, test_not_done_reason: 'medical' }), []],
  ['no test with a result', closedCourse({ test_type: 'none', test_end_value: null, test_not_done_reason: 'medical' }), ['test_start_value:not_applicable']],
  ['no-test reason with a test', closedCourse({ test_not_done_reason: 'medical' }), ['test_not_done_reason:not_applicable']],
  ['test result without test type', closedCourse({ test_type: null, test_end_value: null }), ['test_start_value:fill_first']],
  // section C
  ['planned 0 attended 0', closedCourse({ training_planned: 0, training_attended: 0 }), []],
  ['planned 61', closedCourse({ training_planned: 61 }), ['training_planned:out_of_range']],
  ['attended = planned', closedCourse({ training_attended: 24 }), []],
  ['attended > planned', closedCourse({ training_attended: 25 }), ['training_attended:attended_gt_planned']],
  ['attended without planned', closedCourse({ training_planned: null }), ['training_attended:fill_first']],
  ['education unknown', closedCourse({ education: 'done' }), ['education:invalid_code']],
  ['diet in capitals', closedCourse({ diet: 'Received' }), ['diet:invalid_code']],
  ['occasional smoker with cessation', closedCourse({ smoking_start: 'occasional' }), []],
  ['never-smoker with cessation', closedCourse({ smoking_start: 'never', smoking_end: 'never' }), ['smoking_cessation:not_applicable']],
  ['cessation without smoking status', closedCourse({ smoking_start: null }), ['smoking_cessation:fill_first']],
  ['psych with HADS depression 8', closedCourse({ hads_a_start: 3, hads_d_start: 8 }), []],
  ['psych with HADS 7/7', closedCourse({ hads_a_start: 7, hads_d_start: 7 }), ['psych_followup:not_applicable']],
  ['psych without HADS', closedCourse({ hads_a_start: null, hads_d_start: null }), ['psych_followup:fill_first']],
  // section D
  ['end on start day', closedCourse({ end_date: '2025-01-20' }), []],
  ['end before start', closedCourse({ end_date: '2025-01-19' }), ['end_date:date_order']],
  ['end in the future', closedCourse({ end_date: '2025-06-02' }), ['end_date:future_date']],
  ['end without start', referredCourse({ end_date: '2025-03-01' }), ['end_date:fill_first']],
  ['outcome unknown', closedCourse({ outcome: 'finished' }), ['outcome:invalid_code', 'smoking_end:not_applicable',
    'weight_end_kg:not_applicable', 'waist_end_cm:not_applicable', 'bp_sys_end:not_applicable', 'bp_dia_end:not_applicable',
    'ldl_end:not_applicable', 'hads_a_end:not_applicable', 'hads_d_end:not_applicable', 'heartqol_end:not_applicable',
    'test_end_value:not_applicable']],
  ['outcome without end date', activeCourse({ outcome: 'died' }), ['outcome:fill_first']],
  ['dropout reason when completed', closedCourse({ dropout_reason: 'work' }), ['dropout_reason:not_applicable']],
  ['dropout reason unknown', droppedOutCourse({ dropout_reason: 'bored' }), ['dropout_reason:invalid_code']],
  ['died with smoking at end', droppedOutCourse({ outcome: 'died', dropout_reason: null, smoking_end: 'former' }), ['smoking_end:not_applicable']],
  ['never → never', closedCourse({ smoking_start: 'never', smoking_cessation: null, smoking_end: 'never' }), []],
  ['daily → never', closedCourse({ smoking_end: 'never' }), ['smoking_end:smoking_end_never']],
  ['never → former', closedCourse({ smoking_start: 'never', smoking_cessation: null, smoking_end: 'former' }), ['smoking_end:smoking_end_former']],
  ['never → daily', closedCourse({ smoking_start: 'never', smoking_cessation: null, smoking_end: 'daily' }), []],
  ['former → former', closedCourse({ smoking_start: 'former', smoking_cessation: null, smoking_end: 'former' }), []],
  ['weight at end when died', droppedOutCourse({ outcome: 'died', dropout_reason: null, weight_end_kg: 80 }), ['weight_end_kg:not_applicable']],
  ['test at end with no test', closedCourse({ test_type: 'none', test_start_value: null, test_not_done_reason: 'other' }), ['test_end_value:not_applicable']],
  ['gp note ja', closedCourse({ gp_note_sent: 'ja' }), ['gp_note_sent:invalid_code']],
  ['gp note without end date', activeCourse({ gp_note_sent: 'no' }), ['gp_note_sent:fill_first']],
  // unknown and output-only keys in typed values
  ['unknown key', { ...closedCourse(), colour: 'red' } as CourseValues, ['colour:unknown_variable']],
  ['output-only key', { ...closedCourse(), state: 'closed' } as CourseValues, ['state:output_only']],
];

describe('courses/validateCourse: every rule of the dictionary', () => {
  for (const [name, course, expected] of cases) {
    it(`${name} → ${expected.length ? expected.join(', ') : 'valid'}`, () => {
      expect(at(validateCourse(course, { today: TODAY }).errors)).to.deep.equal(expected);
    });
  }

  it('reports an error at most once per variable and code, in dictionary order', () => {
    const { errors } = validateCourse(closedCourse({ end_date: '2024-01-01', cpr: '999', height_cm: 1 }), { today: TODAY });
    expect(at(errors)).to.deep.equal(['cpr:cpr_length', 'height_cm:out_of_range', 'end_date:date_order']);
  });

  it('never throws, whatever the values', () => {
    const odd = closedCourse({ referral_date: 42 as unknown as string, start_date: {} as unknown as string, training_planned: NaN });
    expect(() => validateCourse(odd, { today: TODAY })).not.to.throw();
    expect(validateCourse(odd, { today: TODAY }).errors.length).to.be.greaterThan(0);
  });

  it('un-registering a required variable on an existing course is refused', () => {
    const { errors } = validateCourse(closedCourse({ diagnosis_group: null, ihd_treatment: null }), { today: TODAY, existing: true });
    expect(errors).to.deep.equal([{ variable: 'diagnosis_group', code: 'required', params: { existing: 1 } }]);
  });

  it('a change that makes registered values inapplicable names them', () => {
    const { errors } = validateCourse(closedCourse({ start_date: null }), { today: TODAY });
    expect(errors.every((e) => e.code === 'fill_first' && e.params?.other === 'start_date')).to.equal(true);
    expect(errors.map((e) => e.variable)).to.include.members(['smoking_start', 'training_planned', 'end_date', 'gp_note_sent']);
  });
});

describe('courses/validateCourse: warnings', () => {
  it('end_date 182 days after start_date: no warning', () => {
    expect(validateCourse(closedCourse({ start_date: '2024-10-01', end_date: '2025-04-01' }), { today: TODAY }).warnings).to.deep.equal([]);
  });
  it('end_date 183 days after start_date: a warning at end_date, not an error', () => {
    const r = validateCourse(closedCourse({ start_date: '2024-10-01', end_date: '2025-04-02', referral_date: '2024-09-20', discharge_date: null }), { today: TODAY });
    expect(r.errors).to.deep.equal([]);
    expect(r.warnings).to.deep.equal([{ variable: 'end_date', code: 'long_course', params: { other: 'start_date', weeks: 26 } }]);
  });
});

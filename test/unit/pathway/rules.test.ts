import { expect } from 'chai';
import { validateCourse, validateCourseVariables } from '../../../server/courses';
import type { CourseValues } from '../../../server/courses/variables';

/** The referral's dictionary variables (pathway.md §3), validated by validateCourseVariables in the referral import. */
const REFERRAL_DICTIONARY = ['cpr', 'municipality_code', 'referral_date', 'discharge_date', 'diagnosis_group', 'ihd_treatment', 'icd10'] as const;

describe('courses/schemas: validateCourseVariables gives validateCourse\'s errors for a referral\'s variables', () => {
  const ctx = { today: '2026-06-15', existing: false };
  const valid: CourseValues = { cpr: '0101651001', municipality_code: '751', referral_date: '2026-03-01', diagnosis_group: 'ihd', ihd_treatment: 'pci' };
  const cases: [string, CourseValues][] = [
    ['valid', valid],
    ['valid, every variable', { ...valid, discharge_date: '2026-02-20', icd10: 'DI219' }],
    ['unknown codes', { ...valid, municipality_code: '999', diagnosis_group: 'flu', ihd_treatment: 'x' }],
    ['ihd_treatment when not ihd', { ...valid, diagnosis_group: 'heart_failure' }],
    ['discharge too late, icd10 malformed', { ...valid, discharge_date: '2026-05-01', icd10: 'I21' }],
    ['future and before 2010', { ...valid, referral_date: '2026-07-01', discharge_date: '2009-12-31' }],
    ['CPR too young', { ...valid, cpr: '0101154001' }],
    ['CPR too short', { ...valid, cpr: '010165100' }],
    ['CPR not a date', { ...valid, cpr: '3102651001' }],
    ['required missing', { municipality_code: '751' }],
    ['nothing', {}],
  ];
  for (const [name, values] of cases) {
    it(name, () => {
      const errors = validateCourseVariables(values, REFERRAL_DICTIONARY, ctx);
      expect(errors).to.deep.equal(validateCourse(values, ctx).errors);
      expect(errors.length > 0).to.equal(!name.startsWith('valid'));
    });
  }
});

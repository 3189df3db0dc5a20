import { expect } from 'chai';
import { parseCourseInput, validateCourseInput, type CourseValues, type InputMode } from '../../../server/courses/schemas';
import { TODAY, closedCourse, referredCourse } from './fixtures';

type Case = [mode: InputMode, raw: Record<string, unknown>, values: Record<string, unknown>, issues: string[]];
const at = (r: { issues: { variable: string | null; code: string }[] }) => r.issues.map((i) => `${i.variable}:${i.code}`);

const cases: Case[] = [
  // form: dd.mm.åååå, decimal comma, CPR with or without hyphen, trimming, '' = not registered
  ['form', { referral_date: '10.01.2025' }, { referral_date: '2025-01-10' }, []],
  ['form', { referral_date: '1.2.2025' }, { referral_date: '2025-02-01' }, []],
  ['form', { referral_date: '2025-01-10' }, { referral_date: '2025-01-10' }, []],
  ['form', { referral_date: '31.02.2025' }, {}, ['referral_date:invalid_date']],
  ['form', { referral_date: 'i går' }, {}, ['referral_date:invalid_date']],
  ['form', { cpr: '010170-1235' }, { cpr: '0101701235' }, []],
  ['form', { cpr: ' 0101701235 ' }, { cpr: '0101701235' }, []],
  ['form', { cpr: '10170-1235' }, { cpr: '101701235' }, []],
  ['form', { weight_start_kg: '72,3' }, { weight_start_kg: 72.3 }, []],
  ['form', { weight_start_kg: '72.3' }, { weight_start_kg: 72.3 }, []],
  ['form', { weight_start_kg: '72,35' }, {}, ['weight_start_kg:too_many_decimals']],
  ['form', { weight_start_kg: '72,30' }, {}, ['weight_start_kg:too_many_decimals']],
  ['form', { heartqol_start: '2,15' }, { heartqol_start: 2.15 }, []],
  ['form', { heartqol_start: '2,155' }, {}, ['heartqol_start:too_many_decimals']],
  ['form', { height_cm: ' 180 ' }, { height_cm: 180 }, []],
  ['form', { height_cm: '180,5' }, {}, ['height_cm:invalid_number']],
  ['form', { height_cm: 'høj' }, {}, ['height_cm:invalid_number']],
  ['form', { bp_sys_start: '', patient_name: '  ' }, { bp_sys_start: null, patient_name: null }, []],
  ['form', { diagnosis_group: ' ihd ' }, { diagnosis_group: 'ihd' }, []],
  ['form', { version: '3' }, {}, []],
  ['form', { version: 'x' }, {}, ['version:invalid_number']],
  // csv: ISO dates and decimal dot only
  ['csv', { referral_date: '2025-01-10', ldl_start: '2.8' }, { referral_date: '2025-01-10', ldl_start: 2.8 }, []],
  ['csv', { referral_date: '10.01.2025' }, {}, ['referral_date:invalid_date']],
  ['csv', { ldl_start: '2,8' }, {}, ['ldl_start:invalid_number']],
  ['csv', { ldl_start: '2.85' }, {}, ['ldl_start:too_many_decimals']],
  ['csv', { cpr: '010170-1235' }, { cpr: '010170-1235' }, []], // validateCourse refuses it (cpr_format)
  ['csv', { end_date: '' }, { end_date: null }, []],
  // json: numbers are numbers, dates ISO strings, codes strings, null = not registered
  ['json', { height_cm: 180, ldl_start: 2.8, referral_date: '2025-01-10' }, { height_cm: 180, ldl_start: 2.8, referral_date: '2025-01-10' }, []],
  ['json', { height_cm: '180' }, {}, ['height_cm:invalid_number']],
  ['json', { weight_start_kg: '72.3' }, {}, ['weight_start_kg:invalid_number']],
  ['json', { referral_date: '10.01.2025' }, {}, ['referral_date:invalid_date']],
  ['json', { gp_note_sent: true }, {}, ['gp_note_sent:invalid_code']],
  ['json', { cpr: 101701235 }, {}, ['cpr:cpr_format']],
  ['json', { end_date: null, outcome: null }, { end_date: null, outcome: null }, []],
  ['json', { weight_start_kg: 72.35 }, { weight_start_kg: 72.35 }, []], // refused by validateCourse (too_many_decimals)
  ['json', { version: 4 }, {}, []],
  ['json', { version: '4' }, {}, ['version:invalid_number']],
  // unknown and output-only keys, in every mode
  ['json', { colour: 'red' }, {}, ['colour:unknown_variable']],
  ['csv', { state: 'closed', complete: '1', missing: '' }, {}, ['state:output_only', 'complete:output_only', 'missing:output_only']],
  ['form', { birth_date: '01.01.1970', sex: 'M', id: '3', annulled: '', warnings: '' }, {},
    ['birth_date:output_only', 'sex:output_only', 'id:output_only', 'annulled:output_only', 'warnings:output_only']],
];

describe('courses/parseCourseInput: the three modes', () => {
  for (const [mode, raw, values, issues] of cases) {
    it(`${mode} ${JSON.stringify(raw)} → ${issues.length ? issues.join(', ') : JSON.stringify(values)}`, () => {
      const r = parseCourseInput(raw, mode);
      expect(at(r)).to.deep.equal(issues);
      expect(r.values).to.deep.equal(values);
    });
  }

  it('returns version apart', () => {
    expect(parseCourseInput({ version: 7, height_cm: 170 }, 'json')).to.deep.equal({ values: { height_cm: 170 }, issues: [], version: 7 });
    expect(parseCourseInput({ height_cm: 170 }, 'json')).not.to.have.property('version');
  });

  it('never throws on odd input', () => {
    const raw = { referral_date: ['a'], height_cm: { x: 1 }, cpr: Symbol('x'), diet: 5, patient_name: 3 };
    for (const mode of ['form', 'csv', 'json'] as const) expect(() => parseCourseInput(raw, mode)).not.to.throw();
    expect(at(parseCourseInput(raw, 'form'))).to.deep.equal(['referral_date:invalid_date', 'height_cm:invalid_number',
      'cpr:cpr_format', 'diet:invalid_code', 'patient_name:invalid_text']);
  });
});

/** What form, API and import do: parse the input, lay its readable values over the stored course, validate. */
function save(raw: Record<string, unknown>, mode: InputMode, base?: CourseValues) {
  const parsed = parseCourseInput(raw, mode);
  const values: CourseValues = { ...(base ?? {}), ...parsed.values };
  return { ...parsed, values, ...validateCourseInput(values, parsed.issues, { today: TODAY, existing: base !== undefined }) };
}
const codes = (issues: { variable: string | null; code: string }[]) => issues.map((e) => `${e.variable}:${e.code}`);

describe('courses/validateCourseInput: the one validation of a save (input issues first, each variable once)', () => {
  it('form: a bad date is reported once, in the form\'s format, and other fields still validate', () => {
    const r = save({ start_date: '32.01.2025', height_cm: '300' }, 'form', referredCourse());
    expect(codes(r.errors)).to.deep.equal(['start_date:invalid_date', 'height_cm:out_of_range', 'height_cm:fill_first']);
    expect(r.errors[0].params).to.deep.equal({ format: 'ui' });
  });

  it('json PATCH: absent keys keep their value, null un-registers', () => {
    const r = save({ version: 2, icd10: null, height_cm: 175 }, 'json', closedCourse());
    expect(r.errors).to.deep.equal([]);
    expect(r.version).to.equal(2);
    expect(r.values.icd10).to.equal(null);
    expect(r.values.height_cm).to.equal(175);
    expect(r.values.referral_date).to.equal('2025-01-10');
  });

  it('csv: an un-registering empty cell that leaves dependants is refused at the dependants', () => {
    const r = save({ smoking_start: 'never' }, 'csv', closedCourse());
    expect(codes(r.errors)).to.deep.equal(['smoking_cessation:not_applicable', 'smoking_end:smoking_end_former']);
  });

  it('create: the required variables; an unreadable one is reported as typed, not as missing', () => {
    const r = save({ cpr: '', referral_date: 'x' }, 'csv');
    expect(codes(r.errors)).to.deep.equal(['referral_date:invalid_date', 'cpr:required', 'diagnosis_group:required']);
    expect(codes(r.courseErrors)).to.deep.equal(['cpr:required', 'diagnosis_group:required']);
  });

  it('json: decimals beyond the dictionary are an error, never rounded', () => {
    const r = save({ weight_start_kg: 72.35 }, 'json', closedCourse());
    expect(codes(r.errors)).to.deep.equal(['weight_start_kg:too_many_decimals']);
    expect(r.values.weight_start_kg).to.equal(72.35);
  });

  it('an input issue at a variable hides the whole-course errors there; warnings are kept apart', () => {
    const course = closedCourse({ start_date: '2024-10-01', end_date: '2025-04-02', referral_date: '2024-09-20', discharge_date: null });
    const r = validateCourseInput({ ...course, height_cm: 1 }, [{ variable: 'height_cm', code: 'invalid_number' }], { today: TODAY, existing: true });
    expect(codes(r.errors)).to.deep.equal(['height_cm:invalid_number']);
    expect(r.courseErrors).to.deep.equal([]);
    expect(codes(r.warnings)).to.deep.equal(['end_date:long_course']);
  });
});

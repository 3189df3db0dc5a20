import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { displayValue, fieldView } from '../../../server/courses/form-view';
import { applicability } from '../../../server/courses/schemas';
import { SECTION_VARIABLES, VARIABLE, VARIABLE_NAMES, type CourseValues, type FormSection, type VariableName } from '../../../server/courses/variables';
import { activeCourse, closedCourse, droppedOutCourse, referredCourse } from './fixtures';

const SCRIPT = fs.readFileSync(path.join(__dirname, '../../../static/js/course-form.js'), 'utf8');
const FORM_VARIABLES = VARIABLE_NAMES.filter((n) => n !== 'municipality_code');

/** A field wrapper as course-field.hbs renders it, with the one input course-form.js reads. */
class FakeWrapper {
  hidden = false;
  inapplicable = false;
  readonly attrs: Record<string, string>;
  readonly input: { value: string; disabled: boolean };
  readonly classList = {
    contains: () => false,
    toggle: (cls: string, on: boolean) => { if (cls === 'course-field-inapplicable') this.inapplicable = on; },
  };
  constructor(readonly name: VariableName, stored: unknown, typed: string) {
    const view = fieldView(name, { stored: { [name]: stored }, lang: 'da' });
    this.attrs = { 'data-variable': name, 'data-stored': view.stored, ...(view.when ? { 'data-when': view.when } : {}) };
    this.input = { value: typed, disabled: false };
  }
  getAttribute(a: string): string | null { return this.attrs[a] ?? null; }
  querySelectorAll(sel: string) { return sel.startsWith('input[type=radio]') ? [] : [this.input]; }
  querySelector() { return this.input; }
}

/**
 * Run static/js/course-form.js on a page whose form holds `section`'s fields (all fields when absent; the others
 * are read from data-stored) and read back which fields it treats as applicable.
 */
function browserApplicability(c: CourseValues, section?: FormSection): Partial<Record<VariableName, boolean>> {
  const inForm = new Set<string>(section ? SECTION_VARIABLES[section] : FORM_VARIABLES);
  const wrappers = FORM_VARIABLES.map((n) => new FakeWrapper(n, c[n], displayValue(VARIABLE[n], c[n], 'da')));
  const form = { contains: (w: FakeWrapper) => inForm.has(w.name), addEventListener() {}, closest: () => null, querySelector: () => null };
  const document = {
    readyState: 'complete',
    querySelectorAll: (sel: string) => (sel.startsWith('form') ? [form] : wrappers),
    getElementById: () => null,
  };
  const window = { addEventListener() {} };
  vm.runInNewContext(SCRIPT, { document, window, location: { hash: '' } });
  const out: Partial<Record<VariableName, boolean>> = {};
  for (const w of wrappers) {
    if (!inForm.has(w.name)) continue;
    // A field with a value stays visible; it is marked inapplicable instead of hidden.
    out[w.name] = w.input.value === '' ? !w.hidden : !w.inapplicable;
  }
  return out;
}

const STATES: [string, CourseValues][] = [
  ['referred', referredCourse()],
  ['referred, heart failure', referredCourse({ diagnosis_group: 'heart_failure', ihd_treatment: null })],
  ['referred, no diagnosis group', referredCourse({ diagnosis_group: null, ihd_treatment: null })],
  ['not started', referredCourse({ not_started_reason: 'declined' })],
  ['not started with section B values left', referredCourse({ not_started_reason: 'declined', smoking_start: 'daily', smoking_cessation: 'started' })],
  ['active', activeCourse()],
  ['active, never-smoker with low HADS', activeCourse({ smoking_start: 'never', smoking_cessation: null, hads_a_start: 3, hads_d_start: 7 })],
  ['active, HADS depression 8 only', activeCourse({ hads_a_start: 0, hads_d_start: 8 })],
  ['active, no HADS', activeCourse({ hads_a_start: null, hads_d_start: null, psych_followup: null })],
  ['active, no test', activeCourse({ test_type: 'none', test_start_value: null, test_not_done_reason: 'medical' })],
  ['active, no test type', activeCourse({ test_type: null, test_start_value: null })],
  ['active, no planned training', activeCourse({ training_planned: null, training_attended: null })],
  ['active, start and not-started reason', activeCourse({ not_started_reason: 'declined' })],
  ['closed, completed', closedCourse()],
  ['closed, watt test', closedCourse({ test_type: 'watt', test_start_value: 120, test_end_value: 140 })],
  ['closed, dropped out', droppedOutCourse()],
  ['closed, died', droppedOutCourse({ outcome: 'died', dropout_reason: null })],
  ['closed, no outcome', closedCourse({ outcome: null })],
  ['closed, occasional smoker', closedCourse({ smoking_start: 'occasional' })],
  ['end measures without end date', closedCourse({ end_date: null })],
  ['everything without start date', closedCourse({ start_date: null })],
];

describe('courses/form-view: the page\'s data-when conditions agree with rules/applicability.ts', () => {
  for (const [name, c] of STATES) {
    it(`${name}: course-form.js shows exactly the applicable fields`, () => {
      const server = applicability(c);
      const expected = Object.fromEntries(FORM_VARIABLES.map((n) => [n, server[n]]));
      expect(browserApplicability(c)).to.deep.equal(expected);
    });
    it(`${name}: each section form alone, other sections read from data-stored, agrees too`, () => {
      const server = applicability(c);
      for (const section of Object.keys(SECTION_VARIABLES) as FormSection[]) {
        const expected = Object.fromEntries(SECTION_VARIABLES[section].map((n) => [n, server[n]]));
        expect(browserApplicability(c, section), section).to.deep.equal(expected);
      }
    });
  }
});

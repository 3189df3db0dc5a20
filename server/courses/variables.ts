import { codesOf, type CodeListName } from './code-lists';

/** The data dictionary's variables, in dictionary order (the names are columns, form fields, CSV headers, JSON keys). */
export const VARIABLE_NAMES = [
  'cpr', 'patient_name', 'municipality_code', 'external_id', 'referral_date', 'referral_source', 'diagnosis_group',
  'ihd_treatment', 'icd10', 'discharge_date',
  'start_date', 'not_started_reason', 'smoking_start', 'height_cm', 'weight_start_kg', 'waist_start_cm',
  'bp_sys_start', 'bp_dia_start', 'ldl_start', 'hads_a_start', 'hads_d_start', 'heartqol_start', 'test_type',
  'test_start_value', 'test_not_done_reason',
  'training_planned', 'training_attended', 'education', 'diet', 'smoking_cessation', 'psych_followup',
  'end_date', 'outcome', 'dropout_reason', 'smoking_end', 'weight_end_kg', 'waist_end_cm', 'bp_sys_end', 'bp_dia_end',
  'ldl_end', 'hads_a_end', 'hads_d_end', 'heartqol_end', 'test_end_value', 'gp_note_sent',
] as const;

export type VariableName = (typeof VARIABLE_NAMES)[number];
export type Value = string | number | null;
export type CourseValues = Partial<Record<VariableName, Value>>;
export type Section = 'A' | 'B' | 'C' | 'D';
export type Kind = 'cpr' | 'text' | 'date' | 'code' | 'integer' | 'decimal';

/**
 * One clause of a *when* condition, as data (like indicators/conditions.ts): `on` are the controlling variables
 * (named in messages). `absent` is "applies when `on` is NOT registered" (not_started_reason), whose failure means
 * "on is filled in". The form's script reads the same data (form-view.ts), so server and browser agree.
 */
export type Condition =
  /** the controller is registered */
  | { kind: 'registered'; on: readonly [VariableName] }
  /** the controller is not registered */
  | { kind: 'absent'; on: readonly [VariableName] }
  /** the controller has one of the codes */
  | { kind: 'oneOf'; on: readonly [VariableName]; codes: readonly string[] }
  /** at least one of the controllers is a number ≥ value (HADS anxiety or depression ≥ 8) */
  | { kind: 'anyAtLeast'; on: readonly VariableName[]; value: number };

export interface VariableDef {
  name: VariableName;
  section: Section;
  kind: Kind;
  decimals?: number;
  min?: number;
  max?: number;
  maxLength?: number;
  pattern?: RegExp;
  codeList?: CodeListName;
  codes?: readonly string[];
  /** Position in the national submission (after course_id). */
  national?: number;
  /** The C column: needed for a complete registration (start_date/not_started_reason: see *Completeness*). */
  required?: boolean;
  /** Earliest allowed date (dates are also never in the future). */
  minDate?: string;
  /** The clauses of the *when* condition, all of which must hold. */
  conditions?: readonly Condition[];
}

export function isRegistered(v: unknown): boolean {
  return v !== null && v !== undefined;
}

const SMOKERS = ['daily', 'occasional'];
const TESTS = ['6mwt', 'watt'];
const num = (v: Value | undefined): number => (typeof v === 'number' ? v : NaN);

/** Does one clause hold on the course's own values (not transitive: see rules/applicability.ts)? */
export function conditionHolds(cond: Condition, c: CourseValues): boolean {
  switch (cond.kind) {
    case 'registered': return isRegistered(c[cond.on[0]]);
    case 'absent': return !isRegistered(c[cond.on[0]]);
    case 'oneOf': return cond.codes.includes(c[cond.on[0]] as string);
    case 'anyAtLeast': return cond.on.some((v) => num(c[v]) >= cond.value);
  }
}

const given = (v: VariableName): Condition => ({ kind: 'registered', on: [v] });
const absent = (v: VariableName): Condition => ({ kind: 'absent', on: [v] });
const oneOf = (v: VariableName, codes: readonly string[]): Condition => ({ kind: 'oneOf', on: [v], codes });
const hadsHigh: Condition = { kind: 'anyAtLeast', on: ['hads_a_start', 'hads_d_start'], value: 8 };

type Def = Omit<VariableDef, 'name' | 'section' | 'codes'>;
const text = (maxLength: number, extra: Omit<Def, 'kind'> = {}): Def => ({ kind: 'text', maxLength, ...extra });
const date = (extra: Omit<Def, 'kind'> = {}): Def => ({ kind: 'date', ...extra });
const code = (codeList: CodeListName, extra: Omit<Def, 'kind'> = {}): Def => ({ kind: 'code', codeList, ...extra });
const int = (min: number, max: number, extra: Omit<Def, 'kind'> = {}): Def => ({ kind: 'integer', min, max, ...extra });
const dec = (min: number, max: number, decimals: number, extra: Omit<Def, 'kind'> = {}): Def =>
  ({ kind: 'decimal', min, max, decimals, ...extra });

const started = [given('start_date')];
const completed = [oneOf('outcome', ['completed'])];

const DEFS: Record<VariableName, Def> = {
  // A. Henvisning
  cpr: { kind: 'cpr', national: 1, required: true },
  patient_name: text(200),
  municipality_code: { kind: 'code', national: 2, required: true, pattern: /^\d{3}$/ },
  external_id: text(64),
  referral_date: date({ national: 3, required: true, minDate: '2010-01-01' }),
  referral_source: code('referral_source', { national: 4, required: true }),
  diagnosis_group: code('diagnosis_group', { national: 5, required: true }),
  ihd_treatment: code('ihd_treatment', { national: 6, required: true, conditions: [oneOf('diagnosis_group', ['ihd'])] }),
  icd10: text(8, { pattern: /^DI[0-9]{2}[0-9A-Z]{0,3}$/, national: 7 }),
  discharge_date: date({ national: 8, minDate: '2010-01-01' }),
  // B. Opstart
  start_date: date({ national: 9, required: true }),
  not_started_reason: code('not_started_reason', { national: 10, required: true, conditions: [absent('start_date')] }),
  smoking_start: code('smoking', { national: 11, required: true, conditions: started }),
  height_cm: int(120, 230, { conditions: started }),
  weight_start_kg: dec(30, 300, 1, { conditions: started }),
  waist_start_cm: int(40, 200, { conditions: started }),
  bp_sys_start: int(60, 260, { conditions: started }),
  bp_dia_start: int(30, 160, { conditions: started }),
  ldl_start: dec(0.1, 15, 1, { national: 12, conditions: started }),
  hads_a_start: int(0, 21, { national: 13, required: true, conditions: started }),
  hads_d_start: int(0, 21, { national: 14, required: true, conditions: started }),
  heartqol_start: dec(0, 3, 2, { national: 15, conditions: started }),
  test_type: code('test_type', { national: 16, required: true, conditions: started }),
  // The range depends on test_type (6mwt 0–1000, watt 0–600): rules/cross.ts narrows it.
  test_start_value: int(0, 1000, { national: 17, required: true, conditions: [oneOf('test_type', TESTS)] }),
  test_not_done_reason: code('test_not_done_reason', { required: true, conditions: [oneOf('test_type', ['none'])] }),
  // C. Indsatser
  training_planned: int(0, 60, { national: 18, required: true, conditions: started }),
  training_attended: int(0, 60, { national: 19, required: true, conditions: [given('training_planned')] }),
  education: code('education', { national: 20, required: true, conditions: started }),
  diet: code('diet', { national: 21, required: true, conditions: started }),
  smoking_cessation: code('smoking_cessation', { national: 22, required: true, conditions: [oneOf('smoking_start', SMOKERS)] }),
  psych_followup: code('psych_followup', { national: 23, required: true, conditions: [hadsHigh] }),
  // D. Afslutning
  end_date: date({ national: 24, required: true, conditions: started }),
  outcome: code('outcome', { national: 25, required: true, conditions: [given('end_date')] }),
  dropout_reason: code('dropout_reason', { national: 26, required: true, conditions: [oneOf('outcome', ['dropped_out'])] }),
  smoking_end: code('smoking', { national: 27, required: true, conditions: completed }),
  weight_end_kg: dec(30, 300, 1, { conditions: completed }),
  waist_end_cm: int(40, 200, { conditions: completed }),
  bp_sys_end: int(60, 260, { conditions: completed }),
  bp_dia_end: int(30, 160, { conditions: completed }),
  ldl_end: dec(0.1, 15, 1, { national: 28, conditions: completed }),
  hads_a_end: int(0, 21, { national: 29, required: true, conditions: completed }),
  hads_d_end: int(0, 21, { national: 30, required: true, conditions: completed }),
  heartqol_end: dec(0, 3, 2, { national: 31, conditions: completed }),
  test_end_value: int(0, 1000, { national: 32, required: true, conditions: [...completed, oneOf('test_type', TESTS)] }),
  gp_note_sent: code('yes_no', { national: 33, required: true, conditions: [given('end_date')] }),
};

function sectionOf(name: VariableName): Section {
  const i = VARIABLE_NAMES.indexOf(name);
  return i < VARIABLE_NAMES.indexOf('start_date') ? 'A'
    : i < VARIABLE_NAMES.indexOf('training_planned') ? 'B'
      : i < VARIABLE_NAMES.indexOf('end_date') ? 'C' : 'D';
}

export const VARIABLES: readonly VariableDef[] = VARIABLE_NAMES.map((name) => {
  const d = DEFS[name];
  const def: VariableDef = { ...d, name, section: sectionOf(name) };
  if (d.codeList) def.codes = codesOf(d.codeList);
  return Object.freeze(def);
});

export const VARIABLE: Readonly<Record<VariableName, VariableDef>> =
  Object.fromEntries(VARIABLES.map((v) => [v.name, v])) as Record<VariableName, VariableDef>;

export function isVariableName(name: string): name is VariableName {
  return Object.prototype.hasOwnProperty.call(VARIABLE, name);
}

/** The variables of the national submission, in N order (the file's columns after course_id). */
export const NATIONAL_VARIABLES: readonly VariableName[] = VARIABLES.filter((v) => v.national !== undefined)
  .sort((a, b) => a.national! - b.national!).map((v) => v.name);

export const REQUIRED_AT_CREATE: readonly VariableName[] = ['cpr', 'referral_date', 'diagnosis_group'];

const range = (from: VariableName, to: VariableName): VariableName[] =>
  VARIABLE_NAMES.slice(VARIABLE_NAMES.indexOf(from), VARIABLE_NAMES.indexOf(to) + 1);

/** The four sections of the course page, each saved on its own. */
export const SECTION_VARIABLES = {
  henvisning: ['cpr', 'patient_name', 'external_id', 'referral_date', 'referral_source', 'diagnosis_group',
    'ihd_treatment', 'icd10', 'discharge_date'],
  opstart: range('start_date', 'test_not_done_reason'),
  indsatser: range('training_planned', 'psych_followup'),
  afslutning: range('end_date', 'gp_note_sent'),
} as const satisfies Record<string, readonly VariableName[]>;

export type FormSection = keyof typeof SECTION_VARIABLES;

/** Keys a course carries in output but that may never be sent (except version, which PATCH carries back). */
export const OUTPUT_ONLY = ['id', 'version', 'state', 'annulled', 'complete', 'missing', 'birth_date', 'sex', 'warnings',
  'fhir_referral_id', 'referral_sor', 'sources'] as const;

/** The dictionary's two pairs in one row: errors about the pair are reported at the second. */
export const PAIRS = [
  { pair: 'bp_start', first: 'bp_sys_start', second: 'bp_dia_start' },
  { pair: 'hads_start', first: 'hads_a_start', second: 'hads_d_start' },
  { pair: 'bp_end', first: 'bp_sys_end', second: 'bp_dia_end' },
  { pair: 'hads_end', first: 'hads_a_end', second: 'hads_d_end' },
] as const satisfies readonly { pair: string; first: VariableName; second: VariableName }[];

/** Range of a physical test's result by test_type. */
export function testRange(testType: Value | undefined): { min: number; max: number } | null {
  return testType === '6mwt' ? { min: 0, max: 1000 } : testType === 'watt' ? { min: 0, max: 600 } : null;
}

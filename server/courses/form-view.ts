import { formatDecimal } from '../http/view-helpers';
import { t, type Lang } from '../i18n';
import { codeLabel, codeOptions } from './code-lists';
import { label } from './schemas';
import { VARIABLE, type Condition, type FormSection, SECTION_VARIABLES, type VariableDef, type VariableName } from './variables';

/**
 * One clause of a *when* condition for static/js/course-form.js, as a data-when attribute (CSP forbids inline
 * script).
 */
export type WhenClause =
  | { on: VariableName[]; codes: string[] }
  | { on: VariableName[]; given: true }
  | { on: VariableName[]; absent: true }
  | { on: VariableName[]; atLeast: number };

export interface FieldOption { code: string; label: string; checked: boolean }

export interface FieldView {
  name: VariableName;
  label: string;
  control: 'input' | 'radios' | 'select';
  value: string;
  /** the stored value in its typed form, for the *when* conditions of other sections */
  stored: string;
  hint?: string;
  error?: string;
  placeholder?: string;
  inputmode?: 'numeric' | 'decimal';
  width: string;
  unit?: string;
  options?: FieldOption[];
  /** offer "Ikke registreret" so a chosen radio can be un-registered */
  clearOption?: boolean;
  when?: string;
}

/** A clause of the dictionary's *when* condition in the shape the form's script reads (data-when). */
export function describeCondition(cond: Condition): WhenClause {
  const on = [...cond.on];
  switch (cond.kind) {
    case 'anyAtLeast': return { on, atLeast: cond.value };
    case 'absent': return { on, absent: true };
    case 'registered': return { on, given: true };
    // In the code list's order.
    case 'oneOf': return { on, codes: (VARIABLE[on[0]].codes ?? cond.codes).filter((c) => cond.codes.includes(c)) };
  }
}

const UNITS: Partial<Record<VariableName, string>> = {
  height_cm: 'cm', weight_start_kg: 'kg', waist_start_cm: 'cm', bp_sys_start: 'mmHg', bp_dia_start: 'mmHg',
  ldl_start: 'mmol/L', weight_end_kg: 'kg', waist_end_cm: 'cm', bp_sys_end: 'mmHg', bp_dia_end: 'mmHg',
  ldl_end: 'mmol/L',
};

/** A value as the form shows it: dd.mm.åååå, decimal comma with the dictionary's decimals, CPR with hyphen. */
export function displayValue(def: VariableDef, v: unknown, lang: Lang): string {
  if (v === null || v === undefined) return '';
  if (def.kind === 'date' && typeof v === 'string') {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
    return m ? `${m[3]}.${m[2]}.${m[1]}` : v;
  }
  if (def.kind === 'decimal') return formatDecimal(v, def.decimals, lang);
  if (def.kind === 'cpr' && typeof v === 'string' && /^\d{10}$/.test(v)) return `${v.slice(0, 6)}-${v.slice(6)}`;
  return String(v);
}

/** A value for reading: codes by their label, the rest as displayValue. */
export function readableValue(def: VariableDef, v: unknown, lang: Lang): string {
  if (v === null || v === undefined || v === '') return '';
  if (def.codeList) return codeLabel(def.codeList, String(v), lang);
  const text = displayValue(def, v, lang);
  const unit = UNITS[def.name];
  return unit ? `${text} ${unit}` : text;
}

/** A typical value for the decimal hints ("fx 2,5"): inside the range, with the dictionary's decimals. */
const EXAMPLES: Partial<Record<VariableName, number>> = {
  weight_start_kg: 72.5, weight_end_kg: 72.5, ldl_start: 2.5, ldl_end: 2.5, heartqol_start: 2.15, heartqol_end: 2.15,
};

function hintOf(def: VariableDef, lang: Lang): string | undefined {
  const key = `courses.pages.hints.${def.name}`;
  const own = t(lang, key);
  if (own !== key) return own;
  if (def.kind === 'date') return t(lang, 'courses.pages.hints.date');
  if (def.kind === 'integer' && def.min !== undefined) return t(lang, 'courses.pages.hints.range', { min: def.min, max: def.max! });
  if (def.kind === 'decimal') {
    const f = (n: number) => formatDecimal(n, undefined, lang);
    return t(lang, def.decimals === 1 ? 'courses.pages.hints.decimal_one' : 'courses.pages.hints.decimal_two',
      { min: f(def.min!), max: f(def.max!), example: formatDecimal(EXAMPLES[def.name] ?? def.min!, def.decimals, lang) });
  }
  return undefined;
}

function widthOf(def: VariableDef): string {
  if (def.kind === 'date' || def.kind === 'cpr') return 'input-char-11';
  if (def.kind === 'integer' || def.kind === 'decimal') return 'input-width-xs';
  if (def.name === 'icd10') return 'input-char-8';
  return 'input-width-l';
}

export interface FieldInput {
  /** stored values of the course (typed: ISO dates, numbers) */
  stored: Record<string, unknown>;
  /** what the user typed in this section, kept exactly (absent: show the stored value) */
  typed?: Record<string, string>;
  errors?: Record<string, string>;
  lang: Lang;
}

/** The field view of one variable. */
export function fieldView(name: VariableName, input: FieldInput): FieldView {
  const def = VARIABLE[name];
  const { lang } = input;
  const stored = input.stored[name];
  const value = input.typed && name in input.typed ? input.typed[name] : displayValue(def, stored, lang);
  const view: FieldView = {
    name, label: label(name, lang), control: 'input', value,
    stored: stored === null || stored === undefined ? '' : String(stored),
    hint: hintOf(def, lang), error: input.errors?.[name], width: widthOf(def), unit: UNITS[name],
  };
  if (def.kind === 'integer') view.inputmode = 'numeric';
  if (def.kind === 'decimal') view.inputmode = 'decimal';
  if (name === 'training_planned') view.placeholder = '24';
  if (def.codeList) {
    const options = codeOptions(def.codeList, lang).map((o) => ({ ...o, checked: o.code === value }));
    view.options = options;
    view.control = options.length <= 4 ? 'radios' : 'select';
    view.clearOption = view.control === 'radios' && value !== '';
  }
  if (def.conditions) view.when = JSON.stringify(def.conditions.map(describeCondition));
  return view;
}

/** The field views of one section of the course page. */
export function sectionFields(section: FormSection, input: FieldInput): FieldView[] {
  return SECTION_VARIABLES[section].map((name) => fieldView(name, input));
}

/** The section a variable is edited in (municipality_code is in none). */
export function sectionOf(name: string): FormSection | undefined {
  return (Object.keys(SECTION_VARIABLES) as FormSection[])
    .find((s) => (SECTION_VARIABLES[s] as readonly string[]).includes(name));
}

/**
 * A section form's body as raw input for parseCourseInput: only the section's variables; a radio group's hidden
 * empty input and its checked radio arrive as two values, of which the last is the answer.
 */
export function sectionInput(section: FormSection, body: Record<string, unknown>): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const name of SECTION_VARIABLES[section]) {
    const v = body[name];
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (typeof last === 'string') raw[name] = last;
  }
  return raw;
}

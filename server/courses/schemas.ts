import { z } from 'zod';
import { applicability, type Applicable } from './rules/applicability';
import { courseWarnings, crossFieldRules, type RuleContext } from './rules/cross';
import { fieldSchemas } from './rules/fields';
import { ISSUE_CODES, issue, type Issue, type IssueCode } from './rules/issues';
import { parseVersion, readRawInput, type InputMode, type RawReading } from './rules/parse';
import {
  OUTPUT_ONLY, SECTION_VARIABLES, VARIABLE, VARIABLES, VARIABLE_NAMES, isVariableName,
  type CourseValues, type FormSection, type VariableDef, type VariableName,
} from './variables';

export { ISSUE_CODES, issueMessage, label, type Issue, type IssueCode } from './rules/issues';
export { courseWarnings } from './rules/cross';
export { applicability, inapplicableRegistered } from './rules/applicability';
export { fieldSchemas } from './rules/fields';
export type { InputMode } from './rules/parse';
/** The rules' context; `fields` (optional) remembers each variable's own verdict per value across many courses. */
export type ValidationContext = RuleContext & { fields?: FieldVerdicts };

/** Per-section schemas of typed values (each variable's own rules; the whole-course rules need courseSchema). */
export const sectionSchemas: Readonly<Record<FormSection, z.ZodType>> = Object.fromEntries(
  Object.entries(SECTION_VARIABLES).map(([section, names]) => [
    section,
    z.strictObject(Object.fromEntries(names.map((n) => [n, fieldSchemas[n]]))),
  ]),
) as unknown as Record<FormSection, z.ZodType>;

const courseSchemas = new Map<string, z.ZodType>();

/** The whole-course schema: every variable's schema, then the cross-field rules (which run even when a field fails). */
export function courseSchema(ctx: ValidationContext): z.ZodType {
  const key = `${ctx.today}|${ctx.existing ? 1 : 0}`;
  let schema = courseSchemas.get(key);
  if (!schema) {
    schema = z.strictObject(fieldSchemas).superRefine((values, rc) => {
      crossFieldRules(values as CourseValues, ctx, (variable, code, params) => {
        rc.addIssue({ code: 'custom', message: code, path: [variable], params });
      });
    }, { when: () => true });
    if (courseSchemas.size > 32) courseSchemas.clear();
    courseSchemas.set(key, schema);
  }
  return schema;
}

// The dictionary read once into module constants: an imported binding is a getter call at every use (CommonJS
// interop), which the per-cell loops of a bulk import would pay millions of times.
const DEFS: readonly VariableDef[] = VARIABLES;
const DEF: typeof VARIABLE = VARIABLE;
const isName: typeof isVariableName = isVariableName;

const KNOWN_CODES = new Set<string>(ISSUE_CODES);
const OUTPUT_ONLY_KEYS = new Set<string>(OUTPUT_ONLY);
const ORDER = new Map<string, number>(VARIABLE_NAMES.map((n, i) => [n, i]));

function keyIssue(key: string): Issue {
  return issue(key, OUTPUT_ONLY_KEYS.has(key) ? 'output_only' : 'unknown_variable', { name: key });
}

/** A zod issue as ours: the zod message is our code; params come from the issue or the variable's definition. */
function fromZod(zi: z.core.$ZodIssue, values: Record<string, unknown>): Issue[] {
  if (zi.code === 'unrecognized_keys') return zi.keys.map(keyIssue);
  const variable = zi.path.length ? String(zi.path[0]) : null;
  const code = KNOWN_CODES.has(zi.message) ? zi.message : 'invalid_format';
  if (zi.code === 'custom' && zi.params) return [{ variable, code, params: zi.params as Issue['params'] }];
  const def = variable && isVariableName(variable) ? VARIABLE[variable] : undefined;
  let params: Issue['params'];
  if (def) {
    if (code === 'out_of_range') params = { min: def.min!, max: def.max! };
    else if (code === 'too_many_decimals') params = { decimals: def.decimals! };
    else if (code === 'too_long') params = { max: def.maxLength! };
    else if (code === 'invalid_date') params = { format: 'iso' };
    else if (code === 'invalid_code') {
      params = { got: String(values[def.name]) };
      if (def.codes) params.allowed = def.codes.join(', ');
    }
  }
  return [params ? { variable, code, params } : { variable, code }];
}

function byDictionaryOrder(issues: Issue[]): Issue[] {
  const rank = (i: Issue) => (i.variable === null ? -1 : ORDER.get(i.variable) ?? -1);
  return issues.map((i, n) => ({ i, n })).sort((a, b) => rank(a.i) - rank(b.i) || a.n - b.n).map((x) => x.i);
}

/**
 * Raw input (form fields, CSV cells, JSON body) → typed values, present keys only (null = un-register).
 * `version` is returned apart; other output-only keys and unknown keys are issues. Never throws on bad input.
 * `fields` (a bulk job's) remembers the reading of each text per variable, so a column's repeated values are read
 * once (and, being the same strings, are looked up again at no hashing cost by validateCourse).
 */
export function parseCourseInput(raw: Record<string, unknown>, mode: InputMode, fields?: FieldVerdicts):
  { values: CourseValues; issues: Issue[]; version?: number } {
  const values: CourseValues = {};
  const issues: Issue[] = [];
  let version: number | undefined;
  const source = raw ?? {};
  for (const key of Object.keys(source)) {
    const rawValue = source[key];
    if (key === 'version') {
      if (rawValue === undefined || rawValue === null || rawValue === '') continue;
      const v = parseVersion(rawValue, mode);
      if (v === null) issues.push(issue('version', 'invalid_number'));
      else version = v;
    } else if (!isName(key)) {
      issues.push(keyIssue(key));
    } else {
      const r = fields && typeof rawValue === 'string' ? fields.reading(key, mode, rawValue) : readRawInput(DEF[key], mode, rawValue);
      if (r.ok) {
        if (r.value !== undefined) values[key] = r.value;
      } else {
        issues.push(...fromZod({ ...r.issue, path: [key] } as z.core.$ZodIssue, raw));
      }
    }
  }
  return version === undefined ? { values, issues } : { values, issues, version };
}

/** Distinct values remembered per variable at most (a column of unique values, like CPR, then just runs its schema). */
const VERDICTS_PER_VARIABLE = 4096;

/** A variable's own verdict on a value: its issues (path from the course), and whether they stop the cross rules. */
interface Verdict { issues: readonly z.core.$ZodIssue[]; stopsCrossRules: boolean }

const VALID: Verdict = { issues: [], stopsCrossRules: false };

let probeRan = false;
const probes = new Map<VariableName, z.ZodType>();

/**
 * The course schema cut down to one variable, with a refinement that only notes that it ran: it runs, as the
 * course's cross-field rules do, unless the variable's issue aborts the object (an unreadable date, say).
 */
function probe(name: VariableName): z.ZodType {
  let schema = probes.get(name);
  if (!schema) {
    schema = z.strictObject({ [name]: fieldSchemas[name] }).superRefine(() => { probeRan = true; }, { when: () => true });
    probes.set(name, schema);
  }
  return schema;
}

/** What the course schema makes of one variable's value (the probe only runs when the value fails). */
function verdictOf(name: VariableName, value: unknown): Verdict {
  if (fieldSchemas[name].safeParse(value).success) return VALID;
  probeRan = false;
  const r = probe(name).safeParse({ [name]: value });
  return { issues: r.success ? [] : r.error.issues, stopsCrossRules: !probeRan };
}

/**
 * A variable's own schema gives the same issues for the same value, so a bulk job (an import of many courses)
 * asks it once per distinct value of a column rather than once per cell. Keep one per job (the municipality code
 * list it reads may change between jobs).
 */
export class FieldVerdicts {
  /** by the variable's index in VARIABLES: its verdicts by value */
  private readonly seen = DEFS.map(() => new Map<unknown, Verdict>());
  /** by input mode, then by the variable's index in VARIABLES: the readings of its raw texts that succeeded */
  private readonly readings = new Map<InputMode, Map<string, RawReading>[]>();

  /**
   * readRawInput of one variable's raw text in a mode (remembered when it reads: a failure's issue is made afresh,
   * so no caller shares its params).
   */
  reading(name: VariableName, mode: InputMode, raw: string): RawReading {
    let byIndex = this.readings.get(mode);
    if (!byIndex) this.readings.set(mode, (byIndex = DEFS.map(() => new Map<string, RawReading>())));
    const byText = byIndex[ORDER.get(name)!];
    let found = byText.get(raw);
    if (found) return found;
    found = readRawInput(DEF[name], mode, raw);
    if (found.ok && byText.size < VERDICTS_PER_VARIABLE) byText.set(raw, found);
    return found;
  }

  /** The verdict of the `index`-th variable's own schema on `value` (remembered for primitive values). */
  verdict(index: number, value: unknown): Verdict {
    if (value === null) return VALID; // every variable's schema is nullable: null is "not registered"
    const byValue = this.seen[index];
    let found = byValue.get(value);
    if (found) return found;
    found = verdictOf(DEFS[index].name, value);
    if (typeof value !== 'object' && byValue.size < VERDICTS_PER_VARIABLE) byValue.set(value, found);
    return found;
  }
}

/**
 * What courseSchema(ctx).safeParse reports, without the object schema: each present variable's own issues (the
 * remembered verdict for its value), then the cross-field rules, which run unless a field's issue aborts. Only for
 * values whose keys are all variable names (the strict object's unknown-key issue is left to the schema).
 */
function courseIssues(values: CourseValues, ctx: ValidationContext, fields: FieldVerdicts, app: Applicable): z.core.$ZodIssue[] {
  const out: z.core.$ZodIssue[] = [];
  let crossRules = true;
  for (let i = 0; i < DEFS.length; i++) {
    const value = values[DEFS[i].name];
    if (value === undefined) continue;
    const v = fields.verdict(i, value);
    if (v === VALID) continue;
    for (const zi of v.issues) out.push(zi);
    if (v.stopsCrossRules) crossRules = false;
  }
  if (!crossRules) return out;
  crossFieldRules(values, ctx, (variable, code, params) => {
    out.push({ code: 'custom', message: code, path: [variable], params, input: values } as z.core.$ZodIssue);
  }, app);
  return out;
}

function allVariables(values: CourseValues): boolean {
  for (const key in values) if (!isName(key)) return false;
  return true;
}

/** The whole course against every rule of the dictionary: errors block a save, warnings do not. */
export function validateCourse(values: CourseValues, ctx: ValidationContext): { errors: Issue[]; warnings: Issue[] } {
  let issues: readonly z.core.$ZodIssue[];
  let app: Applicable | undefined;
  if (ctx.fields && allVariables(values)) issues = courseIssues(values, ctx, ctx.fields, (app = applicability(values)));
  else {
    const r = courseSchema(ctx).safeParse(values);
    issues = r.success ? [] : r.error.issues;
  }
  const errors = issues.length === 0 ? [] : byDictionaryOrder(issues.flatMap((zi) => fromZod(zi, values)));
  return { errors, warnings: courseWarnings(values, app) };
}

const variableSchemas = new Map<string, z.ZodType>();

/**
 * validateCourse's errors for values that hold only `names` (the referral record's dictionary variables): the same
 * variable schemas and whole-course rules, without parsing the absent variables one by one. A key outside `names`
 * is an unknown_variable error here, so pass only values within them.
 */
export function validateCourseVariables(values: CourseValues, names: readonly VariableName[], ctx: ValidationContext): Issue[] {
  const key = `${names.join(',')}|${ctx.today}|${ctx.existing ? 1 : 0}`;
  let schema = variableSchemas.get(key);
  if (!schema) {
    schema = z.strictObject(Object.fromEntries(names.map((n) => [n, fieldSchemas[n]]))).superRefine((v, rc) => {
      crossFieldRules(v as CourseValues, ctx, (variable, code, params) => {
        rc.addIssue({ code: 'custom', message: code, path: [variable], params });
      });
    }, { when: () => true });
    if (variableSchemas.size > 32) variableSchemas.clear();
    variableSchemas.set(key, schema);
  }
  const r = schema.safeParse(values);
  return r.success ? [] : byDictionaryOrder(r.error.issues.flatMap((zi) => fromZod(zi, values)));
}

/**
 * The one validation of a course about to be saved, by the form, the API and the import alike. `course` is the
 * whole course after the change (the input's readable values laid over the stored course, or the new course);
 * `inputIssues` what parseCourseInput could not read (and the caller's own input checks). An input issue wins over
 * the whole-course errors at the same variable, so an unreadable value is reported once, as typed.
 * Returns `errors` = the input issues as given, then `courseErrors` (the rest, in dictionary order); warnings
 * never block a save.
 */
export function validateCourseInput(course: CourseValues, inputIssues: readonly Issue[], ctx: ValidationContext):
  { errors: Issue[]; courseErrors: Issue[]; warnings: Issue[] } {
  const result = validateCourse(course, ctx);
  const unreadable = new Set(inputIssues.map((i) => i.variable));
  const courseErrors = result.errors.filter((e) => !unreadable.has(e.variable));
  return { errors: [...inputIssues, ...courseErrors], courseErrors, warnings: result.warnings };
}

export type { CourseValues, VariableName };

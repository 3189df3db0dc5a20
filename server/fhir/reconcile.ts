import {
  courseIssueMessage, type CourseValues, type Issue, type Sources, validateCourse, VARIABLE_NAMES, type VariableName,
} from '../courses';
import type { Lang } from '../i18n';
import { today } from '../time';
import type { Derived } from './derive';
import { at, type Finding } from './findings';

/** fhir.md "Precedence": the care record never overwrites a therapist. */

/** The variables the care record derives, in dictionary order. */
export const FHIR_VARIABLES: readonly VariableName[] = VARIABLE_NAMES.filter((v) => ([
  'referral_date', 'referral_source', 'diagnosis_group', 'icd10', 'start_date', 'not_started_reason', 'training_attended',
  'education', 'diet', 'smoking_cessation', 'psych_followup', 'end_date', 'outcome', 'dropout_reason',
] as string[]).includes(v));

export interface Reconciled {
  values: CourseValues;
  sources: Sources;
  changed: VariableName[];
  waiting: Record<string, string | number>;
  findings: Finding[];
}

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);

const issueKey = (e: Issue) => `${e.variable}:${e.code}`;

/** The course with one variable set to the target value, or un-registered (null). */
function withTarget(values: CourseValues, v: VariableName, t: string | number | null): CourseValues {
  const next = { ...values };
  if (t === null) delete next[v];
  else next[v] = t;
  return next;
}

/**
 * Lay the derived values over the course: manual variables are kept (`manual_kept` where the care record says
 * otherwise); the rest are set or un-registered one at a time, each only if the whole course stays valid, in passes
 * until none applies; what is left waits (`not_applied`).
 */
export function reconcile(current: CourseValues, sources: Sources, derived: Derived, lang: Lang): Reconciled {
  const findings: Finding[] = [];
  const target = new Map<VariableName, string | number | null>();
  for (const v of FHIR_VARIABLES) {
    const d = derived[v] ?? null;
    if (sources[v] === 'manual') {
      if (d !== null && !same(d, current[v])) findings.push(at('manual_kept', null, { variable: v, manual: String(current[v] ?? ''), fhir: String(d) }));
    } else target.set(v, d);
  }
  const day = today();
  let values: CourseValues = { ...current };
  let pending = [...target.keys()].filter((v) => !same(values[v], target.get(v)));
  const applied: VariableName[] = [];
  // One validation per try: the course's errors are known before each try, and the last try of each variable left
  // waiting (the last pass applies nothing, so it ran on the final values) gives its `not_applied` message.
  let errors = pending.length ? validateCourse(values, { today: day, existing: true }).errors : [];
  const lastTry = new Map<VariableName, Issue[]>();
  for (let progress = true; progress && pending.length;) {
    progress = false;
    for (const v of [...pending]) {
      const next = withTarget(values, v, target.get(v)!);
      const nextErrors = validateCourse(next, { today: day, existing: true }).errors;
      const known = new Set(errors.map(issueKey));
      if (nextErrors.some((i) => !known.has(issueKey(i)))) {
        lastTry.set(v, nextErrors);
        continue;
      }
      values = next;
      errors = nextErrors;
      applied.push(v);
      pending = pending.filter((p) => p !== v);
      progress = true;
    }
  }
  const nextSources: Sources = { ...sources };
  for (const v of applied) {
    if (target.get(v) === null) delete nextSources[v];
    else nextSources[v] = 'fhir';
  }
  const waiting: Record<string, string | number> = {};
  for (const v of pending) {
    const t = target.get(v)!;
    if (t !== null) waiting[v] = t;
    const e = lastTry.get(v)!;
    const issue = e.find((i) => i.variable === v) ?? e[0];
    findings.push(at('not_applied', null, { variable: v, value: t === null ? '' : String(t), message: issue ? courseIssueMessage(issue, lang) : '' }));
  }
  const changed = VARIABLE_NAMES.filter((v) => !same(current[v], values[v]));
  return { values, sources: nextSources, changed, waiting, findings };
}

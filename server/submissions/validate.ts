import {
  applicability, courseWarnings, type FieldVerdicts, isRegistered, type Issue, issueMessage, label, NATIONAL_VARIABLES,
  type StoredCourse, validateCourse, VARIABLE, type VariableName,
} from '../courses';
import { t, type Lang } from '../i18n';

export interface Reason { variable: string | null; code: string; message: string }
export interface CourseReasons { course_id: number; reasons: Reason[] }

const NATIONAL = new Set<string>(NATIONAL_VARIABLES);
/** Variables marked N but not C: optional nationally, so their absence only warns. */
const N_ONLY: readonly VariableName[] = NATIONAL_VARIABLES.filter((v) => !VARIABLE[v].required);

function reason(i: Issue, lang: Lang): Reason {
  return { variable: i.variable, code: i.code, message: issueMessage(i, lang) };
}

/**
 * Errors exclude a course from the submission: it fails the current schema, or its stored `missing` list holds
 * a variable marked N (the national database would reject the record). `fields`: the pass's remembered verdicts.
 */
export function submissionErrors(course: StoredCourse, today: string, lang: Lang = 'da', fields?: FieldVerdicts): Reason[] {
  const { errors } = validateCourse(course.values, { today, existing: true, fields });
  const out = errors.map((e) => reason(e, lang));
  for (const v of course.missing) {
    if (NATIONAL.has(v)) {
      out.push({ variable: v, code: 'missing', message: t(lang, 'submissions.reason_missing', { label: label(v, lang) }) });
    }
  }
  return out;
}

/** Warnings keep the course in: an applicable N-only variable not registered; end_date over 26 weeks after start_date. */
export function submissionWarnings(course: StoredCourse, lang: Lang = 'da'): Reason[] {
  const app = applicability(course.values);
  const out: Reason[] = N_ONLY.filter((v) => app[v] && !isRegistered(course.values[v])).map((v) => ({
    variable: v, code: 'not_registered', message: t(lang, 'submissions.reason_not_registered', { label: label(v, lang) }),
  }));
  return [...out, ...courseWarnings(course.values).map((w) => reason(w, lang))];
}

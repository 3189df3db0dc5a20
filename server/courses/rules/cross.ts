import { addDays, daysBetween, isIsoDate } from '../../time';
import { ageOn, birthDateFromCpr, cprIssue } from '../../patients';
import {
  PAIRS, REQUIRED_AT_CREATE, VARIABLES, isRegistered, testRange, type CourseValues, type VariableName,
} from '../variables';
import { applicability, inapplicableReason, type Applicable } from './applicability';
import type { Issue, IssueCode } from './issues';

export interface RuleContext {
  /** Today in Danish time, YYYY-MM-DD. */
  today: string;
  /** The course exists already (a missing required variable is then an attempt to un-register it). */
  existing?: boolean;
}

type Add = (variable: VariableName, code: IssueCode, params?: Issue['params']) => void;

const DISCHARGE_MAX_DAYS = 30;
const LONG_COURSE_DAYS = 26 * 7;

/**
 * The whole-course rules that look beyond one value: required-at-create, *when* conditions, dates against today
 * and each other, the CPR age, pairs, training and smoking consistency. Each error is reported at the variable in
 * whose dictionary row the rule stands. Values are checked defensively: a value that failed its own schema is
 * skipped here rather than reported twice.
 */
export function crossFieldRules(c: CourseValues, rc: RuleContext, add: Add, app: Applicable = applicability(c)): void {
  for (const v of REQUIRED_AT_CREATE) {
    if (!isRegistered(c[v])) add(v, 'required', rc.existing ? { existing: 1 } : undefined);
  }
  for (const def of VARIABLES) {
    if (isRegistered(c[def.name]) && !app[def.name]) {
      const reason = inapplicableReason(def.name, c, app);
      add(def.name, reason.code as IssueCode, reason.params);
    }
  }
  const dates: Partial<Record<VariableName, string | null>> = {};
  const date = (v: VariableName): string | null => {
    let d = dates[v];
    if (d === undefined) {
      const x = c[v];
      dates[v] = d = app[v] && typeof x === 'string' && isIsoDate(x) ? x : null;
    }
    return d;
  };
  const num = (v: VariableName): number | null => {
    const x = c[v];
    return app[v] && typeof x === 'number' && Number.isFinite(x) ? x : null;
  };

  for (const def of VARIABLES) {
    const d = def.kind === 'date' ? date(def.name) : null;
    if (d && d > rc.today) add(def.name, 'future_date');
  }

  const referral = date('referral_date');
  if (referral && typeof c.cpr === 'string' && cprIssue(c.cpr) === null && cprIssue(c.cpr, referral) === 'cpr_age') {
    add('cpr', 'cpr_age', { age: ageOn(birthDateFromCpr(c.cpr)!, referral) });
  }
  const discharge = date('discharge_date');
  if (referral && discharge && discharge > addDays(referral, DISCHARGE_MAX_DAYS)) {
    add('discharge_date', 'discharge_too_late', { other: 'referral_date', days: DISCHARGE_MAX_DAYS });
  }
  const start = date('start_date');
  if (referral && start && start < referral) add('start_date', 'date_order', { other: 'referral_date' });
  const end = date('end_date');
  if (start && end && end < start) add('end_date', 'date_order', { other: 'start_date' });

  const range = testRange(c.test_type);
  for (const v of ['test_start_value', 'test_end_value'] as const) {
    const x = num(v);
    // Values outside 0–1000 already fail the variable's own schema.
    if (range && x !== null && x >= 0 && x <= 1000 && x > range.max) add(v, 'out_of_range', { ...range });
  }

  const planned = num('training_planned');
  const attended = num('training_attended');
  if (planned !== null && attended !== null && attended > planned) {
    add('training_attended', 'attended_gt_planned', { planned });
  }

  for (const { pair, first, second } of PAIRS) {
    const a = app[first] && isRegistered(c[first]);
    const b = app[second] && isRegistered(c[second]);
    if (a !== b) add(second, 'pair_incomplete', { pair });
    const sys = num(first);
    const dia = num(second);
    if (pair.startsWith('bp') && sys !== null && dia !== null && sys <= dia) add(second, 'bp_order', { pair });
  }

  const smokingEnd = app.smoking_end ? c.smoking_end : null;
  const smokingStart = app.smoking_start ? c.smoking_start : null;
  if (isRegistered(smokingStart) && smokingEnd === 'never' && smokingStart !== 'never') {
    add('smoking_end', 'smoking_end_never', { other: 'smoking_start' });
  }
  if (smokingStart === 'never' && smokingEnd === 'former') {
    add('smoking_end', 'smoking_end_former', { other: 'smoking_start' });
  }
}

/** Warnings: they never block a save (end_date more than 26 weeks after start_date). */
export function courseWarnings(c: CourseValues, app: Applicable = applicability(c)): Issue[] {
  const { start_date: start, end_date: end } = c;
  if (app.end_date && typeof start === 'string' && typeof end === 'string' && isIsoDate(start) && isIsoDate(end)
    && daysBetween(start, end) > LONG_COURSE_DAYS) {
    return [{ variable: 'end_date', code: 'long_course', params: { other: 'start_date', weeks: 26 } }];
  }
  return [];
}

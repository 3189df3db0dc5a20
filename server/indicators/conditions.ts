import type { VariableName } from '../courses/variables';

/**
 * Conditions on one course, as data. They are evaluated by SQL's own three-valued logic: a condition on the
 * value of an unregistered variable is unknown (NULL), `registered` and `flag` are always known. That is exactly
 * indicators.md's missing rule — a course whose population condition is unknown could be in the population for
 * some value of the unregistered variable, a false one is excluded by registered values whatever else is missing.
 */

/**
 * A column of `courses` a condition may read: every dictionary variable stored on the course (so a new variable is
 * usable in an indicator without touching this file), and the derived `complete` flag. CPR and name live on the
 * patient, never in an indicator.
 */
export type CourseColumn = Exclude<VariableName, 'cpr' | 'patient_name'> | 'complete';

export type Condition =
  /** the variable is registered (known either way: not registering it is the answer) */
  | { kind: 'registered'; column: CourseColumn }
  /** a stored boolean that is never null */
  | { kind: 'flag'; column: CourseColumn }
  /** the variable has one of the values; unknown when unregistered */
  | { kind: 'oneOf'; column: CourseColumn; values: readonly (string | number)[] }
  /** leftFactor × left ≥ rightFactor × right, in whole numbers; unknown when either is unregistered */
  | { kind: 'scaledAtLeast'; leftFactor: number; left: CourseColumn; rightFactor: number; right: CourseColumn }
  /** the variable compared with a constant (`<` or `>=`); unknown when unregistered */
  | { kind: 'compare'; column: CourseColumn; op: '<' | '>='; value: number }
  /** whole days from `from` to `to` ≤ days; unknown when either is unregistered */
  | { kind: 'daysAtMost'; from: CourseColumn; to: CourseColumn; days: number }
  | { kind: 'not'; condition: Condition }
  | { kind: 'all'; conditions: readonly Condition[] }
  | { kind: 'any'; conditions: readonly Condition[] };

export const registered = (column: CourseColumn): Condition => ({ kind: 'registered', column });
export const flag = (column: CourseColumn): Condition => ({ kind: 'flag', column });
export const oneOf = (column: CourseColumn, ...values: (string | number)[]): Condition => ({ kind: 'oneOf', column, values });
export const not = (condition: Condition): Condition => ({ kind: 'not', condition });
export const all = (...conditions: Condition[]): Condition => ({ kind: 'all', conditions });
export const any = (...conditions: Condition[]): Condition => ({ kind: 'any', conditions });
export const scaledAtLeast = (leftFactor: number, left: CourseColumn, rightFactor: number, right: CourseColumn): Condition =>
  ({ kind: 'scaledAtLeast', leftFactor, left, rightFactor, right });
/** column < value (for a one-decimal variable against a midpoint such as 1.35, never equal on any engine) */
export const below = (column: CourseColumn, value: number): Condition => ({ kind: 'compare', column, op: '<', value });
export const atLeast = (column: CourseColumn, value: number): Condition => ({ kind: 'compare', column, op: '>=', value });
export const daysAtMost = (from: CourseColumn, to: CourseColumn, days: number): Condition =>
  ({ kind: 'daysAtMost', from, to, days });

/** The variables a condition reads, in order of first use. */
export function columnsOf(condition: Condition, into: CourseColumn[] = []): CourseColumn[] {
  const add = (c: CourseColumn) => { if (!into.includes(c)) into.push(c); };
  switch (condition.kind) {
    case 'registered': case 'flag': case 'oneOf': case 'compare': add(condition.column); break;
    case 'scaledAtLeast': add(condition.left); add(condition.right); break;
    case 'daysAtMost': add(condition.from); add(condition.to); break;
    case 'not': columnsOf(condition.condition, into); break;
    case 'all': case 'any': condition.conditions.forEach((c) => columnsOf(c, into)); break;
  }
  return into;
}

/** The leaves (atoms) of a condition, depth first; their order numbers the per-atom SQL columns. */
export function atomsOf(condition: Condition, into: Condition[] = []): Condition[] {
  if (condition.kind === 'not') atomsOf(condition.condition, into);
  else if (condition.kind === 'all' || condition.kind === 'any') condition.conditions.forEach((c) => atomsOf(c, into));
  else into.push(condition);
  return into;
}

import { birthDateFromCpr, sexFromCpr } from '../patients';
import { applicability } from './rules/applicability';
import { courseWarnings } from './rules/cross';
import type { Issue } from './rules/issues';
import { VARIABLES, isRegistered, type CourseValues, type Section, type VariableName } from './variables';

export type CourseState = 'referred' | 'not_started' | 'active' | 'closed';
export const COURSE_STATES: readonly CourseState[] = ['referred', 'not_started', 'active', 'closed'];

export function deriveState(c: CourseValues): CourseState {
  if (isRegistered(c.end_date)) return 'closed';
  if (isRegistered(c.start_date)) return 'active';
  if (isRegistered(c.not_started_reason)) return 'not_started';
  return 'referred';
}

const SECTIONS: Record<Exclude<CourseState, 'referred'>, readonly Section[]> = {
  not_started: ['A'],
  active: ['A', 'B'],
  closed: ['A', 'B', 'C', 'D'],
};

/** The unregistered C variables that apply, among the given sections, in dictionary order. */
function missingIn(c: CourseValues, sections: readonly Section[]): VariableName[] {
  const app = applicability(c);
  return VARIABLES.filter((d) => d.required && sections.includes(d.section) && app[d.name] && !isRegistered(c[d.name]))
    .map((d) => d.name);
}

/** The dictionary's *Completeness*: a referred course is never complete (section A's missing, then start_date). */
export function completeness(c: CourseValues): { complete: boolean; missing: VariableName[] } {
  const state = deriveState(c);
  const missing: VariableName[] = state === 'referred'
    ? [...missingIn(c, ['A']), 'start_date']
    // not_started_reason is registered by definition of the state; start_date does not belong to it.
    : missingIn(c, SECTIONS[state]).filter((v) => state !== 'not_started' || v !== 'start_date');
  return { complete: missing.length === 0, missing };
}

export interface Derived {
  state: CourseState;
  complete: boolean;
  missing: VariableName[];
  birth_date: string | null;
  sex: 'M' | 'F' | null;
  warnings: Issue[];
}

/** Everything computed from a course's values, stored at every save and shown in output. */
export function derived(c: CourseValues): Derived {
  const cpr = typeof c.cpr === 'string' ? c.cpr : null;
  return {
    state: deriveState(c),
    ...completeness(c),
    birth_date: birthDateFromCpr(cpr),
    sex: sexFromCpr(cpr),
    warnings: courseWarnings(c),
  };
}

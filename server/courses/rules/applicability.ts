import {
  VARIABLE, VARIABLES, conditionHolds, isRegistered, type Condition, type CourseValues, type VariableName,
} from '../variables';
import type { Issue } from './issues';

/**
 * Does each variable apply? Transitive: a clause on a registered controller that does not apply itself fails,
 * so clearing start_date makes the whole of sections B–D inapplicable. Controllers precede their dependants in
 * dictionary order, so one pass suffices.
 */
export type Applicable = Record<VariableName, boolean>;

export function applicability(c: CourseValues): Applicable {
  const app = {} as Record<VariableName, boolean>;
  for (const def of VARIABLES) {
    app[def.name] = (def.conditions ?? []).every((cond) => holds(cond, c, app));
  }
  return app;
}

function holds(cond: Condition, c: CourseValues, app: Record<VariableName, boolean>): boolean {
  return conditionHolds(cond, c) && (cond.kind === 'absent' || cond.on.every((o) => !isRegistered(c[o]) || app[o]));
}

/** Registered variables that do not apply (the form offers to clear them: "Ryd disse felter"). */
export function inapplicableRegistered(c: CourseValues): VariableName[] {
  const app = applicability(c);
  return VARIABLES.filter((d) => isRegistered(c[d.name]) && !app[d.name]).map((d) => d.name);
}

/**
 * Why a variable does not apply, as an issue at it: "Udfyld først <root controller>" when the chain stops at an
 * unregistered controller, else not_applicable naming the registered controller(s) that exclude it.
 */
export function inapplicableReason(name: VariableName, c: CourseValues, app = applicability(c)): Issue {
  for (let depth = 0; depth < 10; depth++) {
    const def = VARIABLE[name];
    const failing = (def.conditions ?? []).find((cond) => !holds(cond, c, app));
    if (!failing) break;
    const whenAbsent = failing.kind === 'absent';
    const blocked = whenAbsent ? undefined : failing.on.find((o) => !app[o]);
    if (blocked) { name = blocked; continue; }
    const unregistered = whenAbsent ? undefined : failing.on.find((o) => !isRegistered(c[o]));
    if (unregistered) return { variable: null, code: 'fill_first', params: { other: unregistered } };
    if (whenAbsent) return { variable: null, code: 'not_applicable', params: { other: failing.on[0] } };
    if (failing.on.length > 1) {
      const threshold = failing.kind === 'anyAtLeast' ? failing.value : 8;
      return { variable: null, code: 'not_applicable', params: { other: failing.on[0], other2: failing.on[1], threshold } };
    }
    return { variable: null, code: 'not_applicable', params: { other: failing.on[0], value: String(c[failing.on[0]]) } };
  }
  return { variable: null, code: 'not_applicable', params: {} };
}

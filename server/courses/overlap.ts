import { deriveState } from './completeness';
import type { CourseValues } from './variables';

/**
 * The dictionary's *Overlap* rule as pure functions, so the service (stored courses) and the import (rows of one
 * file) decide it the same way.
 */

/** Days a course occupies, inclusive ISO dates; `to` null = every day from `from` on. */
export interface Occupied { from: string; to: string | null }

/** What the rule looks at; `annulled` courses occupy nothing. */
export type OccupyingCourse = Pick<CourseValues, 'referral_date' | 'start_date' | 'not_started_reason' | 'end_date'>
  & { annulled?: boolean | null };

/** closed: referral_date..end_date; not_started: referral_date only; referred/active: from referral_date on. */
export function occupiedDays(c: OccupyingCourse): Occupied | null {
  if (c.annulled || typeof c.referral_date !== 'string') return null;
  const state = deriveState(c);
  if (state === 'closed') return { from: c.referral_date, to: typeof c.end_date === 'string' ? c.end_date : null };
  if (state === 'not_started') return { from: c.referral_date, to: c.referral_date };
  return { from: c.referral_date, to: null };
}

/** Do two occupied spans share at least one day? */
export function spansOverlap(a: Occupied, b: Occupied): boolean {
  return (b.to === null || a.from <= b.to) && (a.to === null || b.from <= a.to);
}

/** Do two courses (of one patient in one municipality) share a day? */
export function coursesOverlap(a: OccupyingCourse, b: OccupyingCourse): boolean {
  const x = occupiedDays(a);
  const y = occupiedDays(b);
  return x !== null && y !== null && spansOverlap(x, y);
}

/** The first of `others` that shares a day with `course`, if any. */
export function firstOverlapping<T extends OccupyingCourse>(course: OccupyingCourse, others: readonly T[]): T | undefined {
  return others.find((o) => coursesOverlap(course, o));
}

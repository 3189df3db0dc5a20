import type { Request } from 'express';
import { actorOf } from '../../audit/record';
import type { AppContext } from '../../http/context';
import { NotFound } from '../../http/errors';
import { userOf } from '../../access';
import { t, type Lang } from '../../i18n';
import type { CourseState } from '../completeness';
import type { CourseScope } from '../service';

/** The service's view of the request's caller. */
export function courseScope(ctx: AppContext, req: Request): CourseScope {
  return { db: ctx.db, cprKey: ctx.config.cprKey, user: userOf(req), actor: actorOf(req), lang: req.lang };
}

/** The :id of a course URL; anything but a number is a page that does not exist. */
export function courseIdOf(req: Request): number {
  const id = String(req.params.id ?? '');
  if (!/^\d{1,9}$/.test(id)) throw new NotFound();
  return Number(id);
}

const STATE_BADGE: Record<CourseState | 'annulled', string> = {
  referred: 'badge-info', not_started: 'badge-warning', active: 'badge-info', closed: 'badge-success', annulled: 'badge-error',
};

/** A course's state as a badge: its label and DKFDS badge class. */
export function stateBadge(state: CourseState, annulled: boolean, lang: Lang): { label: string; cls: string } {
  const key = annulled ? 'annulled' : state;
  return { label: t(lang, `courses.states.${key}`), cls: STATE_BADGE[key] };
}

/** A CPR number as people write it: DDMMYY-SSSS. */
export function showCpr(cpr: unknown): string {
  return typeof cpr === 'string' && /^\d{10}$/.test(cpr) ? `${cpr.slice(0, 6)}-${cpr.slice(6)}` : String(cpr ?? '');
}

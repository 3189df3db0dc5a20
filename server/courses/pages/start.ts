import type { RequestHandler } from 'express';
import { can } from '../../access';
import type { AppContext } from '../../http/context';
import { t } from '../../i18n';
import { worklistCounts } from '../service';
import { courseScope } from './scope';

/**
 * Before the start page (GET /): for a user who may read courses in a municipality, what needs action there, with
 * links into the worklist, and "Nyt forløb" for a therapist (res.locals.startActions, views/partials/start-actions).
 */
export function startActions(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const user = req.user;
    if (!user || user.scope.kind !== 'municipality' || !can(user, 'courses.read')) return next();
    const lang = req.lang;
    const { incomplete, overdue } = await worklistCounts(courseScope(ctx, req));
    const text = (key: string, count: number) => t(lang, `courses.pages.worklist.${key}${count === 1 ? '_one' : ''}`, { count });
    res.locals.startActions = {
      items: [
        ...(overdue > 0 ? [{ href: '/arbejdsliste?overdue=1', text: text('start_overdue', overdue), urgent: true }] : []),
        ...(incomplete > 0 ? [{ href: '/arbejdsliste', text: text('start_incomplete', incomplete), urgent: false }] : []),
      ],
      none: incomplete === 0 ? t(lang, 'courses.pages.worklist.start_none') : undefined,
      canWrite: can(user, 'courses.write'),
    };
    next();
  };
}

import type { NextFunction, Request, Response } from 'express';
import { can, type Action } from '../auth/access';
import { actorOf, recordAudit } from '../audit/record';
import type { AppContext } from '../http/context';
import { Forbidden, Unauthenticated } from '../http/errors';

/**
 * The referral routes' gate (pathway.md §2): logged in (else 401) and allowed one of `actions` (else 403), decided
 * before any record is looked up. Every 403 on referral data is audited, whether the action is patient-level or not.
 */
export function requireAny(ctx: AppContext, ...actions: Action[]) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    if (!req.user) throw new Unauthenticated();
    if (!actions.some((a) => can(req.user, a))) {
      await recordAudit(ctx.db, actorOf(req), { action: 'access_denied', entity: 'referral',
        detail: { status: 403, method: req.method, path: req.originalUrl.split('?')[0] } });
      throw new Forbidden();
    }
    next();
  };
}

import type { Request, RequestHandler } from 'express';
import type { AppContext } from '../http/context';
import { Forbidden, Unauthenticated } from '../http/errors';
import { type Action, can, type CurrentUser, isPatientLevel } from './roles';

declare global {
  namespace Express {
    interface Request {
      /** the logged-in user (set by auth's `authenticate`), read by routes through `userOf` */
      user?: CurrentUser;
    }
  }
}

/**
 * The one authorization gate: 401 → 403 (role or kind of scope, decided before any record is looked up).
 * A refused patient-level action carries an audit hint: the one error handler writes the `access_denied` row
 * (entity = the action; detail: status, method, path without query) before it answers. `_ctx` is unused: every
 * router passes its context, and the call shape stays the one all routers use.
 */
export function requireAccess(_ctx: AppContext, action: Action): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) throw new Unauthenticated();
    if (!can(req.user, action)) throw new Forbidden(isPatientLevel(action) ? { entity: action } : undefined);
    next();
  };
}

/** The logged-in user of a route that passed requireAccess (an Error, i.e. a 500, on a route without the gate). */
export function userOf(req: Request): CurrentUser {
  if (!req.user) throw new Error('userOf() on a route without requireAccess');
  return req.user;
}

/**
 * The gate for routes open to several actions (the referral routes, pathway.md §2): 401 → 403 when the user may do
 * none of `actions`, decided before any record is looked up. Every refusal carries the audit hint `auditAs`
 * (written as the `access_denied` row's entity by the one error handler), patient-level or not.
 */
export function requireAnyAccess(_ctx: AppContext, actions: Action[], auditAs: string): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) throw new Unauthenticated();
    if (!actions.some((a) => can(req.user!, a))) throw new Forbidden({ entity: auditAs });
    next();
  };
}

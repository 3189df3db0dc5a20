import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { actorOf, recordAudit } from '../audit/record';
import type { AppContext } from '../http/context';
import { Forbidden, Unauthenticated } from '../http/errors';
import { isApiRequest, pathWithoutQuery } from '../http/request';
import { Action, can, isPatientLevel } from './access';
import { findSession, SESSION_COOKIE, touchSession } from './sessions';
import { verifyToken } from './tokens';
import { findUserByEmail, toCurrentUser } from './users';

export const ANON_CSRF_COOKIE = 'hk_csrf';

function bearerToken(req: Request): string | undefined {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

async function userById(ctx: AppContext, id: number, via: 'session' | 'token') {
  const row = await ctx.db('users').where('id', id).first();
  return row ? toCurrentUser(ctx.db, row, via) : undefined;
}

/** Sets req.user from a Bearer token or the session cookie, and req.csrfToken for the forms. */
export function authenticate(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (token) {
      const userId = await verifyToken(ctx.db, token);
      req.user = userId ? await userById(ctx, userId, 'token') : undefined;
      req.csrfToken = '';
      if (!req.user) throw new Unauthenticated();
      return next();
    }
    const sid: string | undefined = req.cookies?.[SESSION_COOKIE];
    if (sid) {
      const session = await findSession(ctx.db, ctx.config.sessionSecret, sid);
      if (session === 'expired') req.sessionExpired = true;
      else if (session) {
        req.user = await userById(ctx, session.user_id, 'session');
        if (req.user) {
          req.sessionIdHash = session.id_hash;
          req.csrfToken = session.csrf_token;
          await touchSession(ctx.db, session);
        }
      }
    }
    if (!req.user) req.csrfToken = anonymousCsrfToken(req, res, ctx.config.production);
    next();
  };
}

/** Before login, forms carry a double-submit token kept in its own cookie. */
function anonymousCsrfToken(req: Request, res: Response, secure: boolean): string {
  const existing: string | undefined = req.cookies?.[ANON_CSRF_COOKIE];
  if (existing && /^[\w-]{32}$/.test(existing)) return existing;
  const token = crypto.randomBytes(24).toString('base64url');
  res.cookie(ANON_CSRF_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  return token;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** State-changing requests by cookie must carry the CSRF token (form field _csrf or X-CSRF-Token header). */
export function csrfProtection(): RequestHandler {
  return (req, _res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || req.user?.via === 'token') return next();
    // An anonymous API call is answered 401 by its route; CSRF only matters with a cookie session.
    if (!req.user && isApiRequest(req)) return next();
    // A form sent after the session ended goes to log in (product.md), not to "Formularen er udløbet"; nothing is
    // done with it: the browser keeps what was typed (static/js/form-keep.js) until the form is sent again.
    if (!req.user && req.cookies?.[SESSION_COOKIE] && !req.path.startsWith('/log-ind')) {
      req.sessionExpired = true;
      throw new Unauthenticated();
    }
    const sent = req.get('x-csrf-token') ?? (typeof req.body?._csrf === 'string' ? req.body._csrf : undefined)
      ?? (typeof req.query._csrf === 'string' ? req.query._csrf : undefined);
    if (!sent || !req.csrfToken || !safeEqual(sent, req.csrfToken)) {
      const err = new Forbidden();
      (err as Forbidden & { csrf?: boolean }).csrf = true;
      throw err;
    }
    next();
  };
}

/** 401 (API) or redirect to login (pages) when nobody is logged in. */
export function requireLogin(): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) throw new Unauthenticated();
    next();
  };
}

/**
 * The one authorization gate: 401 → 403 (role or kind of scope, decided before any record is looked up).
 * A refused patient-level action is written to the audit log.
 */
export function requireAccess(ctx: AppContext, action: Action): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    if (!req.user) throw new Unauthenticated();
    if (!can(req.user, action)) {
      if (isPatientLevel(action)) {
        await recordAudit(ctx.db, actorOf(req), {
          action: 'access_denied', entity: action, detail: { status: 403, method: req.method, path: pathWithoutQuery(req.originalUrl) },
        });
      }
      throw new Forbidden();
    }
    next();
  };
}

/** A user with a one-time password must choose a new one before anything else (pages only). */
export function enforcePasswordChange(): RequestHandler {
  const allowed = ['/adgangskode', '/log-ud', '/sprog'];
  return (req, res, next) => {
    if (req.user?.mustChangePassword && req.user.via === 'session' && !isApiRequest(req)
      && !allowed.includes(req.path) && !req.path.startsWith('/static/') && !req.path.startsWith('/vendor/')) {
      return res.redirect(303, '/adgangskode');
    }
    next();
  };
}

export { findUserByEmail };

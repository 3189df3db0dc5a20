import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../http/context';
import { Forbidden, Unauthenticated } from '../http/errors';
import { isApiRequest } from '../http/request';
import { secureCookies } from '../config';
import { findSession, SESSION_COOKIE, touchSession } from './sessions';
import { tokenUser } from './tokens';
import { currentUserById, findUserByEmail } from './users';

/**
 * Before login, forms carry a double-submit token kept in its own cookie (issue 8 item 10: login CSRF). Over
 * https the cookie is `__Host-hk_csrf`: a browser lets only this very origin set a `__Host-` cookie (Secure, no
 * Domain, Path=/), so a sibling subdomain or a man in the middle on plain http cannot plant a token it knows.
 * Browsers refuse `__Host-` without Secure, and Secure cookies are not sent back over plain http, so over http
 * (development and tests on localhost) the cookie is plain `hk_csrf`; there the Origin check below still holds.
 */
export const ANON_CSRF_COOKIE = 'hk_csrf';
export const HOST_ANON_CSRF_COOKIE = '__Host-hk_csrf';

export function anonCsrfCookieName(secure: boolean): string {
  return secure ? HOST_ANON_CSRF_COOKIE : ANON_CSRF_COOKIE;
}

function bearerToken(req: Request): string | undefined {
  const h = req.get('authorization');
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

/** Sets req.user from a Bearer token or the session cookie, and req.csrfToken for the forms. */
export function authenticate(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (token) {
      req.user = await tokenUser(ctx.db, token);
      req.csrfToken = '';
      if (!req.user) throw new Unauthenticated();
      return next();
    }
    const sid: string | undefined = req.cookies?.[SESSION_COOKIE];
    if (sid) {
      const session = await findSession(ctx.db, ctx.config.sessionSecret, sid);
      if (session === 'expired') req.sessionExpired = true;
      else if (session) {
        req.user = await currentUserById(ctx.db, session.user_id, 'session');
        // A password's forced change does not concern a login through the identity provider.
        if (req.user && session.oidc_id_token) req.user.mustChangePassword = false;
        if (req.user) {
          req.sessionIdHash = session.id_hash;
          req.csrfToken = session.csrf_token;
          await touchSession(ctx.db, session);
        }
      }
    }
    if (!req.user) req.csrfToken = anonymousCsrfToken(req, res, secureCookies(ctx.config));
    next();
  };
}

function anonymousCsrfToken(req: Request, res: Response, secure: boolean): string {
  const name = anonCsrfCookieName(secure);
  const existing: string | undefined = req.cookies?.[name];
  if (existing && /^[\w-]{32}$/.test(existing)) return existing;
  const token = crypto.randomBytes(24).toString('base64url');
  res.cookie(name, token, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  return token;
}

/**
 * A state-changing request without a session must come from one of our own pages: a browser's Sec-Fetch-Site
 * (or, in older browsers, Origin) says where a form was posted from, and no page can forge either.
 */
function fromOwnOrigin(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site) return site === 'same-origin' || site === 'none';
  const origin = req.get('origin');
  if (!origin) return true; // not a browser form post (no browser omits both on a cross-origin POST)
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function csrfRefused(): Forbidden {
  const err = new Forbidden();
  (err as Forbidden & { csrf?: boolean }).csrf = true;
  return err;
}

/** Whether a token sent with the request is this request's CSRF token (constant time). */
export function csrfMatches(req: Request, sent: unknown): boolean {
  return typeof sent === 'string' && !!req.csrfToken && safeEqual(sent, req.csrfToken);
}

/** Page forms posted as multipart whose route checks `_csrf` itself (checkMultipartCsrf); others need the header. */
const MULTIPART_PAGE_FORMS = new Set(['/import', '/henvisninger/import']);

function isMultipart(req: Request): boolean {
  return /^multipart\/form-data/i.test(req.get('content-type') ?? '');
}

/**
 * State-changing requests by cookie must carry the CSRF token in the body (form field _csrf) or the X-CSRF-Token
 * header; never in the query string (issue 8 item 10), where it would land in logs, history and Referer headers.
 * A multipart page form's field is read by its route as the body streams in (`csrfMatches`), before the file part:
 * the request is marked `csrfPending` and the route must check it.
 */
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
    if (!req.user && !fromOwnOrigin(req)) throw csrfRefused();
    const header = req.get('x-csrf-token');
    if (header === undefined && isMultipart(req) && MULTIPART_PAGE_FORMS.has(req.path)) {
      req.csrfPending = true;
      return next();
    }
    const sent = header ?? req.body?._csrf;
    if (!csrfMatches(req, sent)) throw csrfRefused();
    next();
  };
}

/** For a route reading a multipart page form: the `_csrf` field it found (before the file), or a 403. */
export function checkMultipartCsrf(req: Request, sent: unknown): void {
  if (req.csrfPending && !csrfMatches(req, sent)) throw csrfRefused();
  req.csrfPending = false;
}

/** 401 (API) or redirect to login (pages) when nobody is logged in. */
export function requireLogin(): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) throw new Unauthenticated();
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

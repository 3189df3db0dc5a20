import { Router } from 'express';
import type { Request, Response } from 'express';
import { actorOf, recordAudit } from '../audit/record';
import type { AppContext } from '../http/context';
import { formErrorView, FormError } from '../http/forms';
import { setFlash } from '../http/render';
import { isLang, t } from '../i18n';
import { requireLogin } from './middleware';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './passwords';
import { createSession, deleteSession, deleteUserSessions, SESSION_COOKIE } from './sessions';
import { findUserByEmail, normaliseEmail } from './users';
import { isLoginLimited, recordLoginAttempt } from './login-limits';

export const LANG_COOKIE = 'hk_lang';

/** Only local paths are followed after login (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) && !next.startsWith('/log-') ? next : '/';
}

function renderLogin(req: Request, res: Response, status: number, email: string, errors: FormError[], alert?: string) {
  res.status(status).render('auth/login', {
    title: t(req.lang, 'auth.login_title'), email, next: safeNext(req.body?.next ?? req.query.next),
    alert, ...formErrorView(errors),
  });
}

export function authRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db, config } = ctx;
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure: config.production, path: '/' };

  router.get('/log-ind', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    const alert = req.sessionExpired || req.query.udloebet === '1' ? t(req.lang, 'auth.session_expired') : undefined;
    renderLogin(req, res, 200, '', [], alert);
  });

  router.post('/log-ind', async (req, res) => {
    const email = typeof req.body.email === 'string' ? normaliseEmail(req.body.email) : '';
    const password = typeof req.body.password === 'string' ? req.body.password : '';
    const errors: FormError[] = [];
    if (!email) errors.push({ field: 'email', message: t(req.lang, 'auth.email_required') });
    if (!password) errors.push({ field: 'password', message: t(req.lang, 'auth.password_required') });
    if (errors.length) return renderLogin(req, res, 400, email, errors);

    const ip = req.ip ?? 'unknown';
    const actor = { ...actorOf(req), email };
    if (await isLoginLimited(db, email, ip)) {
      await recordAudit(db, actor, { action: 'login_limited', entity: 'user' });
      return renderLogin(req, res, 429, email, [], t(req.lang, 'auth.login_limited'));
    }
    const user = await findUserByEmail(db, email);
    const ok = !!user && user.active && await verifyPassword(password, user.password_hash);
    if (!ok || !user) {
      await db.transaction(async (trx) => {
        await recordLoginAttempt(trx, email, ip, false);
        await recordAudit(trx, { ...actor, userId: user?.id ?? null }, { action: 'login_failed', entity: 'user', entityId: user?.id ?? null });
      });
      return renderLogin(req, res, 401, email, [], t(req.lang, 'auth.login_failed'));
    }
    const sid = await db.transaction(async (trx) => {
      // A fresh session id at login; the old one (if any) is dropped.
      if (req.sessionIdHash) await deleteSession(trx, req.sessionIdHash);
      await recordLoginAttempt(trx, email, ip, true);
      await recordAudit(trx, { ...actor, userId: user.id, scope: user.scope }, { action: 'login', entity: 'user', entityId: user.id });
      return createSession(trx, config.sessionSecret, user.id, ip);
    });
    res.cookie(SESSION_COOKIE, sid, cookieOptions);
    res.redirect(303, user.must_change_password ? '/adgangskode' : safeNext(req.body.next));
  });

  router.post('/log-ud', async (req, res) => {
    if (req.user && req.sessionIdHash) {
      const idHash = req.sessionIdHash;
      await db.transaction(async (trx) => {
        await deleteSession(trx, idHash);
        await recordAudit(trx, actorOf(req), { action: 'logout', entity: 'user', entityId: req.user!.id });
      });
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    setFlash(res, 'auth.logged_out');
    res.redirect(303, '/log-ind');
  });

  router.get('/sprog', (req, res) => {
    const lang = isLang(req.query.lang) ? req.query.lang : 'da';
    res.cookie(LANG_COOKIE, lang, { ...cookieOptions, httpOnly: false, maxAge: 365 * 24 * 3600_000 });
    res.redirect(303, safeNext(req.query.next));
  });

  router.get('/', requireLogin(), (req, res) => {
    res.render('auth/start', { title: t(req.lang, 'nav.start') });
  });

  router.get('/adgangskode', requireLogin(), (req, res) => {
    res.render('auth/password', { title: t(req.lang, 'auth.change_password_title'), forced: req.user!.mustChangePassword });
  });

  router.post('/adgangskode', requireLogin(), async (req, res) => {
    const user = req.user!;
    const current = String(req.body.current_password ?? '');
    const next = String(req.body.new_password ?? '');
    const repeat = String(req.body.repeat_password ?? '');
    const row = await findUserByEmail(db, user.email);
    const errors: FormError[] = [];
    if (!row || !(await verifyPassword(current, row.password_hash))) errors.push({ field: 'current_password', message: t(req.lang, 'auth.password_wrong') });
    if (next.length < MIN_PASSWORD_LENGTH) errors.push({ field: 'new_password', message: t(req.lang, 'auth.password_too_short') });
    else if (next === current) errors.push({ field: 'new_password', message: t(req.lang, 'auth.password_same') });
    if (next !== repeat) errors.push({ field: 'repeat_password', message: t(req.lang, 'auth.password_mismatch') });
    if (errors.length) {
      return res.status(400).render('auth/password', {
        title: t(req.lang, 'auth.change_password_title'), forced: user.mustChangePassword, ...formErrorView(errors),
      });
    }
    const hash = await hashPassword(next);
    const sid = await db.transaction(async (trx) => {
      await trx('users').where('id', user.id).update({ password_hash: hash, must_change_password: false, updated_at: new Date().toISOString() });
      // Other sessions of this user end with the old password; this one gets a fresh id.
      await deleteUserSessions(trx, user.id);
      await recordAudit(trx, actorOf(req), { action: 'password_change', entity: 'user', entityId: user.id });
      return createSession(trx, config.sessionSecret, user.id, req.ip ?? null);
    });
    res.cookie(SESSION_COOKIE, sid, cookieOptions);
    setFlash(res, 'auth.password_changed');
    res.redirect(303, '/');
  });

  return router;
}

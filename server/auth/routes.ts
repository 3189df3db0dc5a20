import { Router } from 'express';
import type { Request, Response } from 'express';
import { actorOf, recordAudit } from '../audit/record';
import type { AppContext } from '../http/context';
import { formErrorView, FormError } from '../http/forms';
import { setFlash } from '../http/render';
import { isLang, t } from '../i18n';
import { requireLogin } from './middleware';
import { changeOwnPassword, cookieOptions, endLogin, safeNext } from './login';
import { reserveSlot, settleSlot } from './login-limits';
import { endSessionUrl } from './oidc';
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword, verifyPasswordOrDummy } from './passwords';
import { SESSION_COOKIE, sessionIdToken } from './sessions';
import { afterPassword } from './totp-routes';
import { findLoginUser, findUserByEmail, normaliseEmail } from './users';

export const LANG_COOKIE = 'hk_lang';

export { safeNext };

/** The login page: the provider's button when OIDC is configured, the password form unless LOCAL_LOGIN=off. */
export function renderLogin(ctx: AppContext, req: Request, res: Response, status: number, email: string, errors: FormError[], alert?: string) {
  const oidcName = ctx.config.oidc?.name;
  res.status(status).render('auth/login', {
    title: t(req.lang, 'auth.login_title'), email, next: safeNext(req.body?.next ?? req.query.next),
    alert, ...formErrorView(errors), localLogin: ctx.config.localLogin, oidcName,
    oidcButton: oidcName ? t(req.lang, 'auth_sso.button', { name: oidcName }) : undefined,
  });
}

/** Email and password from the form, or the messages for what is missing. */
function loginForm(req: Request): { email: string; password: string; errors: FormError[] } {
  const email = typeof req.body.email === 'string' ? normaliseEmail(req.body.email) : '';
  const password = typeof req.body.password === 'string' ? req.body.password : '';
  const errors: FormError[] = [];
  if (!email) errors.push({ field: 'email', message: t(req.lang, 'auth.email_required') });
  if (!password) errors.push({ field: 'password', message: t(req.lang, 'auth.password_required') });
  return { email, password, errors };
}

export function authRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db, config } = ctx;
  const cookies = cookieOptions(config);

  router.get('/log-ind', (req, res) => {
    if (req.user) return res.redirect(303, safeNext(req.query.next));
    const alert = req.sessionExpired || req.query.udloebet === '1' ? t(req.lang, 'auth.session_expired') : undefined;
    renderLogin(ctx, req, res, 200, '', [], alert);
  });

  router.post('/log-ind', async (req, res) => {
    const actor = actorOf(req);
    if (!config.localLogin) {
      await recordAudit(db, actor, { action: 'login_refused', entity: 'user', detail: { reason: 'local_login_off' } });
      return renderLogin(ctx, req, res, 403, '', [], t(req.lang, 'auth_sso.local_login_off', { name: config.oidc?.name ?? '' }));
    }
    const { email, password, errors } = loginForm(req);
    if (errors.length) return renderLogin(ctx, req, res, 400, email, errors);
    const who = { ...actor, email };
    // Atomic: of many simultaneous guesses only as many as the limit get a slot (issue 8 item 4).
    const slot = await reserveSlot(db, [['account', email], ['ip', req.ip ?? 'unknown']]);
    if (!slot) {
      await recordAudit(db, who, { action: 'login_limited', entity: 'user' });
      return renderLogin(ctx, req, res, 429, email, [], t(req.lang, 'auth.login_limited'));
    }
    const user = await findLoginUser(db, { email });
    // The same password work whether or not the account exists (issue 8 item 5).
    const ok = await verifyPasswordOrDummy(password, user?.active ? user.password_hash : undefined);
    await settleSlot(db, slot, ok);
    if (!ok || !user) {
      await recordAudit(db, { ...who, userId: user?.id ?? null }, { action: 'login_failed', entity: 'user', entityId: user?.id ?? null });
      return renderLogin(ctx, req, res, 401, email, [], t(req.lang, 'auth.login_failed'));
    }
    res.redirect(303, await afterPassword(ctx, req, res, user));
  });

  router.post('/log-ud', async (req, res) => {
    let providerLogout: string | undefined;
    if (req.user && req.sessionIdHash) {
      const idHash = req.sessionIdHash;
      const idToken = await sessionIdToken(db, idHash);
      if (idToken) providerLogout = await endSessionUrl(config, idToken);
      await endLogin(ctx, req, idHash, !!providerLogout);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    setFlash(res, 'auth.logged_out');
    res.redirect(303, providerLogout ?? '/log-ind');
  });

  router.get('/sprog', (req, res) => {
    const lang = isLang(req.query.lang) ? req.query.lang : 'da';
    res.cookie(LANG_COOKIE, lang, { ...cookies, httpOnly: false, maxAge: 365 * 24 * 3600_000 });
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
    const sid = await changeOwnPassword(ctx, req, user.id, hash);
    res.cookie(SESSION_COOKIE, sid, cookies);
    setFlash(res, 'auth.password_changed');
    res.redirect(303, '/');
  });

  return router;
}

import { Router } from 'express';
import type { Request, Response } from 'express';
import { actorOf, recordAudit, type Actor } from '../audit/record';
import type { AppContext } from '../http/context';
import { formErrorView } from '../http/forms';
import { t } from '../i18n';
import { formatDateTimeDanish } from '../time';
import { endFlow, findFlow, FLOW_COOKIE, startFlow, type Flow } from './flows';
import { completeLogin, cookieOptions, safeNext, type LoginMethod } from './login';
import { reserveSlot, settleSlot } from './login-limits';
import { requireLogin } from './middleware';
import {
  claimTotpStep, decryptTotpSecret, encryptTotpSecret, enrolmentQr, groupedSecret, matchTotp, newTotpSecret,
  recoveryCodesLeft, saveEnrolment, useRecoveryCode,
} from './totp';
import { findLoginUser, rolesOf, type LoginUserRow } from './users';

/**
 * Two-factor for password logins (product.md): the second step at /log-ind/totp, forced enrolment for admins at
 * /log-ind/totp/ny, and a logged-in user's own enrolment at /totp. The password step leaves a 10-minute flow
 * (auth/flows) keyed by a cookie; the session is made only after the second step.
 */
interface StepData { next: string }
interface EnrolData { next: string; secret: string; forced: boolean }

const STEP_PATH = '/log-ind/totp';
const ENROL_PATH = '/log-ind/totp/ny';

/** After a right password: the second step, forced enrolment (admins), or the session. Returns where to go. */
export async function afterPassword(ctx: AppContext, req: Request, res: Response, user: LoginUserRow): Promise<string> {
  const next = safeNext(req.body?.next);
  const { db, config } = ctx;
  if (user.totp_secret) {
    const id = await startFlow(db, config.sessionSecret, 'totp', user.id, { next } satisfies StepData);
    res.cookie(FLOW_COOKIE.totp, id, cookieOptions(config));
    return STEP_PATH;
  }
  if ((await rolesOf(db, user.id)).includes('admin')) {
    const data: EnrolData = { next, secret: encryptTotpSecret(config.cprKey, newTotpSecret()), forced: true };
    const id = await startFlow(db, config.sessionSecret, 'enrol', user.id, data);
    res.cookie(FLOW_COOKIE.enrol, id, cookieOptions(config));
    return ENROL_PATH;
  }
  return completeLogin(ctx, req, res, user, { method: 'password', next });
}

function codeOf(req: Request): string {
  return typeof req.body?.code === 'string' ? req.body.code.replace(/\s+/g, '') : '';
}

function actorFor(req: Request, user: LoginUserRow): Actor {
  return { ...actorOf(req), userId: user.id, email: user.email, scope: user.scope };
}

/** The flow of this browser and its (active) user, or undefined when it expired. */
async function flowUser<T>(ctx: AppContext, req: Request, kind: 'totp' | 'enrol'): Promise<{ flow: Flow<T>; user: LoginUserRow } | undefined> {
  const flow = await findFlow<T>(ctx.db, ctx.config.sessionSecret, kind, req.cookies?.[FLOW_COOKIE[kind]]);
  const user = flow?.userId ? await findLoginUser(ctx.db, { id: flow.userId }) : undefined;
  return flow && user?.active ? { flow, user } : undefined;
}

function expired(req: Request, res: Response): void {
  res.clearCookie(FLOW_COOKIE.totp, { path: '/' });
  res.status(400).render('auth/totp', { title: t(req.lang, 'auth_totp.step_title'), expired: t(req.lang, 'auth_totp.flow_expired') });
}

/** A TOTP code (6 digits) or an unused recovery code; which one matched, or undefined. */
async function checkSecondFactor(ctx: AppContext, user: LoginUserRow, code: string): Promise<'totp' | 'recovery_code' | undefined> {
  if (/^\d{6}$/.test(code)) {
    const step = matchTotp(decryptTotpSecret(ctx.config.cprKey, user.totp_secret!), code, user.totp_last_step);
    return step !== undefined && await claimTotpStep(ctx.db, user.id, step) ? 'totp' : undefined;
  }
  return code && await useRecoveryCode(ctx.db, user.id, code) ? 'recovery_code' : undefined;
}

async function renderEnrol(ctx: AppContext, req: Request, res: Response, status: number, o: { secret: string; forced: boolean; action: string; email: string; error?: string }) {
  const { qr } = await enrolmentQr(o.secret, o.email);
  res.status(status).render('auth/totp-enrol', {
    title: t(req.lang, 'auth_totp.enrol_title'), qr, key: groupedSecret(o.secret), forced: o.forced, action: o.action,
    ...formErrorView(o.error ? [{ field: 'code', message: o.error }] : []),
  });
}

export function totpRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db, config } = ctx;

  router.get(STEP_PATH, async (req, res) => {
    if (!(await flowUser(ctx, req, 'totp'))) return expired(req, res);
    res.render('auth/totp', { title: t(req.lang, 'auth_totp.step_title') });
  });

  router.post(STEP_PATH, async (req, res) => {
    const found = await flowUser<StepData>(ctx, req, 'totp');
    if (!found) return expired(req, res);
    const { flow, user } = found;
    const view = (status: number, message?: string, alert?: string) => res.status(status).render('auth/totp', {
      title: t(req.lang, 'auth_totp.step_title'), alert, ...formErrorView(message ? [{ field: 'code', message }] : []),
    });
    const code = codeOf(req);
    if (!code) return view(400, t(req.lang, 'auth_totp.code_required'));
    // Limited like the password step, with counters of its own (per user).
    const slot = await reserveSlot(db, [['totp', String(user.id)]]);
    if (!slot) {
      await recordAudit(db, actorFor(req, user), { action: 'totp_limited', entity: 'user', entityId: user.id });
      return view(429, undefined, t(req.lang, 'auth.login_limited'));
    }
    const used = await checkSecondFactor(ctx, user, code);
    await settleSlot(db, slot, !!used);
    if (!used) {
      await recordAudit(db, actorFor(req, user), { action: 'totp_failed', entity: 'user', entityId: user.id });
      return view(401, t(req.lang, 'auth_totp.code_wrong'));
    }
    if (!(await endFlow(db, flow.idHash))) return expired(req, res);
    if (used === 'recovery_code') await recordAudit(db, actorFor(req, user), { action: 'recovery_code_used', entity: 'user', entityId: user.id });
    res.clearCookie(FLOW_COOKIE.totp, { path: '/' });
    const method: LoginMethod = used === 'totp' ? 'password+totp' : 'password+recovery_code';
    res.redirect(303, await completeLogin(ctx, req, res, user, { method, next: flow.data.next }));
  });

  router.get(ENROL_PATH, async (req, res) => {
    const found = await flowUser<EnrolData>(ctx, req, 'enrol');
    if (!found) return expired(req, res);
    const secret = decryptTotpSecret(config.cprKey, found.flow.data.secret);
    await renderEnrol(ctx, req, res, 200, { secret, forced: true, action: ENROL_PATH, email: found.user.email });
  });

  router.post(ENROL_PATH, async (req, res) => {
    const found = await flowUser<EnrolData>(ctx, req, 'enrol');
    if (!found) return expired(req, res);
    const { flow, user } = found;
    const secret = decryptTotpSecret(config.cprKey, flow.data.secret);
    const codes = await confirmEnrolment(ctx, req, res, user, secret, ENROL_PATH, true);
    if (!codes) return;
    if (!(await endFlow(db, flow.idHash))) return expired(req, res);
    res.clearCookie(FLOW_COOKIE.enrol, { path: '/' });
    const next = await completeLogin(ctx, req, res, user, { method: 'password+totp_enrolment', next: flow.data.next });
    res.render('auth/recovery-codes', { title: t(req.lang, 'auth_totp.recovery_title'), codes, next });
  });

  router.get('/totp', requireLogin(), async (req, res) => {
    const user = (await findLoginUser(db, { id: req.user!.id }))!;
    const left = user.totp_secret ? await recoveryCodesLeft(db, user.id) : 0;
    res.render('auth/totp-settings', {
      title: t(req.lang, 'auth_totp.settings_title'),
      status: user.totp_secret ? t(req.lang, 'auth_totp.settings_on', { date: formatDateTimeDanish(user.totp_enrolled_at), left }) : t(req.lang, 'auth_totp.settings_off'),
      enrolled: !!user.totp_secret,
    });
  });

  router.post('/totp', requireLogin(), async (req, res) => {
    // A new key for the logged-in user, kept in a flow until a code confirms it (not stored on the user before).
    const secret = newTotpSecret();
    const id = await startFlow(db, config.sessionSecret, 'enrol', req.user!.id, { next: '/totp', secret: encryptTotpSecret(config.cprKey, secret), forced: false });
    res.cookie(FLOW_COOKIE.enrol, id, cookieOptions(config));
    await renderEnrol(ctx, req, res, 200, { secret, forced: false, action: '/totp/ny', email: req.user!.email });
  });

  router.post('/totp/ny', requireLogin(), async (req, res) => {
    const flow = await findFlow<EnrolData>(db, config.sessionSecret, 'enrol', req.cookies?.[FLOW_COOKIE.enrol]);
    if (!flow || flow.userId !== req.user!.id) return res.redirect(303, '/totp');
    const user = (await findLoginUser(db, { id: req.user!.id }))!;
    const codes = await confirmEnrolment(ctx, req, res, user, decryptTotpSecret(config.cprKey, flow.data.secret), '/totp/ny', false);
    if (!codes) return;
    await endFlow(db, flow.idHash);
    res.clearCookie(FLOW_COOKIE.enrol, { path: '/' });
    res.render('auth/recovery-codes', { title: t(req.lang, 'auth_totp.recovery_title'), codes, next: '/' });
  });

  return router;
}

/**
 * Checks the first code from the new authenticator (limited like the second step) and stores the enrolment with
 * ten recovery codes, which it returns; on a wrong code it answers the page again and returns undefined.
 */
async function confirmEnrolment(ctx: AppContext, req: Request, res: Response, user: LoginUserRow, secret: string,
  action: string, forced: boolean): Promise<string[] | undefined> {
  const again = (status: number, error: string) => renderEnrol(ctx, req, res, status, { secret, forced, action, email: user.email, error });
  const code = codeOf(req);
  if (!code) return void await again(400, t(req.lang, 'auth_totp.code_required'));
  const slot = await reserveSlot(ctx.db, [['totp', String(user.id)]]);
  if (!slot) return void await again(429, t(req.lang, 'auth.login_limited'));
  const step = matchTotp(secret, code, null);
  await settleSlot(ctx.db, slot, step !== undefined);
  if (step === undefined) return void await again(400, t(req.lang, 'auth_totp.enrol_code_wrong'));
  return ctx.db.transaction(async (trx) => {
    const codes = await saveEnrolment(trx, ctx.config.cprKey, user.id, secret, step);
    await recordAudit(trx, actorFor(req, user), { action: 'totp_enrol', entity: 'user', entityId: user.id, recordScope: user.scope });
    return codes;
  });
}

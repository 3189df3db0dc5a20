import type { CookieOptions, Request, Response } from 'express';
import { actorOf, recordAudit } from '../audit/record';
import { secureCookies, type Config } from '../config';
import type { AppContext } from '../http/context';
import { createSession, deleteSession, deleteUserSessions, SESSION_COOKIE } from './sessions';
import { setPassword } from './users';

/**
 * Only local paths are followed after login (no open redirect): one leading slash, no scheme, no backslash, not
 * back to a login page. This is the `returnTo` every way of logging in (password, second step, OIDC) ends at;
 * another feature may hand a path here (e.g. the form to return to after a re-login).
 */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%~+,:]*$/.test(next) && !next.startsWith('/log-') ? next : '/';
}

export function cookieOptions(config: Pick<Config, 'production' | 'publicUrl'>): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure: secureCookies(config), path: '/' };
}

export type LoginMethod = 'password' | 'password+totp' | 'password+recovery_code' | 'password+totp_enrolment' | 'oidc';

/**
 * The end of every successful login: a fresh session (the old one, if any, is dropped), the audit row, the cookie.
 * Returns where to go next: the password change when it is due, else the safe `next`.
 */
export async function completeLogin(ctx: AppContext, req: Request, res: Response,
  user: { id: number; email: string; scope: string; must_change_password: boolean },
  opts: { method: LoginMethod; next: unknown; idToken?: string }): Promise<string> {
  const sid = await ctx.db.transaction(async (trx) => {
    if (req.sessionIdHash) await deleteSession(trx, req.sessionIdHash);
    await recordAudit(trx, { ...actorOf(req), userId: user.id, email: user.email, scope: user.scope },
      { action: 'login', entity: 'user', entityId: user.id, detail: { method: opts.method } });
    return createSession(trx, ctx.config.sessionSecret, user.id, req.ip ?? null, opts.idToken ?? null);
  });
  res.cookie(SESSION_COOKIE, sid, cookieOptions(ctx.config));
  return user.must_change_password && opts.method !== 'oidc' ? '/adgangskode' : safeNext(opts.next);
}

/** Log out: the session row goes and the `logout` audit row is written, in one transaction. */
export async function endLogin(ctx: AppContext, req: Request, idHash: string, viaProvider: boolean): Promise<void> {
  await ctx.db.transaction(async (trx) => {
    await deleteSession(trx, idHash);
    await recordAudit(trx, actorOf(req), { action: 'logout', entity: 'user', entityId: req.user!.id, detail: viaProvider ? { provider: true } : undefined });
  });
}

/**
 * A user's own password change (already checked): the new hash stored, the user's other sessions ended, the audit
 * row, and a fresh session whose id it returns (for the cookie) — one transaction.
 */
export async function changeOwnPassword(ctx: AppContext, req: Request, userId: number, passwordHash: string): Promise<string> {
  return ctx.db.transaction(async (trx) => {
    await setPassword(trx, userId, passwordHash);
    // Other sessions of this user end with the old password; this one gets a fresh id.
    await deleteUserSessions(trx, userId);
    await recordAudit(trx, actorOf(req), { action: 'password_change', entity: 'user', entityId: userId });
    return createSession(trx, ctx.config.sessionSecret, userId, req.ip ?? null);
  });
}

import { Router } from 'express';
import type { Request, Response } from 'express';
import { actorOf, recordAudit } from '../audit/record';
import type { AppContext } from '../http/context';
import { NotFound } from '../http/errors';
import { renderRefusal } from '../http/refusal';
import { t } from '../i18n';
import { endFlow, findFlow, FLOW_COOKIE, startFlow } from './flows';
import { completeLogin, cookieOptions, safeNext } from './login';
import { CALLBACK_PATH, finishOidcLogin, OidcRefused, startOidcLogin, type OidcIdentity, type OidcRefusal } from './oidc';
import { renderLogin } from './routes';
import { findLoginUser, findUserByOidc, linkOidc, type LoginUserRow } from './users';

interface OidcFlowData { state: string; nonce: string; verifier: string; next: string }

/**
 * The user an identity logs in as (product.md): matched on (issuer, sub) once linked; the first time by a verified
 * email (case-insensitive) of an unlinked user, which links it. Never creates a user. Throws OidcRefused.
 */
async function userForIdentity(ctx: AppContext, id: OidcIdentity): Promise<{ user: LoginUserRow; linked: boolean }> {
  const bySub = await findUserByOidc(ctx.db, id.issuer, id.sub);
  if (bySub) {
    if (!bySub.active) throw new OidcRefused('inactive');
    return { user: bySub, linked: false };
  }
  if (!id.email) throw new OidcRefused('unknown_email');
  if (!id.emailVerified) throw new OidcRefused('email_unverified');
  const byEmail = await findLoginUser(ctx.db, { email: id.email });
  if (!byEmail) throw new OidcRefused('unknown_email');
  if (!byEmail.active) throw new OidcRefused('inactive');
  if (byEmail.oidc_sub) throw new OidcRefused('linked_elsewhere');
  if (!(await linkOidc(ctx.db, byEmail.id, id.issuer, id.sub))) throw new OidcRefused('linked_elsewhere');
  return { user: byEmail, linked: true };
}

/** A refused login: audited with the reason, the login page with a Danish message, no session. */
async function refuse(ctx: AppContext, req: Request, res: Response, reason: OidcRefusal, extra: Record<string, unknown> = {}) {
  await recordAudit(ctx.db, actorOf(req), { action: 'oidc_refused', entity: 'user', detail: { reason, ...extra } });
  const status = reason === 'unavailable' ? 503 : 401;
  renderLogin(ctx, req, res, status, '', [], t(req.lang, `auth_sso.refused.${reason}`, { name: ctx.config.oidc!.name }));
}

/** Single sign-on: POST /log-ind/oidc sends the browser to the provider; the provider sends it back to the callback. */
export function oidcRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db, config } = ctx;

  router.post('/log-ind/oidc', async (req, res) => {
    if (!config.oidc) throw new NotFound();
    let start;
    try {
      start = await startOidcLogin(config);
    } catch (err) {
      ctx.logger.warn({ err, issuer: config.oidc.issuer }, 'OIDC provider unreachable');
      return refuse(ctx, req, res, 'unavailable');
    }
    const data: OidcFlowData = { state: start.state, nonce: start.nonce, verifier: start.verifier, next: safeNext(req.body?.next) };
    const id = await startFlow(db, config.sessionSecret, 'oidc', null, data);
    res.cookie(FLOW_COOKIE.oidc, id, cookieOptions(config));
    res.redirect(303, start.url);
  });

  router.get(CALLBACK_PATH, async (req, res) => {
    if (!config.oidc) throw new NotFound();
    const flow = await findFlow<OidcFlowData>(db, config.sessionSecret, 'oidc', req.cookies?.[FLOW_COOKIE.oidc]);
    res.clearCookie(FLOW_COOKIE.oidc, { path: '/' });
    // No kept state (none started here, expired, or already used): nothing to check the answer against.
    if (!flow || !(await endFlow(db, flow.idHash))) return refuse(ctx, req, res, 'state', { detail: 'no login in progress' });
    const answer = await renderRefusal(() => finishOidcLogin(config, new URL(config.publicUrl + req.originalUrl), flow.data),
      (err) => refuse(ctx, req, res, err.reason, { detail: err.message.slice(0, 300) }), OidcRefused);
    if (answer.refused) return;
    const identity: OidcIdentity = answer.value;
    const found = await renderRefusal(() => userForIdentity(ctx, identity),
      (err) => refuse(ctx, req, res, err.reason, { email: identity.email, issuer: identity.issuer, sub: identity.sub }), OidcRefused);
    if (found.refused) return;
    const { user, linked } = found.value;
    if (linked) {
      await recordAudit(db, { ...actorOf(req), userId: user.id, email: user.email, scope: user.scope },
        { action: 'oidc_link', entity: 'user', entityId: user.id, recordScope: user.scope, detail: { issuer: identity.issuer, sub: identity.sub } });
    }
    res.redirect(303, await completeLogin(ctx, req, res, user, { method: 'oidc', next: flow.data.next, idToken: identity.idToken }));
  });

  return router;
}

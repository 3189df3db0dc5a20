import { Router } from 'express';
import type { Request, Response } from 'express';
import { actorOf } from '../audit/record';
import { requireAccess, userOf } from '../access';
import type { AppContext } from '../http/context';
import { typedValues } from '../http/forms';
import { renderRefusal } from '../http/refusal';
import { setFlash } from '../http/render';
import { t } from '../i18n';
import { activeUsersInScope, listTokens, PAGE_SIZE } from './queries';
import { fieldMessages, idParam, invalidToErrors, noStore, pageParam, pager } from './page-helpers';
import { FieldError, parseInput, tokenIssueSchema } from './schemas';
import { issueTokenFor, revokeTokenById } from './tokens';

/** API tokens: issue (shown once), list with last use, revoke. */
export function tokenRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;
  const gate = requireAccess(ctx, 'admin');

  async function tokensPage(req: Request, res: Response, status: number, values: Record<string, string>, errors: FieldError[]) {
    const page = pageParam(req.query.page);
    const scope = userOf(req).scope;
    const { items, total } = await listTokens(db, scope, page);
    const now = new Date().toISOString();
    const tokens = items.map((tk) => ({
      ...tk,
      status: tk.revoked_at ? 'revoked' : tk.expires_at <= now ? 'expired' : 'active',
    }));
    const users = (await activeUsersInScope(db, scope)).map((u) => ({ ...u, selected: String(u.id) === values.user_id }));
    res.status(status).render('admin/tokens', {
      title: t(req.lang, 'admin.tokens_title'), tokens, users, values, pager: pager(page, total, PAGE_SIZE), ...fieldMessages(req, errors),
    });
  }

  router.get('/admin/noegler', gate, (req, res) =>
    tokensPage(req, res, 200, { user_id: typeof req.query.user_id === 'string' ? req.query.user_id : '' }, []));

  router.post('/admin/noegler', gate, async (req, res) => {
    const values = typedValues(req.body);
    const parsed = parseInput(tokenIssueSchema, req.body);
    if (!parsed.ok) return tokensPage(req, res, 400, values, parsed.errors);
    const done = await renderRefusal(() => issueTokenFor(db, actorOf(req), userOf(req).scope, parsed.data.user_id, parsed.data.name),
      (err) => tokensPage(req, res, 400, values, invalidToErrors(err)));
    if (done.refused) return;
    const issued = done.value;
    const user = (await activeUsersInScope(db, userOf(req).scope)).find((u) => u.id === parsed.data.user_id);
    noStore(res);
    res.render('admin/secret', {
      title: t(req.lang, 'admin.token_issued_title'),
      intro: t(req.lang, 'admin.token_issued_intro', { email: user?.email ?? '' }),
      secretLabel: t(req.lang, 'admin.token'), secret: issued.token,
      hint: t(req.lang, 'admin.token_hint', { expires: issued.expiresAt.slice(0, 10).split('-').reverse().join('.') }),
      backHref: '/admin/noegler', backLabel: t(req.lang, 'admin.to_tokens'),
    });
  });

  router.post('/admin/noegler/:id/tilbagekald', gate, async (req, res) => {
    await revokeTokenById(db, actorOf(req), userOf(req).scope, idParam(req));
    setFlash(res, 'admin.token_revoked');
    res.redirect(303, '/admin/noegler');
  });

  return router;
}

import { Router } from 'express';
import type { Request, Response } from 'express';
import { actorOf } from '../audit/record';
import { ROLES, requireAccess, userOf } from '../access';
import type { AppContext } from '../http/context';
import { NotFound } from '../http/errors';
import { typedValues } from '../http/forms';
import { renderRefusal } from '../http/refusal';
import { setFlash } from '../http/render';
import { t } from '../i18n';
import { logRoutes } from './log-routes';
import { grantableScopes, getUserInScope, listUsers, PAGE_SIZE, scopeLabels } from './queries';
import { fieldMessages, idParam, invalidToErrors, noStore, pageParam, pager } from './page-helpers';
import { FieldError, parseInput, userCreateSchema, userEditSchema } from './schemas';
import { createUser, deactivateUser, reactivateUser, resetPassword, unlinkUserOidc, updateUser } from './service';
import { tokenRoutes } from './token-routes';

/** Administration: users, API tokens and the audit log, all limited to the admin's own scope. */
export function adminRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;
  const gate = requireAccess(ctx, 'admin');

  async function renderForm(req: Request, res: Response, status: number, view: 'admin/user-new' | 'admin/user',
    values: Record<string, unknown>, errors: FieldError[], extra: Record<string, unknown> = {}) {
    const scopes = await grantableScopes(db, userOf(req).scope, t(req.lang, 'admin.country'));
    const roles = ROLES.map((r) => ({ value: r, label: t(req.lang, 'roles.' + r), checked: ([] as unknown[]).concat(values.roles ?? []).includes(r) }));
    const title = view === 'admin/user-new' ? t(req.lang, 'admin.new_user_title') : String(extra.heading ?? '');
    res.status(status).render(view, { title, values, roles, scopes, ...extra, ...fieldMessages(req, errors) });
  }

  router.get('/admin', gate, (_req, res) => res.redirect(303, '/admin/brugere'));

  router.get('/admin/brugere', gate, async (req, res) => {
    const page = pageParam(req.query.page);
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 100) : '';
    const { items, total } = await listUsers(db, userOf(req).scope, { q, page });
    const labels = await scopeLabels(db);
    const users = items.map((u) => ({ ...u, scopeLabel: labels.get(u.scope) ?? u.scope, roleLabels: u.roles.map((r) => t(req.lang, 'roles.' + r)).join(', ') }));
    res.render('admin/users', { title: t(req.lang, 'admin.users_title'), users, q, hidden: q ? [{ name: 'q', value: q }] : [], pager: pager(page, total, PAGE_SIZE) });
  });

  router.get('/admin/brugere/ny', gate, (req, res) => renderForm(req, res, 200, 'admin/user-new', { roles: [] }, []));

  router.post('/admin/brugere/ny', gate, async (req, res) => {
    const values = { ...typedValues(req.body), roles: ([] as unknown[]).concat(req.body.roles ?? []) };
    // The page always hands out a one-time password; choosing another's password is left to the CLI.
    const parsed = parseInput(userCreateSchema, { ...req.body, password: undefined });
    if (!parsed.ok) return renderForm(req, res, 400, 'admin/user-new', values, parsed.errors);
    const done = await renderRefusal(() => createUser(db, actorOf(req), userOf(req).scope, parsed.data),
      (err) => renderForm(req, res, 400, 'admin/user-new', values, invalidToErrors(err)));
    if (done.refused) return;
    const created = done.value;
    noStore(res);
    res.render('admin/secret', {
      title: t(req.lang, 'admin.user_created_title'), intro: t(req.lang, 'admin.user_created_intro', { email: parsed.data.email }),
      secretLabel: t(req.lang, 'admin.one_time_password'), secret: created.oneTimePassword, hint: t(req.lang, 'admin.one_time_password_hint'),
      backHref: `/admin/brugere/${created.id}`, backLabel: t(req.lang, 'admin.to_user'),
    });
  });

  async function userPage(req: Request, res: Response, status: number, values?: Record<string, unknown>, errors: FieldError[] = []) {
    const user = await getUserInScope(db, userOf(req).scope, idParam(req));
    if (!user) throw new NotFound();
    const labels = await scopeLabels(db);
    await renderForm(req, res, status, 'admin/user', values ?? { name: user.name, roles: user.roles, scope: user.scope }, errors, {
      heading: user.name, target: { ...user, scopeLabel: labels.get(user.scope) ?? user.scope }, isSelf: user.id === userOf(req).id,
    });
  }

  router.get('/admin/brugere/:id', gate, (req, res) => userPage(req, res, 200));

  router.post('/admin/brugere/:id', gate, async (req, res) => {
    const id = idParam(req);
    const values = { ...typedValues(req.body), roles: ([] as unknown[]).concat(req.body.roles ?? []) };
    const parsed = parseInput(userEditSchema, req.body);
    if (!parsed.ok) {
      if (!(await getUserInScope(db, userOf(req).scope, id))) throw new NotFound();
      return userPage(req, res, 400, values, parsed.errors);
    }
    const done = await renderRefusal(() => updateUser(db, actorOf(req), userOf(req).scope, id, parsed.data),
      (err) => userPage(req, res, 400, values, invalidToErrors(err)));
    if (done.refused) return;
    setFlash(res, 'admin.user_saved');
    res.redirect(303, `/admin/brugere/${id}`);
  });

  router.post('/admin/brugere/:id/deaktiver', gate, async (req, res) => {
    const id = idParam(req);
    const done = await renderRefusal(() => deactivateUser(db, actorOf(req), userOf(req).scope, id),
      (err) => userPage(req, res, 400, undefined, invalidToErrors(err)));
    if (done.refused) return;
    setFlash(res, 'admin.user_deactivated');
    res.redirect(303, `/admin/brugere/${id}`);
  });

  router.post('/admin/brugere/:id/fjern-sso', gate, async (req, res) => {
    const id = idParam(req);
    const unlinked = await unlinkUserOidc(db, actorOf(req), userOf(req).scope, id);
    setFlash(res, unlinked ? 'admin.sso_unlinked' : 'admin.sso_not_linked');
    res.redirect(303, `/admin/brugere/${id}`);
  });
  router.post('/admin/brugere/:id/aktiver', gate, async (req, res) => {
    const id = idParam(req);
    await reactivateUser(db, actorOf(req), userOf(req).scope, id);
    setFlash(res, 'admin.user_reactivated');
    res.redirect(303, `/admin/brugere/${id}`);
  });

  router.post('/admin/brugere/:id/nulstil-adgangskode', gate, async (req, res) => {
    const id = idParam(req);
    const password = await resetPassword(db, actorOf(req), userOf(req).scope, id);
    const user = await getUserInScope(db, userOf(req).scope, id);
    noStore(res);
    res.render('admin/secret', {
      title: t(req.lang, 'admin.password_reset_title'), intro: t(req.lang, 'admin.password_reset_intro', { email: user?.email ?? '' }),
      secretLabel: t(req.lang, 'admin.one_time_password'), secret: password, hint: t(req.lang, 'admin.one_time_password_hint'),
      backHref: `/admin/brugere/${id}`, backLabel: t(req.lang, 'admin.to_user'),
    });
  });

  router.use(tokenRoutes(ctx));
  router.use(logRoutes(ctx));
  return router;
}

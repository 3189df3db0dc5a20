import type { Knex } from 'knex';
import { Actor, recordAudit } from '../audit/record';
import { Role, rolesFitScope, resolveScope, Scope, scopeContains } from '../access';
import { generateOneTimePassword, hashPassword, deleteUserSessions, clearTotp, revokeUserTokens, unlinkOidc } from '../auth';
import { Invalid, NotFound } from '../http/errors';
import { nowIso } from '../time';
import { AdminUser, getUserInScope, userNameColumns } from './queries';
import type { UserCreateInput, UserEditInput } from './schemas';

/**
 * User administration, shared by the admin pages and the CLI. Field errors are thrown as Invalid whose
 * fields hold admin.errors keys; a user outside the admin's scope is NotFound.
 */

/** The scope may be granted by this admin and carries these roles; throws Invalid at scope or roles. */
async function grantableScope(db: Knex | Knex.Transaction, adminScope: Scope, code: string, roles: Role[]): Promise<Scope> {
  const scope = await resolveScope(db as Knex, code);
  if (!scope) throw new Invalid({ scope: 'scope_unknown' });
  if (!scopeContains(adminScope, scope)) throw new Invalid({ scope: 'scope_outside' });
  if (!rolesFitScope(roles, scope)) {
    throw new Invalid({ roles: roles.includes('therapist') && scope.kind !== 'municipality' ? 'therapist_needs_municipality' : 'hospital_scope' });
  }
  return scope;
}

async function userOrNotFound(trx: Knex.Transaction, adminScope: Scope, id: number): Promise<AdminUser> {
  const user = await getUserInScope(trx, adminScope, id);
  if (!user) throw new NotFound();
  return user;
}

/** Creates a user; without a given password a one-time password is generated, returned once and must be changed. */
export async function createUser(db: Knex, actor: Actor, adminScope: Scope, input: UserCreateInput):
  Promise<{ id: number; oneTimePassword: string | null }> {
  await grantableScope(db, adminScope, input.scope, input.roles);
  const oneTimePassword = input.password ? null : generateOneTimePassword();
  const hash = await hashPassword(input.password ?? oneTimePassword!);
  return db.transaction(async (trx) => {
    if (await trx('users').where('email', input.email).first('id')) throw new Invalid({ email: 'email_taken' });
    const now = nowIso();
    const [row] = await trx('users').insert({
      email: input.email, ...userNameColumns(input.name), password_hash: hash, scope: input.scope, active: true,
      must_change_password: oneTimePassword !== null, created_at: now, updated_at: now,
    }).returning('id');
    const id: number = typeof row === 'object' ? row.id : row;
    await trx('user_roles').insert(input.roles.map((role) => ({ user_id: id, role })));
    await recordAudit(trx, actor, {
      action: 'user_create', entity: 'user', entityId: id, recordScope: input.scope,
      detail: { new: { email: input.email, name: input.name, roles: input.roles, scope: input.scope, must_change_password: oneTimePassword !== null } },
    });
    return { id, oneTimePassword };
  });
}

/** Changes name, roles and scope; the audit row holds the old and new values of what changed. */
export async function updateUser(db: Knex, actor: Actor, adminScope: Scope, id: number, input: UserEditInput): Promise<void> {
  await db.transaction(async (trx) => {
    const user = await userOrNotFound(trx, adminScope, id);
    await grantableScope(trx, adminScope, input.scope, input.roles);
    const before = { name: user.name, roles: user.roles, scope: user.scope };
    const after = { name: input.name, roles: input.roles, scope: input.scope };
    const changed = (Object.keys(after) as (keyof typeof after)[])
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    if (changed.length === 0) return;
    await trx('users').where('id', id).update({ ...userNameColumns(input.name), scope: input.scope, updated_at: nowIso() });
    await trx('user_roles').where('user_id', id).del();
    await trx('user_roles').insert(input.roles.map((role) => ({ user_id: id, role })));
    await recordAudit(trx, actor, {
      action: 'user_update', entity: 'user', entityId: id, recordScope: input.scope,
      detail: {
        old: Object.fromEntries(changed.map((k) => [k, before[k]])),
        new: Object.fromEntries(changed.map((k) => [k, after[k]])),
        ...(before.scope !== after.scope ? { old_scope: before.scope } : {}),
      },
    });
  });
}

/** Deactivation ends the user's sessions and revokes their tokens in the same transaction: the next request fails. */
export async function deactivateUser(db: Knex, actor: Actor, adminScope: Scope, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const user = await userOrNotFound(trx, adminScope, id);
    if (actor.userId === id) throw new Invalid({ form: 'deactivate_self' });
    if (!user.active) return;
    await trx('users').where('id', id).update({ active: false, deactivated_at: nowIso(), updated_at: nowIso() });
    const sessions = await deleteUserSessions(trx, id);
    const tokens = await revokeUserTokens(trx, id);
    await recordAudit(trx, actor, {
      action: 'user_deactivate', entity: 'user', entityId: id, recordScope: user.scope,
      detail: { old: { active: true }, new: { active: false }, sessions_ended: sessions, tokens_revoked: tokens },
    });
  });
}

/** Reactivation does not bring back tokens; the user logs in with their password as before. */
export async function reactivateUser(db: Knex, actor: Actor, adminScope: Scope, id: number): Promise<void> {
  await db.transaction(async (trx) => {
    const user = await userOrNotFound(trx, adminScope, id);
    if (user.active) return;
    await trx('users').where('id', id).update({ active: true, deactivated_at: null, updated_at: nowIso() });
    await recordAudit(trx, actor, {
      action: 'user_reactivate', entity: 'user', entityId: id, recordScope: user.scope,
      detail: { old: { active: false }, new: { active: true } },
    });
  });
}

/** A new one-time password (returned once, never stored or logged in plain); the user's sessions end, the authenticator is cleared. */
export async function resetPassword(db: Knex, actor: Actor, adminScope: Scope, id: number): Promise<string> {
  const oneTimePassword = generateOneTimePassword();
  const hash = await hashPassword(oneTimePassword);
  await db.transaction(async (trx) => {
    const user = await userOrNotFound(trx, adminScope, id);
    await trx('users').where('id', id).update({ password_hash: hash, must_change_password: true, updated_at: nowIso() });
    // product.md: an admin's password reset also clears the authenticator (and its recovery codes).
    const hadTotp = await clearTotp(trx, id);
    const sessions = await deleteUserSessions(trx, id);
    await recordAudit(trx, actor, {
      action: 'password_reset', entity: 'user', entityId: id, recordScope: user.scope,
      detail: { old: { must_change_password: user.must_change_password, totp: hadTotp }, new: { must_change_password: true, totp: false }, sessions_ended: sessions },
    });
  });
  return oneTimePassword;
}

/**
 * An admin's unlink from the user page (product.md): a user inside the admin's scope forgets its single sign-on
 * identity (issuer, sub), so the next OIDC login with its verified email links it again; audited as the CLI's
 * `user unlink-sso`. Returns false when the account was not linked. Errors: NotFound outside the scope.
 */
export async function unlinkUserOidc(db: Knex, actor: Actor, adminScope: Scope, id: number): Promise<boolean> {
  const user = await getUserInScope(db, adminScope, id);
  if (!user) throw new NotFound();
  return unlinkOidc(db, actor, user.email);
}

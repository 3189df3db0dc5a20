import type { Knex } from 'knex';
import { recordAudit, type Actor } from '../audit/record';
import { dbBool } from '../db/codecs';
import { readerOf } from '../db/connect';
import { type CurrentUser, type Role, resolveScope } from '../access';

export interface UserRow {
  id: number;
  email: string;
  name: string;
  password_hash: string;
  must_change_password: boolean;
  scope: string;
  active: boolean;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserByEmail(db: Knex, email: string): Promise<UserRow | undefined> {
  const row = await db('users').where('email', normaliseEmail(email)).first();
  return row ? { ...row, active: dbBool(row.active), must_change_password: dbBool(row.must_change_password) } : undefined;
}

export async function rolesOf(db: Knex, userId: number): Promise<Role[]> {
  const rows = await db('user_roles').where('user_id', userId).orderBy('role').pluck('role');
  return rows as Role[];
}

/** The request's user from an active user row; its roles read unless given. */
export async function toCurrentUser(db: Knex, row: UserRow, via: 'session' | 'token', roles?: Role[]): Promise<CurrentUser | undefined> {
  if (!dbBool(row.active)) return undefined;
  const scope = await resolveScope(db, row.scope);
  if (!scope) return undefined;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: roles ?? await rolesOf(readerOf(db), row.id),
    scope,
    mustChangePassword: dbBool(row.must_change_password),
    via,
  };
}

/** A user row with its two-factor state (for the login steps). */
export interface LoginUserRow extends UserRow { totp_secret: string | null; totp_enrolled_at: string | null; totp_last_step: number | null; oidc_issuer: string | null; oidc_sub: string | null }

export async function findLoginUser(db: Knex, by: { id: number } | { email: string }): Promise<LoginUserRow | undefined> {
  const q = 'id' in by ? db('users').where('id', by.id) : db('users').where('email', normaliseEmail(by.email));
  const row = await q.first();
  if (!row) return undefined;
  return {
    ...row, active: dbBool(row.active), must_change_password: dbBool(row.must_change_password),
    totp_last_step: row.totp_last_step === null ? null : Number(row.totp_last_step),
  };
}

/** The user linked to a provider's (issuer, sub), if any. */
export async function findUserByOidc(db: Knex, issuer: string, sub: string): Promise<LoginUserRow | undefined> {
  const row = await db('users').where({ oidc_issuer: issuer, oidc_sub: sub }).first('id');
  return row ? findLoginUser(db, { id: row.id }) : undefined;
}

/** Links an unlinked user to (issuer, sub); false when another request linked it first. */
export async function linkOidc(db: Knex | Knex.Transaction, userId: number, issuer: string, sub: string): Promise<boolean> {
  const changed = await db('users').where('id', userId).whereNull('oidc_sub')
    .update({ oidc_issuer: issuer, oidc_sub: sub, updated_at: new Date().toISOString() });
  return Number(changed) === 1;
}

/**
 * An admin's unlink (CLI): the account forgets its (issuer, sub), so the next OIDC login with its verified email
 * links it again. Audited. Returns false when no user has that email or it was not linked.
 */
export async function unlinkOidc(db: Knex, actor: Actor, email: string): Promise<boolean> {
  return db.transaction(async (trx) => {
    const user = await trx('users').where('email', normaliseEmail(email)).first('id', 'scope', 'oidc_issuer', 'oidc_sub');
    if (!user?.oidc_sub) return false;
    await trx('users').where('id', user.id).update({ oidc_issuer: null, oidc_sub: null, updated_at: new Date().toISOString() });
    await recordAudit(trx, actor, {
      action: 'oidc_unlink', entity: 'user', entityId: user.id, recordScope: user.scope,
      detail: { old: { issuer: user.oidc_issuer, sub: user.oidc_sub }, new: { issuer: null, sub: null } },
    });
    return true;
  });
}

/**
 * The request's user by id (undefined when no such active user or scope): the user and its roles in one read (a
 * row per role, ordered by role), since every authenticated request pays for it.
 */
export async function currentUserById(db: Knex, id: number, via: 'session' | 'token'): Promise<CurrentUser | undefined> {
  // On the reader: committed state, not queued behind a commit (db/connect.ts readerOf).
  const rows: (UserRow & { role_of_user: Role | null })[] = await readerOf(db)('users as u')
    .leftJoin('user_roles as r', 'r.user_id', 'u.id').where('u.id', id).orderBy('r.role').select('u.*', 'r.role as role_of_user');
  if (!rows.length) return undefined;
  const { role_of_user: _role, ...row } = rows[0];
  return toCurrentUser(db, row, via, rows.flatMap((r) => (r.role_of_user ? [r.role_of_user] : [])));
}

/** A user's new password (hashed), no longer a one-time password; in the caller's transaction. */
export async function setPassword(db: Knex | Knex.Transaction, userId: number, passwordHash: string): Promise<void> {
  await db('users').where('id', userId).update({ password_hash: passwordHash, must_change_password: false, updated_at: new Date().toISOString() });
}

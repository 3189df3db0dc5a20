import type { Knex } from 'knex';
import { dbBool } from '../db/codecs';
import type { CurrentUser, Role } from './access';
import { resolveScope } from './scope';

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

/** The request's user from an active user row. */
export async function toCurrentUser(db: Knex, row: UserRow, via: 'session' | 'token'): Promise<CurrentUser | undefined> {
  if (!dbBool(row.active)) return undefined;
  const scope = await resolveScope(db, row.scope);
  if (!scope) return undefined;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    roles: await rolesOf(db, row.id),
    scope,
    mustChangePassword: dbBool(row.must_change_password),
    via,
  };
}

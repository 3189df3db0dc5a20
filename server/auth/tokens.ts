import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { readerOf } from '../db/connect';
import type { CurrentUser, Role } from '../access';
import { toCurrentUser, type UserRow } from './users';

/** Personal API tokens: shown once, stored as SHA-256 (they are 256-bit random, so no key or slow hash is needed). */
const TOKEN_PREFIX = 'hk_';
const VALID_MONTHS = 12;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export interface IssuedToken { id: number; token: string; expiresAt: string }

export async function issueToken(db: Knex | Knex.Transaction, userId: number, createdBy: number | null, name: string | null): Promise<IssuedToken> {
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  const now = new Date();
  const expires = new Date(now);
  expires.setUTCMonth(expires.getUTCMonth() + VALID_MONTHS);
  const [row] = await db('api_tokens').insert({
    user_id: userId,
    token_hash: hashToken(token),
    prefix: token.slice(0, 10),
    name,
    created_at: now.toISOString(),
    created_by: createdBy,
    expires_at: expires.toISOString(),
  }).returning('id');
  const id = typeof row === 'object' ? row.id : row;
  return { id, token, expiresAt: expires.toISOString() };
}

/** How often a token's use is written down: `last_used_at` is at most this old (ms) while the token is in use. */
export const LAST_USED_RESOLUTION_MS = 60_000;

type TokenUserRow = UserRow & { token_id: number; token_last_used_at: unknown; role_of_user: Role | null };

/**
 * A valid (not revoked, not expired) token's user and roles in one read (a row per role, ordered by role; none when
 * the token is not valid), on `db`'s reader (db/connect.ts readerOf: committed state, not queued behind a commit);
 * records the token's use in `last_used_at`, at most once a minute (a client sending hundreds of requests a second
 * would otherwise write the row at every one of them).
 */
async function tokenUserRows(db: Knex, token: string, now: Date): Promise<TokenUserRow[]> {
  const rows: TokenUserRow[] = await readerOf(db)('api_tokens as t').join('users as u', 'u.id', 't.user_id')
    .leftJoin('user_roles as r', 'r.user_id', 'u.id')
    .where('t.token_hash', hashToken(token)).whereNull('t.revoked_at').where('t.expires_at', '>', now.toISOString())
    .orderBy('r.role').select('u.*', 't.id as token_id', 't.last_used_at as token_last_used_at', 'r.role as role_of_user');
  if (rows.length && !usedSince(rows[0].token_last_used_at, now.getTime() - LAST_USED_RESOLUTION_MS)) {
    // Only one of several concurrent requests writes: the condition is re-checked by the update.
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
    await db('api_tokens').where('id', rows[0].token_id)
      .where((w) => w.whereNull('last_used_at').orWhere('last_used_at', '<=', stale))
      .update({ last_used_at: now.toISOString() });
  }
  return rows;
}

/** The user id of a valid (not revoked, not expired) token, its use recorded as in `tokenUser`; else undefined. */
export async function verifyToken(db: Knex, token: string, now = new Date()): Promise<number | undefined> {
  const rows = await tokenUserRows(db, token, now);
  return rows.length ? rows[0].id : undefined;
}

/**
 * The request's user of a valid token (undefined when the token is not valid, or its user inactive or without a
 * known scope): token, user and roles in one statement, as every API request pays for it.
 */
export async function tokenUser(db: Knex, token: string, now = new Date()): Promise<CurrentUser | undefined> {
  const rows = await tokenUserRows(db, token, now);
  if (!rows.length) return undefined;
  const { token_id: _id, token_last_used_at: _used, role_of_user: _role, ...user } = rows[0];
  return toCurrentUser(db, user, 'token', rows.flatMap((r) => (r.role_of_user ? [r.role_of_user] : [])));
}

function usedSince(lastUsed: unknown, since: number): boolean {
  if (lastUsed === null || lastUsed === undefined) return false;
  const t = lastUsed instanceof Date ? lastUsed.getTime() : Date.parse(String(lastUsed));
  return Number.isFinite(t) && t > since;
}

export async function revokeToken(db: Knex | Knex.Transaction, tokenId: number): Promise<number> {
  return db('api_tokens').where('id', tokenId).whereNull('revoked_at').update({ revoked_at: new Date().toISOString() });
}

export async function revokeUserTokens(db: Knex | Knex.Transaction, userId: number): Promise<number> {
  return db('api_tokens').where('user_id', userId).whereNull('revoked_at').update({ revoked_at: new Date().toISOString() });
}

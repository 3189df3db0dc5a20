import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { readerOf } from '../db/connect';

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

/**
 * The user id of a valid (not revoked, not expired) token; records its use in `last_used_at`, at most once a
 * minute (a client sending hundreds of requests a second would otherwise write the row at every one of them).
 * The token is read on `db`'s reader (db/connect.ts readerOf: committed state, not queued behind a commit).
 */
export async function verifyToken(db: Knex, token: string, now = new Date()): Promise<number | undefined> {
  const at = now.toISOString();
  const row = await readerOf(db)('api_tokens').where('token_hash', hashToken(token)).whereNull('revoked_at')
    .where('expires_at', '>', at).first('id', 'user_id', 'last_used_at');
  if (!row) return undefined;
  if (usedSince(row.last_used_at, now.getTime() - LAST_USED_RESOLUTION_MS)) return row.user_id;
  // Only one of several concurrent requests writes: the condition is re-checked by the update.
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
  await db('api_tokens').where('id', row.id)
    .where((w) => w.whereNull('last_used_at').orWhere('last_used_at', '<=', stale))
    .update({ last_used_at: at });
  return row.user_id;
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

import crypto from 'node:crypto';
import type { Knex } from 'knex';

/** Sessions live in the database (stateless app servers); the cookie holds a random id, the table its HMAC. */
export const SESSION_COOKIE = 'hk_session';
export const IDLE_MINUTES = 30;
const TOUCH_EVERY_MS = 60_000;

export function hashSessionId(secret: string, id: string): string {
  return crypto.createHmac('sha256', secret).update(id).digest('hex');
}

function expiresFrom(now: Date): string {
  return new Date(now.getTime() + IDLE_MINUTES * 60_000).toISOString();
}

/** A new session (a fresh id at every login); returns the cookie value. */
export async function createSession(db: Knex | Knex.Transaction, secret: string, userId: number, ip: string | null,
  oidcIdToken: string | null = null): Promise<string> {
  const id = crypto.randomBytes(32).toString('base64url');
  const now = new Date();
  await db('sessions').insert({
    id_hash: hashSessionId(secret, id),
    user_id: userId,
    csrf_token: crypto.randomBytes(24).toString('base64url'),
    created_at: now.toISOString(),
    last_seen_at: now.toISOString(),
    expires_at: expiresFrom(now),
    ip,
    oidc_id_token: oidcIdToken,
  });
  return id;
}

export interface SessionRow { id_hash: string; user_id: number; csrf_token: string; last_seen_at: string; expires_at: string; oidc_id_token?: string | null }

/** The live session for a cookie value; an expired one is deleted and reported as 'expired'. */
export async function findSession(db: Knex, secret: string, id: string): Promise<SessionRow | 'expired' | undefined> {
  const idHash = hashSessionId(secret, id);
  const row: SessionRow | undefined = await db('sessions').where('id_hash', idHash).first();
  if (!row) return undefined;
  if (Date.parse(row.expires_at) <= Date.now()) {
    await db('sessions').where('id_hash', idHash).del();
    return 'expired';
  }
  return row;
}

/** Slide the idle timeout; written at most once a minute per session to spare the database. */
export async function touchSession(db: Knex, row: SessionRow): Promise<void> {
  const now = new Date();
  if (now.getTime() - Date.parse(row.last_seen_at) < TOUCH_EVERY_MS) return;
  await db('sessions').where('id_hash', row.id_hash).update({ last_seen_at: now.toISOString(), expires_at: expiresFrom(now) });
}

export async function deleteSession(db: Knex | Knex.Transaction, idHash: string): Promise<void> {
  await db('sessions').where('id_hash', idHash).del();
}

export async function deleteUserSessions(db: Knex | Knex.Transaction, userId: number): Promise<number> {
  return db('sessions').where('user_id', userId).del();
}

export async function purgeExpiredSessions(db: Knex): Promise<void> {
  await db('sessions').where('expires_at', '<=', new Date().toISOString()).del();
}

/** The identity provider's id token kept on a session (for the provider's logout), or null. */
export async function sessionIdToken(db: Knex, idHash: string): Promise<string | null> {
  const row = await db('sessions').where('id_hash', idHash).first('oidc_id_token');
  return row?.oidc_id_token ?? null;
}

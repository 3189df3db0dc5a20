import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { hashSessionId } from './sessions';

/**
 * A login in progress, between two requests: an OIDC redirect (state, nonce, PKCE verifier, where to return) or a
 * password login awaiting its second step (TOTP or forced enrolment). The browser holds a random id in a cookie,
 * the database its HMAC and the data, for 10 minutes; app servers stay stateless.
 */
export type FlowKind = 'oidc' | 'totp' | 'enrol';
export const FLOW_COOKIE: Record<FlowKind, string> = { oidc: 'hk_oidc', totp: 'hk_2fa', enrol: 'hk_2fa' };
export const FLOW_MINUTES = 10;

type Db = Knex | Knex.Transaction;

export interface Flow<T> { idHash: string; userId: number | null; data: T }

/** Stores a new flow; returns the cookie value. */
export async function startFlow(db: Db, secret: string, kind: FlowKind, userId: number | null, data: unknown): Promise<string> {
  const id = crypto.randomBytes(32).toString('base64url');
  await db('login_flows').where('expires_at', '<', Date.now()).del();
  await db('login_flows').insert({
    id_hash: hashSessionId(secret, id), kind, user_id: userId, data: JSON.stringify(data), expires_at: Date.now() + FLOW_MINUTES * 60_000,
  });
  return id;
}

/** The live flow of a kind for a cookie value (not consumed). */
export async function findFlow<T>(db: Db, secret: string, kind: FlowKind, id: unknown): Promise<Flow<T> | undefined> {
  if (typeof id !== 'string' || !/^[\w-]{43}$/.test(id)) return undefined;
  const idHash = hashSessionId(secret, id);
  const row = await db('login_flows').where({ id_hash: idHash, kind }).where('expires_at', '>', Date.now()).first();
  return row ? { idHash, userId: row.user_id ?? null, data: JSON.parse(row.data) as T } : undefined;
}

/** Ends a flow; true only for the one request that removed it (a replay finds nothing). */
export async function endFlow(db: Db, idHash: string): Promise<boolean> {
  return Number(await db('login_flows').where('id_hash', idHash).del()) === 1;
}

export async function updateFlow(db: Db, idHash: string, data: unknown): Promise<void> {
  await db('login_flows').where('id_hash', idHash).update({ data: JSON.stringify(data) });
}

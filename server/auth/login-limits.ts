import type { Knex } from 'knex';

/** product.md: 5 failed logins in 15 minutes for an account, or 20 from one IP, block login for 15 minutes. */
const WINDOW_MS = 15 * 60_000;
const BLOCK_MS = 15 * 60_000;
const PER_ACCOUNT = 5;
const PER_IP = 20;

/**
 * Blocked while the limit was reached less than 15 minutes ago: some failure had `limit - 1` others in the
 * 15 minutes before it. (Counting only the last 15 minutes would lift the block early, as soon as the first of
 * the failures ages out.) Refused attempts are not recorded, so the rows read here stay few.
 */
async function limitReached(db: Knex, column: 'email' | 'ip', value: string, limit: number, now: number): Promise<boolean> {
  const since = new Date(now - WINDOW_MS - BLOCK_MS).toISOString();
  const times: number[] = (await db('login_attempts').where({ [column]: value, ok: false }).where('at', '>', since)
    .orderBy('at').pluck('at')).map((at: string | Date) => new Date(at).getTime());
  for (let i = limit - 1; i < times.length; i++) {
    if (times[i] - times[i - limit + 1] <= WINDOW_MS && now - times[i] < BLOCK_MS) return true;
  }
  return false;
}

export async function isLoginLimited(db: Knex, email: string, ip: string): Promise<boolean> {
  const now = Date.now();
  return await limitReached(db, 'email', email, PER_ACCOUNT, now) || await limitReached(db, 'ip', ip, PER_IP, now);
}

export async function recordLoginAttempt(db: Knex | Knex.Transaction, email: string, ip: string, ok: boolean): Promise<void> {
  await db('login_attempts').insert({ email, ip, ok, at: new Date().toISOString() });
}

/** Old attempts are of no use after the window and the block; keep the table small. */
export async function purgeOldAttempts(db: Knex): Promise<void> {
  await db('login_attempts').where('at', '<', new Date(Date.now() - 24 * 3600_000).toISOString()).del();
}

import type { Knex } from 'knex';

/** product.md: 5 failed logins in 15 minutes for an account, or 20 from one IP, block login for 15 minutes. */
const WINDOW_MS = 15 * 60_000;
const PER_ACCOUNT = 5;
const PER_IP = 20;

export async function isLoginLimited(db: Knex, email: string, ip: string): Promise<boolean> {
  const since = new Date(Date.now() - WINDOW_MS).toISOString();
  const [byEmail] = await db('login_attempts').where({ email, ok: false }).where('at', '>', since).count({ n: '*' });
  if (Number(byEmail.n) >= PER_ACCOUNT) return true;
  const [byIp] = await db('login_attempts').where({ ip, ok: false }).where('at', '>', since).count({ n: '*' });
  return Number(byIp.n) >= PER_IP;
}

export async function recordLoginAttempt(db: Knex | Knex.Transaction, email: string, ip: string, ok: boolean): Promise<void> {
  await db('login_attempts').insert({ email, ip, ok, at: new Date().toISOString() });
}

/** Old attempts are of no use after the window; keep the table small. */
export async function purgeOldAttempts(db: Knex): Promise<void> {
  await db('login_attempts').where('at', '<', new Date(Date.now() - 24 * 3600_000).toISOString()).del();
}

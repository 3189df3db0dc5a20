import type { Knex } from 'knex';

/**
 * product.md: 5 failed logins in 15 minutes for an account, or 20 from one IP, block login for 15 minutes; the
 * second step (TOTP) is limited alike with counters of its own. The counters live in the database, so several app
 * servers share them.
 *
 * Atomic by construction (issue 8 item 4): a guess must first *reserve* a slot with one conditional UPDATE
 * (`failures < limit`), which both engines serialise on the row, so of 100 simultaneous guesses at most `limit`
 * ever reach the password check. A right password gives its slot back; a wrong one keeps it and, at the limit,
 * starts the 15-minute block from that failure (not from the window's start, which could lift it early).
 */
export const WINDOW_MS = 15 * 60_000;
export const BLOCK_MS = 15 * 60_000;

export type LimitKind = 'account' | 'ip' | 'totp';
export const LIMITS: Record<LimitKind, number> = { account: 5, ip: 20, totp: 5 };

type Db = Knex | Knex.Transaction;

/** Takes one slot of the counter; false when the limit or a block is in force (nothing is changed then). */
async function reserve(db: Db, kind: LimitKind, key: string, now: number): Promise<boolean> {
  await db('login_counters').insert({ kind, key, window_start: now, failures: 0, blocked_until: 0 })
    .onConflict(['kind', 'key']).ignore();
  const expired = now - WINDOW_MS;
  const changed = await db('login_counters').where({ kind, key }).where('blocked_until', '<=', now)
    .where((w) => w.where('window_start', '<=', expired).orWhere('failures', '<', LIMITS[kind]))
    .update({
      failures: db.raw('CASE WHEN window_start <= ? THEN 1 ELSE failures + 1 END', [expired]),
      window_start: db.raw('CASE WHEN window_start <= ? THEN ? ELSE window_start END', [expired, now]),
    });
  return Number(changed) === 1;
}

async function release(db: Db, kind: LimitKind, key: string): Promise<void> {
  await db('login_counters').where({ kind, key }).where('failures', '>', 0).decrement('failures', 1);
}

/** A kept failure: at the limit it blocks for 15 minutes from now. */
async function confirmFailure(db: Db, kind: LimitKind, key: string, now: number): Promise<void> {
  await db('login_counters').where({ kind, key }).where('failures', '>=', LIMITS[kind]).update({ blocked_until: now + BLOCK_MS });
}

/** What a login attempt holds while its secret is checked; settle it with `succeeded` or `failed`. */
export interface LoginSlot { keys: [LimitKind, string][] }

/**
 * Reserves a slot on every counter (e.g. account and IP), all or none; undefined when any is at its limit.
 * Call before checking the secret; then `settleSlot(db, slot, ok)`.
 */
export async function reserveSlot(db: Db, keys: [LimitKind, string][], now = Date.now()): Promise<LoginSlot | undefined> {
  const taken: [LimitKind, string][] = [];
  for (const [kind, key] of keys) {
    if (!(await reserve(db, kind, key, now))) {
      for (const [k, v] of taken) await release(db, k, v);
      return undefined;
    }
    taken.push([kind, key]);
  }
  return { keys: taken };
}

/** A right secret frees its slots (it was no failure); a wrong one keeps them and may start the block. */
export async function settleSlot(db: Db, slot: LoginSlot, ok: boolean, now = Date.now()): Promise<void> {
  for (const [kind, key] of slot.keys) {
    if (ok) await release(db, kind, key);
    else await confirmFailure(db, kind, key, now);
  }
}

/** Counters whose window and block are long over are of no use; keep the table small. */
export async function purgeOldCounters(db: Knex, now = Date.now()): Promise<void> {
  await db('login_counters').where('window_start', '<', now - 24 * 3600_000).where('blocked_until', '<', now).del();
}

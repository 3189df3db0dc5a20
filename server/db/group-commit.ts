import type { Knex } from 'knex';

/**
 * Group commit for SQLite's one connection: small writes that arrive while a transaction is committing wait for it
 * and then share the next transaction (and its one fsync: `synchronous=FULL` syncs the WAL at every commit, which on
 * a busy disk costs more than the writes themselves). Each write runs in its own savepoint, so a write that fails
 * rolls back alone and rejects only its caller; a write's promise resolves only after the shared COMMIT returned, so
 * an acknowledged write is as durable as one committed alone. When nothing else is waiting a write commits at once
 * (no added delay).
 */

type Write<T> = (trx: Knex.Transaction) => Promise<T>;
interface Waiting { write: Write<unknown>; resolve: (v: unknown) => void; reject: (err: unknown) => void }

/** At most this many writes share one transaction. */
const MAX_GROUP = 64;

const queues = new WeakMap<Knex, { waiting: Waiting[]; running: boolean }>();

/** Run `write` in the next shared transaction of `db`; its result once that transaction is committed. */
export function inGroupCommit<T>(db: Knex, write: Write<T>): Promise<T> {
  let q = queues.get(db);
  if (!q) queues.set(db, q = { waiting: [], running: false });
  const queue = q;
  return new Promise<T>((resolve, reject) => {
    queue.waiting.push({ write, resolve: resolve as (v: unknown) => void, reject });
    if (!queue.running) void drain(db, queue);
  });
}

async function drain(db: Knex, queue: { waiting: Waiting[]; running: boolean }): Promise<void> {
  queue.running = true;
  try {
    while (queue.waiting.length) await commitGroup(db, queue.waiting.splice(0, MAX_GROUP));
  } finally {
    queue.running = false;
  }
}

/** One transaction for the group: each write in a savepoint (unless alone); outcomes are settled after the COMMIT. */
async function commitGroup(db: Knex, group: Waiting[]): Promise<void> {
  const outcomes: { ok: boolean; value: unknown }[] = [];
  try {
    await db.transaction(async (trx) => {
      if (group.length === 1) {
        outcomes.push({ ok: true, value: await group[0].write(trx) }); // a failure rolls back the transaction: its own
        return;
      }
      for (const w of group) outcomes.push(await inSavepoint(trx, w.write));
    });
  } catch (err) {
    for (const w of group) w.reject(err);
    return;
  }
  group.forEach((w, i) => (outcomes[i].ok ? w.resolve(outcomes[i].value) : w.reject(outcomes[i].value)));
}

/**
 * One write of a group: what it did stays only if it succeeded. Savepoints of one name stack, and ROLLBACK TO
 * undoes the newest; a succeeded write's savepoint is left for the COMMIT (no RELEASE: a statement less a write).
 * A fixed name: the statements are prepared once (db/connect.ts).
 */
async function inSavepoint(trx: Knex.Transaction, write: Write<unknown>): Promise<{ ok: boolean; value: unknown }> {
  await trx.raw('SAVEPOINT group_write');
  try {
    return { ok: true, value: await write(trx) };
  } catch (err) {
    await trx.raw('ROLLBACK TO group_write');
    return { ok: false, value: err };
  }
}

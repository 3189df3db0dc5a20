import type { Knex } from 'knex';
import { insertRows } from './bulk';

/**
 * Group commit for SQLite's one connection: small writes that arrive while a transaction is committing wait for it
 * and then share the next transaction (and its one fsync: `synchronous=FULL` syncs the WAL at every commit, which on
 * a busy disk costs more than the writes themselves). A write's promise resolves only after the shared COMMIT
 * returned, so an acknowledged write is as durable as one committed alone. When nothing else is waiting a write
 * commits at once (no added delay).
 *
 * Every statement on the one connection is a trip to the thread pool and back that all requests queue for, so a
 * group spends as few as it can: rows a write appends (its audit row) are inserted for the whole group in one
 * multi-row statement before the COMMIT, and the writes run without a savepoint each. When any write of a group
 * fails (or the appended rows do), the group is rolled back and each of its writes runs again in a transaction of
 * its own: a write that fails rolls back alone and rejects only its caller. So a write may run twice; it must act
 * on the database only (through `trx` and `append`).
 */

/** Rows for `table`, each in `columns` order, inserted in the write's transaction after the group's writes. */
export type Append = (table: string, columns: readonly string[], row: unknown[]) => void;
type Write<T> = (trx: Knex.Transaction, append: Append) => Promise<T>;
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

/** One transaction for the group; outcomes are settled after its COMMIT. A failure: each write alone. */
async function commitGroup(db: Knex, group: Waiting[]): Promise<void> {
  let values: unknown[];
  try {
    values = await inOneTransaction(db, group.map((w) => w.write));
  } catch (err) {
    if (group.length === 1) return group[0].reject(err);
    for (const w of group) await commitGroup(db, [w]);
    return;
  }
  group.forEach((w, i) => w.resolve(values[i]));
}

/** The writes one after the other in one transaction, then the rows they appended (one statement per table). */
async function inOneTransaction(db: Knex, writes: Write<unknown>[]): Promise<unknown[]> {
  return db.transaction(async (trx) => {
    const appended = new Map<string, { table: string; columns: readonly string[]; rows: unknown[][] }>();
    const append: Append = (table, columns, row) => {
      const key = `${table}(${columns.join(',')})`;
      let entry = appended.get(key);
      if (!entry) appended.set(key, entry = { table, columns, rows: [] });
      entry.rows.push(row);
    };
    const values: unknown[] = [];
    for (const write of writes) values.push(await write(trx, append));
    for (const { table, columns, rows } of appended.values()) await insertRows(trx, table, columns, rows);
    return values;
  });
}

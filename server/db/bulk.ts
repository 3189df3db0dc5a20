import type { Knex } from 'knex';
import { isPostgres } from './connect';

/**
 * Multi-row INSERT without the query builder: one SQL text per (table, columns, row count), kept, and the rows'
 * values as positional bindings. The builder costs about as much as the engine's own load (issue 9); this does not.
 */

/** Bound values per statement: below SQLite's 32 766 and PostgreSQL's 65 535. */
const MAX_BINDINGS = 30_000;
/** Rows per statement at most (past a few hundred rows a statement gains nothing). */
const MAX_ROWS = 500;

const texts = new Map<string, string>();

export interface InsertOptions {
  /** columns whose values to answer, for every row inserted */
  returning?: readonly string[];
  /** a unique key: a row that would break it is skipped (ON CONFLICT … DO NOTHING), not an error */
  skipConflictsOn?: readonly string[];
}

const list = (names: readonly string[]) => names.map((c) => `"${c}"`).join(',');

function insertSql(table: string, columns: readonly string[], rows: number, opts: InsertOptions, pg: boolean): string {
  const returning = opts.returning ?? [];
  const conflict = opts.skipConflictsOn ?? [];
  const key = `${pg ? 'pg' : 'sqlite'}|${table}|${columns.join(',')}|${rows}|${returning.join(',')}|${conflict.join(',')}`;
  let sql = texts.get(key);
  if (!sql) {
    const tuples: string[] = [];
    for (let r = 0, n = 0; r < rows; r++) tuples.push('(' + columns.map(() => (pg ? `$${++n}` : '?')).join(',') + ')');
    sql = `INSERT INTO "${table}" (${list(columns)}) VALUES ${tuples.join(',')}`
      + (conflict.length ? ` ON CONFLICT (${list(conflict)}) DO NOTHING` : '')
      + (returning.length ? ` RETURNING ${list(returning)}` : '');
    if (texts.size > 200) texts.clear();
    texts.set(key, sql);
  }
  return sql;
}

type SqliteConnection = {
  all(sql: string, bindings: unknown[], cb: (err: Error | null, rows: Record<string, unknown>[]) => void): void;
  run(sql: string, bindings: unknown[], cb: (err: Error | null) => void): void;
};
type PgConnection = { query(sql: string, bindings: unknown[]): Promise<{ rows: Record<string, unknown>[] }> };

/**
 * One statement on the driver's connection (the transaction's own, or one from the pool, given back after): the
 * text is already in the engine's placeholders, so knex's per-binding formatting (as costly as the engine's insert
 * of 30 000 values) is not done again for every statement.
 */
async function onConnection(db: Knex | Knex.Transaction, sql: string, bindings: unknown[], answer: boolean): Promise<Record<string, unknown>[]> {
  const conn: unknown = await db.client.acquireConnection();
  try {
    if (isPostgres(db)) return (await (conn as PgConnection).query(sql, bindings)).rows;
    const c = conn as SqliteConnection;
    return await new Promise((ok, ko) => {
      if (answer) c.all(sql, bindings, (e, rows) => (e ? ko(e) : ok(rows)));
      else c.run(sql, bindings, (e) => (e ? ko(e) : ok([])));
    });
  } finally {
    await db.client.releaseConnection(conn);
  }
}

/**
 * Statements of this many rows or more go to the driver directly; smaller ones through knex, where query listeners
 * (the statement-count tests, debugging) see them, at a formatting cost that does not matter for a few rows.
 */
const DRIVER_ROWS = 50;

async function throughKnex(db: Knex | Knex.Transaction, sql: string, bindings: unknown[]): Promise<Record<string, unknown>[]> {
  const result = await db.raw(sql, bindings as Knex.RawBinding[]);
  return isPostgres(db) ? (result as { rows: Record<string, unknown>[] }).rows : result;
}

/** Rows per statement for this many columns. */
export function rowsPerStatement(columns: number): number {
  return Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_BINDINGS / columns)));
}

/**
 * Insert `rows` (each an array of values in `columns` order) in as few statements as the binding limits allow, in
 * the caller's transaction. With `returning`, those columns of every inserted row, in the engine's order (row order
 * on both engines, as the builder's `.returning()` that the import relied on before; match on a key where it
 * matters, and always with skipConflictsOn, which leaves skipped rows out). Booleans are bound as the driver does.
 */
export async function insertRows(db: Knex | Knex.Transaction, table: string, columns: readonly string[], rows: readonly unknown[][],
  opts: InsertOptions = {}): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const step = rowsPerStatement(columns.length);
  for (let i = 0; i < rows.length; i += step) {
    const part = rows.slice(i, i + step);
    const bindings: unknown[] = [];
    for (const row of part) for (const v of row) bindings.push(v === undefined ? null : v);
    const answer = (opts.returning?.length ?? 0) > 0;
    const list = part.length >= DRIVER_ROWS
      ? await onConnection(db, insertSql(table, columns, part.length, opts, isPostgres(db)), bindings, answer)
      : await throughKnex(db, insertSql(table, columns, part.length, opts, false), bindings);
    if (answer) for (const r of list) out.push(r);
  }
  return out;
}

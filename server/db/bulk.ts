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

function insertSql(table: string, columns: readonly string[], rows: number, opts: InsertOptions): string {
  const returning = opts.returning ?? [];
  const conflict = opts.skipConflictsOn ?? [];
  const key = `${table}|${columns.join(',')}|${rows}|${returning.join(',')}|${conflict.join(',')}`;
  let sql = texts.get(key);
  if (!sql) {
    const tuple = '(' + columns.map(() => '?').join(',') + ')';
    sql = `INSERT INTO "${table}" (${list(columns)}) VALUES ${Array(rows).fill(tuple).join(',')}`
      + (conflict.length ? ` ON CONFLICT (${list(conflict)}) DO NOTHING` : '')
      + (returning.length ? ` RETURNING ${list(returning)}` : '');
    if (texts.size > 200) texts.clear();
    texts.set(key, sql);
  }
  return sql;
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
    const result = await db.raw(insertSql(table, columns, part.length, opts), bindings as Knex.RawBinding[]);
    if (!opts.returning?.length) continue;
    const list: Record<string, unknown>[] = isPostgres(db) ? (result as { rows: Record<string, unknown>[] }).rows : result;
    for (const r of list) out.push(r);
  }
  return out;
}

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

function insertSql(table: string, columns: readonly string[], rows: number, returning: readonly string[]): string {
  const key = `${table}|${columns.join(',')}|${rows}|${returning.join(',')}`;
  let sql = texts.get(key);
  if (!sql) {
    const tuple = '(' + columns.map(() => '?').join(',') + ')';
    sql = `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES ${Array(rows).fill(tuple).join(',')}`
      + (returning.length ? ` RETURNING ${returning.map((c) => `"${c}"`).join(',')}` : '');
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
 * matters). Booleans are bound as the engine's driver does.
 */
export async function insertRows(db: Knex | Knex.Transaction, table: string, columns: readonly string[], rows: readonly unknown[][],
  returning: readonly string[] = []): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const step = rowsPerStatement(columns.length);
  for (let i = 0; i < rows.length; i += step) {
    const part = rows.slice(i, i + step);
    const bindings: unknown[] = [];
    for (const row of part) for (const v of row) bindings.push(v === undefined ? null : v);
    const result = await db.raw(insertSql(table, columns, part.length, returning), bindings as Knex.RawBinding[]);
    if (!returning.length) continue;
    const list: Record<string, unknown>[] = isPostgres(db) ? (result as { rows: Record<string, unknown>[] }).rows : result;
    for (const r of list) out.push(r);
  }
  return out;
}

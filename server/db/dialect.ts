import { Knex } from 'knex';
import { isPostgres } from './connect';

/** The few SQL fragments that differ by engine. Column names go in as ?? bindings only. */

/** Whole days from column a to column b (b − a) as an integer expression. */
export function daysBetween(db: Knex, a: string, b: string): Knex.Raw {
  return isPostgres(db)
    ? db.raw('(??::date - ??::date)', [b, a])
    : db.raw('CAST(julianday(??) - julianday(??) AS INTEGER)', [b, a]);
}

/** Boolean column is true, as a predicate that works with SQLite's 0/1 and PostgreSQL's boolean. */
export function isTrue(db: Knex, column: string): Knex.Raw {
  return isPostgres(db) ? db.raw('?? = true', [column]) : db.raw('?? = 1', [column]);
}

/** A boolean expression as 1, 0 or NULL: SQLite's comparisons already are integers, PostgreSQL's need a cast. */
export function booleanAsInteger(db: Knex, expression: Knex.Raw): Knex.Raw {
  return isPostgres(db) ? db.raw('CAST(? AS INTEGER)', [expression]) : expression;
}

/**
 * Whole years of age on date column `on` for birth date column `birth` (a 29 February birthday counts from
 * 1 March in other years, as courses/cpr.ts ageOn): year difference, less one before the birthday.
 */
export function ageInYears(db: Knex, birth: string, on: string): Knex.Raw {
  return isPostgres(db)
    ? db.raw(`(CAST(EXTRACT(YEAR FROM ??) AS INTEGER) - CAST(EXTRACT(YEAR FROM ??) AS INTEGER)
        - CASE WHEN to_char(??, 'MM-DD') < to_char(??, 'MM-DD') THEN 1 ELSE 0 END)`, [on, birth, on, birth])
    : db.raw(`(CAST(substr(??, 1, 4) AS INTEGER) - CAST(substr(??, 1, 4) AS INTEGER)
        - (substr(??, 6, 5) < substr(??, 6, 5)))`, [on, birth, on, birth]);
}

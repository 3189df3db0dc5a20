import type { Knex } from 'knex';
import { daysBetween, isTrue } from '../db/dialect';
import { Condition } from './conditions';
import { IndicatorDefinition } from './definitions';

/**
 * SQL for conditions, left to SQL's three-valued logic: TRUE, FALSE, or NULL (unknown) where a needed variable
 * is unregistered. AND/OR/NOT on NULL follow Kleene's rules on both engines, so a FALSE part (a registered
 * value that excludes) wins over an unknown one — the "excluded is never missing" precedence for free.
 */
export function conditionSql(db: Knex, condition: Condition): Knex.Raw {
  switch (condition.kind) {
    case 'registered':
      return db.raw('(?? IS NOT NULL)', [condition.column]);
    case 'flag':
      return db.raw('(?)', [isTrue(db, condition.column)]);
    case 'oneOf':
      return db.raw(`(?? IN (${condition.values.map(() => '?').join(', ')}))`, [condition.column, ...condition.values]);
    case 'scaledAtLeast':
      return db.raw('(? * ?? >= ? * ??)', [condition.leftFactor, condition.left, condition.rightFactor, condition.right]);
    case 'daysAtMost':
      return db.raw('(? <= ?)', [daysBetween(db, condition.from, condition.to), condition.days]);
    case 'not':
      return db.raw('(NOT ?)', [conditionSql(db, condition.condition)]);
    case 'all':
    case 'any': {
      const joiner = condition.kind === 'all' ? ' AND ' : ' OR ';
      return db.raw(`(${condition.conditions.map(() => '?').join(joiner)})`, condition.conditions.map((c) => conditionSql(db, c)));
    }
  }
}

/** How a course stands in an indicator, as the integer the SQL below yields. */
export const COURSE_STATE = { excluded: 0, notMet: 1, met: 2, missing: 3 } as const;

/**
 * The course's state in one indicator, each condition evaluated once per row (a simple CASE evaluates its
 * operand once): population false → excluded, whatever else is unregistered; population unknown → missing;
 * population true → numerator true met, false not met, unknown missing.
 */
export function courseStateSql(db: Knex, definition: IndicatorDefinition): Knex.Raw {
  const { excluded, notMet, met, missing } = COURSE_STATE;
  if (notMet !== 1 || met !== 2) throw new Error('COURSE_STATE: not met and met must be numerator + 1');
  return db.raw(`(CASE CAST(? AS INTEGER) WHEN 1 THEN COALESCE(CAST(? AS INTEGER) + 1, ${missing}) WHEN 0 THEN ${excluded} ELSE ${missing} END)`, [
    conditionSql(db, definition.population), conditionSql(db, definition.numerator),
  ]);
}

/** The number of rows whose state column is one of the states. */
export function countStates(db: Knex, stateColumn: string, states: readonly number[], alias: string): Knex.Raw {
  return db.raw(`SUM(CASE WHEN ?? IN (${states.map((s) => Math.trunc(s)).join(', ')}) THEN 1 ELSE 0 END) AS ??`, [stateColumn, alias]);
}

/** Courses that count anywhere: not annulled. */
export function notAnnulled(db: Knex): Knex.Raw {
  return db.raw('NOT (?)', [isTrue(db, 'annulled')]);
}

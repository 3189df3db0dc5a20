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

/** How a course stands in an indicator: the three predicates that make numerator, denominator and missing. */
export interface Classification {
  /** in the denominator and meets the numerator */
  met: Knex.Raw;
  /** in the denominator (population, numerator decidable) */
  counted: Knex.Raw;
  /** population unknown, or population true with the numerator unknown; never when a registered value excludes */
  missing: Knex.Raw;
}

export function classificationSql(db: Knex, definition: IndicatorDefinition): Classification {
  const population = conditionSql(db, definition.population);
  const numerator = conditionSql(db, definition.numerator);
  return {
    met: db.raw('(? AND ?)', [population, numerator]),
    counted: db.raw('(? AND ? IS NOT NULL)', [population, numerator]),
    missing: db.raw('(? IS NULL OR (? AND ? IS NULL))', [population, population, numerator]),
  };
}

/** SUM(CASE WHEN predicate THEN 1 ELSE 0 END): NULL (unknown) predicates count as 0 on both engines. */
export function countWhere(db: Knex, predicate: Knex.Raw, alias: string): Knex.Raw {
  return db.raw('SUM(CASE WHEN ? THEN 1 ELSE 0 END) AS ??', [predicate, alias]);
}

/** Courses that count anywhere: not annulled. */
export function notAnnulled(db: Knex): Knex.Raw {
  return db.raw('NOT (?)', [isTrue(db, 'annulled')]);
}

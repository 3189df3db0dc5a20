import type { Knex } from 'knex';
import { booleanAsInteger, daysBetween, isTrue } from '../db/dialect';
import { atomsOf, Condition } from './conditions';
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
    case 'compare':
      return db.raw(`(?? ${condition.op === '<' ? '<' : '>='} ?)`, [condition.column, condition.value]);
    case 'scaledAtLeast':
      return db.raw('(? * ?? >= ? * ??)', [condition.leftFactor, condition.left, condition.rightFactor, condition.right]);
    case 'daysAtMost':
      return db.raw('(? <= ?)', [daysBetween(db, condition.from, condition.to), condition.days]);
    case 'not':
      return db.raw('(NOT ?)', [conditionSql(db, condition.condition)]);
    case 'all':
    case 'any': {
      if (condition.conditions.length === 0) return db.raw(condition.kind === 'all' ? '(1 = 1)' : '(1 = 0)');
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

/**
 * The counts of one indicator packed into one integer per course, so one SUM per indicator and group yields all
 * three and each condition is evaluated once per row without materialising the states (bench/indicators.ts):
 * not met → 1, met → 1 + F, missing → F², excluded → 0; the sum is denominator + numerator·F + missing·F².
 * unpackCounts reads it back exactly while a group holds fewer than F courses (compute.ts checks each group).
 */
export const PACK_FACTOR = 2 ** 20;

export function packedCountsSql(db: Knex, definition: IndicatorDefinition): Knex.Raw {
  const { sql, bindings } = packedCountsFlat(db, definition);
  return db.raw(sql, bindings);
}

/** SQL text with `?` placeholders and its flat bindings: a compiled expression to splice into another. */
export interface FlatSql { sql: string; bindings: readonly Knex.Value[] }

const compiledPacked = new WeakMap<IndicatorDefinition, Map<string, FlatSql>>();

/**
 * packedCountsSql compiled once per engine and definition, as text to splice into a grouped query: knex re-walks a
 * nested raw on every compile, which cost the 36 branches of the early warnings much of their JS time.
 */
export function packedCountsFlat(db: Knex, definition: IndicatorDefinition): FlatSql {
  const engine = String(db.client.config.client);
  let byEngine = compiledPacked.get(definition);
  if (!byEngine) compiledPacked.set(definition, (byEngine = new Map()));
  let flat = byEngine.get(engine);
  if (!flat) byEngine.set(engine, (flat = flatten(packedCountsRaw(db, definition))));
  return flat;
}

/**
 * A raw compiled to text with `?` placeholders (knex's toSQL; identifiers quoted; PostgreSQL's $n come only from
 * toNative), spliced into a statement that knex numbers again. The conditions' values are all bindings, so the
 * text holds no `?` of its own.
 */
function flatten(raw: Knex.Raw): FlatSql {
  const { sql, bindings } = raw.toSQL();
  if (sql.includes('??') || /\$\d/.test(sql) || (sql.match(/\?/g) ?? []).length !== bindings.length) {
    throw new Error(`flatten: placeholders and bindings differ in ${sql}`);
  }
  return { sql, bindings: bindings as Knex.Value[] };
}

/**
 * Searched CASEs on the conditions themselves (no casts, no arithmetic), the population's left out when the period
 * date alone decides it (HK02, HK11). A condition is evaluated twice when it is not true (its NOT is tried next);
 * that still costs less per row than a simple CASE on an integer, except for a day count (julianday parses both
 * dates), so a numerator with one is evaluated once as an integer (bench/outcomes.ts, SQLite; the same on PostgreSQL).
 */
function packedCountsRaw(db: Knex, definition: IndicatorDefinition): Knex.Raw {
  const f = PACK_FACTOR;
  const population = withoutPeriodDate(definition.population, definition.periodColumn);
  const numerator = withoutPeriodDate(definition.numerator, definition.periodColumn);
  const n = conditionSql(db, numerator);
  const state = atomsOf(numerator).some((a) => a.kind === 'daysAtMost')
    ? db.raw(`COALESCE(? * ${f} + 1, ${f * f})`, [booleanAsInteger(db, n)])
    : db.raw(`(CASE WHEN ? THEN ${f + 1} WHEN NOT ? THEN 1 ELSE ${f * f} END)`, [n, n]);
  if (population.kind === 'all' && population.conditions.length === 0) return state;
  const p = conditionSql(db, population);
  return db.raw(`(CASE WHEN ? THEN ? WHEN NOT ? THEN 0 ELSE ${f * f} END)`, [p, state, p]);
}

/** denominator + numerator·F + missing·F² (exact, as a decimal string or bigint) → the three counts. */
export function unpackCounts(packed: unknown): { numerator: number; denominator: number; missing: number } {
  const text = String(packed ?? 0);
  // below 2^53 a Number holds the sum exactly, and Math.floor of an exact quotient by a power of two is exact
  if (text.length <= 15) {
    const sum = Number(text);
    const f = PACK_FACTOR;
    return { denominator: sum % f, numerator: Math.floor(sum / f) % f, missing: Math.floor(sum / (f * f)) };
  }
  const f = BigInt(PACK_FACTOR);
  const sum = BigInt(text);
  return { denominator: Number(sum % f), numerator: Number((sum / f) % f), missing: Number(sum / (f * f)) };
}

/**
 * A condition with `registered(periodColumn)` taken as true: the counts read only courses whose period date
 * lies in a period, so the test is decided by the WHERE clause and costs nothing per row.
 */
export function withoutPeriodDate(condition: Condition, periodColumn: string): Condition {
  if (condition.kind === 'registered' && condition.column === periodColumn) return { kind: 'all', conditions: [] };
  if (condition.kind === 'not') return { kind: 'not', condition: withoutPeriodDate(condition.condition, periodColumn) };
  if (condition.kind === 'all' || condition.kind === 'any') {
    const kept = condition.conditions.map((c) => withoutPeriodDate(c, periodColumn))
      .filter((c) => !(condition.kind === 'all' && c.kind === 'all' && c.conditions.length === 0));
    return { kind: condition.kind, conditions: kept };
  }
  return condition;
}

/** Courses that count anywhere: not annulled. */
export function notAnnulled(db: Knex): Knex.Raw {
  return db.raw('NOT (?)', [isTrue(db, 'annulled')]);
}

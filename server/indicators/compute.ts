import type { Knex } from 'knex';
import { dbNumber } from '../db/codecs';
import { isPostgres } from '../db/connect';
import { IndicatorDefinition, IndicatorId, INDICATORS, PeriodColumn } from './definitions';
import { Period } from './periods';
import { FlatSql, notAnnulled, PACK_FACTOR, packedCountsFlat, unpackCounts } from './sql';
import { geography } from '../geography';

export interface Counts { numerator: number; denominator: number; missing: number }
/** counts[indicatorId][periodCode][municipalityCode]; absent means no courses (all zero) */
export type CountsTable = Map<IndicatorId, Map<string, Map<string, Counts>>>;

export const ZERO_COUNTS: Readonly<Counts> = Object.freeze({ numerator: 0, denominator: 0, missing: 0 });

/**
 * One request's counts tables by query: the same grouped query asked twice in a request (the comparison and the
 * funnel of one indicator, say) runs once. Make one per request; never share it between requests.
 */
export type CountsMemo = Map<string, Promise<CountsTable>>;

/**
 * Numerator, denominator and missing per indicator × period × municipality, aggregated by the database (one
 * grouped query per period-date column). With `memo`, an identical earlier query of the request is reused.
 */
export function countByMunicipality(
  db: Knex,
  opts: CountOptions & { memo?: CountsMemo },
): Promise<CountsTable> {
  if (!opts.memo) return countTable(db, opts);
  const key = [
    opts.periods.map((p) => p.code).join(','), opts.indicatorIds?.join(',') ?? '*', opts.municipalityCodes?.join(',') ?? '*',
    opts.narrow ? `${opts.narrow.periodCodes.join(',')}:${opts.narrow.indicatorIds.join(',')}` : '',
  ].join('|');
  let table = opts.memo.get(key);
  if (!table) {
    table = countTable(db, opts);
    opts.memo.set(key, table);
  }
  return table;
}

/**
 * What to count: periods that do not overlap (a course counts in the one holding its period date), the
 * indicators (all when absent), the municipalities (all when absent). `narrow`: periods not in `periodCodes`
 * count only `indicatorIds` (a trend's other quarters need only the trend's indicator); the others are absent there.
 */
export interface CountOptions {
  periods: Period[];
  indicatorIds?: readonly IndicatorId[];
  municipalityCodes?: readonly string[];
  narrow?: { periodCodes: readonly string[]; indicatorIds: readonly IndicatorId[] };
}

async function countTable(db: Knex, opts: CountOptions): Promise<CountsTable> {
  const table: CountsTable = new Map();
  await eachGroup(db, opts, (id, period, municipality, counts) => {
    if (!table.has(id)) table.set(id, new Map(opts.periods.map((p) => [p.code, new Map()])));
    table.get(id)!.get(period)!.set(municipality, counts);
  });
  return table;
}

/**
 * How countStrata splits the counts (strata.ts), reading only `courses` so the covering indexes serve it: the
 * strata counted and the course's stratum as a SQL expression (NULL or another value: in no stratum).
 */
export interface StratumSplit {
  strata: readonly string[];
  expression: (db: Knex) => Knex.Raw;
}
/** counts[indicatorId][periodCode][municipalityCode][stratum] */
export type StrataCountsTable = Map<IndicatorId, Map<string, Map<string, Map<string, Counts>>>>;

/** The counts of countByMunicipality split further into the strata of one stratum type, as grouped queries. */
export async function countStrata(
  db: Knex,
  opts: { periods: Period[]; indicatorIds?: readonly IndicatorId[]; municipalityCodes?: readonly string[]; split: StratumSplit },
): Promise<StrataCountsTable> {
  const table: StrataCountsTable = new Map();
  await eachGroup(db, opts, (id, period, municipality, counts, stratum) => {
    if (!table.has(id)) table.set(id, new Map(opts.periods.map((p) => [p.code, new Map()])));
    const byPeriod = table.get(id)!.get(period)!;
    if (!byPeriod.has(municipality)) byPeriod.set(municipality, new Map());
    byPeriod.get(municipality)!.set(stratum!, counts);
  });
  return table;
}

type GroupSink = (id: IndicatorId, period: string, municipality: string, counts: Counts, stratum?: string) => void;

async function eachGroup(db: Knex, opts: CountOptions & { split?: StratumSplit }, sink: GroupSink): Promise<void> {
  const definitions = INDICATORS.filter((d) => !opts.indicatorIds || opts.indicatorIds.includes(d.id));
  const byColumn = new Map<PeriodColumn, IndicatorDefinition[]>();
  for (const d of definitions) byColumn.set(d.periodColumn, [...(byColumn.get(d.periodColumn) ?? []), d]);

  // Every course lies in one of the municipalities (foreign key); naming them all lets both engines walk the
  // covering index (municipality_code, period date, …) municipality by municipality, already in group order.
  const municipalityCodes = opts.municipalityCodes ?? (await geography(db)).country.municipalityCodes;
  for (const [column, group] of byColumn) {
    const { periods, rows } = await countsOf(db, column, group, opts, municipalityCodes);
    for (const row of rows) {
      if (row.period_index === null) continue; // between periods that are not contiguous
      if (opts.split && (row.stratum === null || !opts.split.strata.includes(String(row.stratum)))) continue;
      if (dbNumber(row.courses) >= PACK_FACTOR) throw new RangeError(`More than ${PACK_FACTOR - 1} courses in one municipality and period`);
      const period = periods[dbNumber(row.period_index)];
      const stratum = opts.split ? String(row.stratum) : undefined;
      for (const d of group) if (row[d.id] !== null) sink(d.id, period.code, String(row.municipality_code), unpackCounts(row[d.id]), stratum);
    }
  }
}

/**
 * The grouped rows of one period-date group and the periods their `period_index` points into. Strata: one
 * query per stratum type (strataCounts). Otherwise PostgreSQL hashes period buckets (twice as fast as branches
 * there) and SQLite, which would sort a computed bucket, reads one UNION ALL branch per period (periodBranches).
 */
async function countsOf(
  db: Knex, column: PeriodColumn, group: IndicatorDefinition[], opts: CountOptions & { split?: StratumSplit },
  municipalityCodes: readonly string[],
): Promise<{ periods: Period[]; rows: Record<string, unknown>[] }> {
  if (opts.split) return { periods: opts.periods, rows: await strataCounts(db, column, group, opts.periods, municipalityCodes, opts.split) };
  if (!isPostgres(db)) return { periods: opts.periods, rows: await periodBranches(db, column, group, opts, municipalityCodes) };
  const narrow = opts.narrow;
  // A group without a narrowed-to indicator needs only the kept periods.
  const periods = narrow && !group.some((d) => narrow.indicatorIds.includes(d.id))
    ? opts.periods.filter((p) => narrow.periodCodes.includes(p.code)) : opts.periods;
  if (periods.length === 0) return { periods, rows: [] };
  const query = countsQuery(db, column, group, periods, municipalityCodes, (d) => narrowed(db, column, d, periods, narrow))
    .select(periodIndexColumn(db, column, periods));
  if (periods.length > 1) query.groupBy('period_index');
  return { periods, rows: await query };
}

/**
 * SQLite reads one UNION ALL branch per (period, stratum) up to this many branches, and one pass grouped by
 * municipality, period and stratum above it (bench/outcomes.ts, 200 000 courses): a branch re-reads the period's
 * index range, so two strata (sex) are cheapest as branches, but four (age group) or more (diagnosis group) cost more
 * than the one pass's sort (a temp B-tree of the rows' keys and packed values).
 */
const MAX_BRANCHES = 2;

/**
 * The grouped counts of the indicators sharing a period date split by one stratum type: per municipality, period
 * and stratum one packed SUM per indicator, each condition evaluated once per row, reading the stratum from a
 * column the database keeps on the course (strata.ts). PostgreSQL hashes the groups: one pass with a period and a
 * stratum bucket column. SQLite groups by sorting unless the rows arrive in group order: up to MAX_BRANCHES, one
 * branch per (period, stratum), joined by UNION ALL in one query, each grouped only by municipality and read in the
 * covering index's (municipality_code, period date) order, so none sorts; above it the same one pass as PostgreSQL.
 */
async function strataCounts(
  db: Knex, column: PeriodColumn, group: IndicatorDefinition[], periods: Period[], municipalityCodes: readonly string[], split: StratumSplit,
): Promise<Record<string, unknown>[]> {
  if (!isPostgres(db) && periods.length * split.strata.length <= MAX_BRANCHES) {
    const branches = periods.flatMap((p, i) => split.strata.map((stratum) => countsQuery(db, column, group, [p], municipalityCodes)
      .select(db.raw('? AS period_index', [i]), db.raw('? AS stratum', [stratum]))
      .andWhere(db.raw('? = ?', [split.expression(db), stratum]))));
    return unionAll(db, branches);
  }
  const query = countsQuery(db, column, group, periods, municipalityCodes).select(periodIndexColumn(db, column, periods));
  if (periods.length > 1) query.groupBy('period_index');
  return query.select(db.raw('? AS stratum', [split.expression(db)])).groupBy('stratum');
}

/** The period bucket of a row: the index in `periods` of the period holding its period date (NULL between them). */
function periodIndexColumn(db: Knex, column: PeriodColumn, periods: Period[]): Knex.Raw {
  return periods.length === 1 ? db.raw('0 AS period_index') : db.raw(
    `CASE ${periods.map(() => 'WHEN ?? BETWEEN ? AND ? THEN ?').join(' ')} END AS period_index`,
    periods.flatMap((p, i) => [column, p.first, p.last, i]),
  );
}

/** The grouped count per municipality of the courses (not annulled) whose period date lies in the periods' span. */
function countsQuery(
  db: Knex, column: PeriodColumn, group: IndicatorDefinition[], periods: Period[], municipalityCodes: readonly string[],
  value: (d: IndicatorDefinition) => FlatSql = (d) => packedCountsFlat(db, d),
): Knex.QueryBuilder {
  const values = group.map(value);
  return db('courses')
    .select('courses.municipality_code', db.raw('COUNT(*) AS courses'))
    .select(db.raw(values.map((v) => `CAST(SUM(${v.sql}) AS TEXT) AS ??`).join(', '), values.flatMap((v, i) => [...v.bindings, group[i].id])))
    .whereIn('courses.municipality_code', municipalityCodes)
    .andWhere(notAnnulled(db))
    .whereBetween(`courses.${column}`, [periods.map((p) => p.first).sort()[0], periods.map((p) => p.last).sort().at(-1)!])
    .groupBy('courses.municipality_code');
}

/** An indicator's packed value, or (outside `narrow`'s indicators) only on rows of its periods, else NULL. */
function narrowed(db: Knex, column: PeriodColumn, d: IndicatorDefinition, periods: Period[], narrow?: CountOptions['narrow']): FlatSql {
  const packed = packedCountsFlat(db, d);
  if (!narrow || narrow.indicatorIds.includes(d.id)) return packed;
  const kept = periods.filter((p) => narrow.periodCodes.includes(p.code));
  if (kept.length === 0) return NULL_SQL;
  return {
    sql: `(CASE WHEN ${kept.map(() => '?? BETWEEN ? AND ?').join(' OR ')} THEN ${packed.sql} END)`,
    bindings: [...kept.flatMap((p) => [column, p.first, p.last]), ...packed.bindings],
  };
}

const NULL_SQL: FlatSql = { sql: 'NULL', bindings: [] };
const NULL_INTEGER_SQL: FlatSql = { sql: 'CAST(NULL AS INTEGER)', bindings: [] };

/**
 * The counts of several periods as ONE statement of UNION ALL branches, one per period, each grouped by
 * municipality only (SQLite): it then streams each branch along the covering index (municipality_code, period
 * date, …) in group order, where a computed period bucket in the GROUP BY made them sort every row (SQLite's
 * "TEMP B-TREE FOR GROUP BY"). A branch counts the indicators `narrow` leaves it (the others are NULL there).
 */
async function periodBranches(
  db: Knex, column: PeriodColumn, group: IndicatorDefinition[], opts: CountOptions, municipalityCodes: readonly string[],
): Promise<Record<string, unknown>[]> {
  const branches = opts.periods.map((p, i) => {
    const wanted = opts.narrow && !opts.narrow.periodCodes.includes(p.code) ? opts.narrow.indicatorIds : undefined;
    const counted = group.filter((d) => !wanted || wanted.includes(d.id));
    if (counted.length === 0) return null;
    return countsQuery(db, column, group, [p], municipalityCodes,
      (d) => (counted.includes(d) ? packedCountsFlat(db, d) : NULL_INTEGER_SQL))
      .select(db.raw(`${Number(i)} AS period_index`));
  }).filter((b) => b !== null);
  return unionAll(db, branches);
}

/**
 * Grouped branches as one statement joined by hand: knex's unionAll would move the first branch's GROUP BY behind
 * the union, and SQLite refuses parenthesised branches.
 */
async function unionAll(db: Knex, branches: Knex.QueryBuilder[]): Promise<Record<string, unknown>[]> {
  if (branches.length === 0) return [];
  if (branches.length === 1) return await branches[0];
  const compiled = branches.map((q) => q.toSQL());
  const result = await db.raw(compiled.map((c) => c.sql).join(' UNION ALL '), compiled.flatMap((c) => c.bindings as Knex.Value[]));
  return Array.isArray(result) ? result : result.rows;
}

/** Sum of counts over municipalities (pooling; never an average of values). */
export function poolCounts(byMunicipality: Map<string, Counts> | undefined, municipalityCodes?: readonly string[]): Counts {
  const total = { ...ZERO_COUNTS };
  if (!byMunicipality) return total;
  const codes = municipalityCodes ?? [...byMunicipality.keys()];
  for (const code of codes) {
    const c = byMunicipality.get(code);
    if (!c) continue;
    total.numerator += c.numerator;
    total.denominator += c.denominator;
    total.missing += c.missing;
  }
  return total;
}

import type { Knex } from 'knex';
import { dbNumber } from '../db/codecs';
import { isPostgres } from '../db/connect';
import { IndicatorDefinition, IndicatorId, INDICATORS, PeriodColumn } from './definitions';
import { Period } from './periods';
import { notAnnulled, PACK_FACTOR, packedCountsSql, unpackCounts } from './sql';
import { listUnits } from './units';

export interface Counts { numerator: number; denominator: number; missing: number }
/** counts[indicatorId][periodCode][municipalityCode]; absent means no courses (all zero) */
export type CountsTable = Map<IndicatorId, Map<string, Map<string, Counts>>>;

export const ZERO_COUNTS: Readonly<Counts> = Object.freeze({ numerator: 0, denominator: 0, missing: 0 });

/** Numerator, denominator and missing per indicator × period × municipality, aggregated by the database. */
export async function countByMunicipality(
  db: Knex,
  opts: { periods: Period[]; indicatorIds?: readonly IndicatorId[]; municipalityCodes?: readonly string[] },
): Promise<CountsTable> {
  const table: CountsTable = new Map();
  await eachGroup(db, opts, (id, period, municipality, counts) => {
    if (!table.has(id)) table.set(id, new Map(opts.periods.map((p) => [p.code, new Map()])));
    table.get(id)!.get(period)!.set(municipality, counts);
  });
  return table;
}

/**
 * How countStrata splits the counts (strata.ts), reading only `courses` so the covering indexes serve it: the
 * strata counted, the course's stratum as a SQL expression (NULL or another value: in no stratum), and the same
 * as a condition per stratum (`expression = stratum` unless a cheaper test is given).
 */
export interface StratumSplit {
  strata: readonly string[];
  expression: (db: Knex) => Knex.Raw;
  condition?: (db: Knex, stratum: string) => Knex.Raw;
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

async function eachGroup(
  db: Knex,
  opts: { periods: Period[]; indicatorIds?: readonly IndicatorId[]; municipalityCodes?: readonly string[]; split?: StratumSplit },
  sink: GroupSink,
): Promise<void> {
  const definitions = INDICATORS.filter((d) => !opts.indicatorIds || opts.indicatorIds.includes(d.id));
  const byColumn = new Map<PeriodColumn, IndicatorDefinition[]>();
  for (const d of definitions) byColumn.set(d.periodColumn, [...(byColumn.get(d.periodColumn) ?? []), d]);

  // Every course lies in one of the municipalities (foreign key); naming them all lets both engines walk the
  // covering index (municipality_code, period date, …) municipality by municipality, already in group order.
  const municipalityCodes = opts.municipalityCodes ?? (await listUnits(db, 'municipality')).map((u) => u.code);
  for (const [column, group] of byColumn) {
    const rows = await groupedCounts(db, column, group, opts.periods, municipalityCodes, opts.split);
    for (const row of rows) {
      if (row.period_index === null) continue; // between periods that are not contiguous
      if (opts.split && (row.stratum === null || !opts.split.strata.includes(String(row.stratum)))) continue;
      if (dbNumber(row.courses) >= PACK_FACTOR) throw new RangeError(`More than ${PACK_FACTOR - 1} courses in one municipality and period`);
      const period = opts.periods[dbNumber(row.period_index)];
      const stratum = opts.split ? String(row.stratum) : undefined;
      for (const d of group) sink(d.id, period.code, String(row.municipality_code), unpackCounts(row[d.id]), stratum);
    }
  }
}

/** SQLite's limit on the branches of one compound SELECT is 500; beyond this many, one pass with bucket columns. */
const MAX_BRANCHES = 100;

/**
 * The grouped counts of the indicators sharing a period date: per municipality (and period and stratum, when
 * several) one packed SUM per indicator, each condition evaluated once per row. PostgreSQL hashes the groups, so
 * one pass with a period and a stratum bucket column. SQLite groups by sorting unless the rows arrive in group
 * order, and that sort (a temp B-tree of every row read) cost more than the counting itself (bench/outcomes.ts):
 * there one branch per (period, stratum), joined by UNION ALL in one query, each grouped only by municipality and
 * read in the covering index's (municipality_code, period date) order, so none sorts.
 */
function groupedCounts(
  db: Knex, column: PeriodColumn, group: IndicatorDefinition[], periods: Period[], municipalityCodes: readonly string[], split?: StratumSplit,
): Promise<Record<string, unknown>[]> {
  const strata: (string | null)[] = split ? [...split.strata] : [null];
  if (!isPostgres(db) && periods.length * strata.length <= MAX_BRANCHES) {
    const branches = periods.flatMap((p, i) => strata.map((stratum) => {
      const branch = countsQuery(db, column, group, [p], municipalityCodes).select(db.raw('? AS period_index', [i]));
      if (split && stratum !== null) {
        branch.select(db.raw('? AS stratum', [stratum])).andWhere(split.condition?.(db, stratum) ?? db.raw('? = ?', [split.expression(db), stratum]));
      }
      return branch;
    }));
    if (branches.length === 1) return branches[0];
    // knex would put the first branch's GROUP BY after the UNION ALL: the branches are joined as compiled SQL
    const compiled = branches.map((b) => b.toSQL());
    return db.raw(compiled.map((c) => c.sql).join(' UNION ALL '), compiled.flatMap((c) => [...c.bindings])).then((rows) => rows as Record<string, unknown>[]);
  }
  const periodIndex = periods.length === 1 ? db.raw('0 AS period_index') : db.raw(
    `CASE ${periods.map(() => 'WHEN ?? BETWEEN ? AND ? THEN ?').join(' ')} END AS period_index`,
    periods.flatMap((p, i) => [column, p.first, p.last, i]),
  );
  const query = countsQuery(db, column, group, periods, municipalityCodes).select(periodIndex);
  if (periods.length > 1) query.groupBy('period_index');
  if (split) query.select(db.raw('? AS stratum', [split.expression(db)])).groupBy('stratum');
  return query;
}

/** The grouped count per municipality of the courses (not annulled) whose period date lies in the periods' span. */
function countsQuery(
  db: Knex, column: PeriodColumn, group: IndicatorDefinition[], periods: Period[], municipalityCodes: readonly string[],
): Knex.QueryBuilder {
  return db('courses')
    .select('courses.municipality_code', db.raw('COUNT(*) AS courses'))
    .select(group.map((d) => db.raw('CAST(SUM(?) AS TEXT) AS ??', [packedCountsSql(db, d), d.id])))
    .whereIn('courses.municipality_code', municipalityCodes)
    .andWhere(notAnnulled(db))
    .whereBetween(`courses.${column}`, [periods.map((p) => p.first).sort()[0], periods.map((p) => p.last).sort().at(-1)!])
    .groupBy('courses.municipality_code');
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

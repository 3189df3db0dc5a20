import type { Knex } from 'knex';
import { dbNumber } from '../db/codecs';
import { ageInYears } from '../db/dialect';
import { IndicatorDefinition, IndicatorId, INDICATORS, PeriodColumn } from './definitions';
import { Period } from './periods';
import { notAnnulled, PACK_FACTOR, packedCountsSql, unpackCounts } from './sql';
import { isPostgres } from '../db/connect';
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
  await eachGroup(db, { ...opts, strata: false }, (id, period, municipality, counts) => {
    if (!table.has(id)) table.set(id, new Map(opts.periods.map((p) => [p.code, new Map()])));
    table.get(id)!.get(period)!.set(municipality, counts);
  });
  return table;
}

/** The strata of one course: sex, age group on referral_date and diagnosis group, as "F|60-69|ihd". */
export type StratumKey = string;
/** counts[indicatorId][periodCode][municipalityCode][stratumKey] */
export type StrataCountsTable = Map<IndicatorId, Map<string, Map<string, Map<StratumKey, Counts>>>>;

/**
 * The counts of countByMunicipality split further by the course's sex, age group and diagnosis group, in the
 * same one grouped query per period-date column (every combination is a group; the stratum types are sums of
 * them). A course whose patient has no known sex or birth date lies in no sex or age stratum.
 */
export async function countStrata(
  db: Knex,
  opts: { periods: Period[]; indicatorIds?: readonly IndicatorId[]; municipalityCodes?: readonly string[] },
): Promise<StrataCountsTable> {
  const table: StrataCountsTable = new Map();
  await eachGroup(db, { ...opts, strata: true }, (id, period, municipality, counts, key) => {
    if (!table.has(id)) table.set(id, new Map(opts.periods.map((p) => [p.code, new Map()])));
    const byPeriod = table.get(id)!.get(period)!;
    if (!byPeriod.has(municipality)) byPeriod.set(municipality, new Map());
    byPeriod.get(municipality)!.set(key!, counts);
  });
  return table;
}

type GroupSink = (id: IndicatorId, period: string, municipality: string, counts: Counts, stratum?: StratumKey) => void;

async function eachGroup(
  db: Knex,
  opts: CountOptions & { strata: boolean },
  sink: GroupSink,
): Promise<void> {
  const definitions = INDICATORS.filter((d) => !opts.indicatorIds || opts.indicatorIds.includes(d.id));
  const byColumn = new Map<PeriodColumn, IndicatorDefinition[]>();
  for (const d of definitions) byColumn.set(d.periodColumn, [...(byColumn.get(d.periodColumn) ?? []), d]);

  // Every course lies in one of the municipalities (foreign key); naming them all lets both engines walk the
  // covering index (municipality_code, period date, …) municipality by municipality, already in group order.
  const municipalityCodes = opts.municipalityCodes ?? (await geography(db)).country.municipalityCodes;
  for (const [column, group] of byColumn) {
    // PostgreSQL hashes the period buckets (twice as fast as branches there); SQLite would sort, so it branches.
    const bucketed = opts.strata || isPostgres(db);
    // A group without a narrowed-to indicator needs only the kept periods (a branch per period skips the others).
    const periods = bucketed && opts.narrow && !group.some((d) => opts.narrow!.indicatorIds.includes(d.id))
      ? opts.periods.filter((p) => opts.narrow!.periodCodes.includes(p.code)) : opts.periods;
    if (periods.length === 0) continue;
    const rows = bucketed
      ? await groupedCounts(db, column, group, periods, municipalityCodes, opts.strata, opts.narrow)
      : await periodBranches(db, column, group, opts, municipalityCodes);
    for (const row of rows) {
      if (row.period_index === null) continue; // between periods that are not contiguous
      if (dbNumber(row.courses) >= PACK_FACTOR) throw new RangeError(`More than ${PACK_FACTOR - 1} courses in one municipality and period`);
      const period = periods[dbNumber(row.period_index)];
      const stratum = opts.strata ? `${row.s_sex ?? ''}|${row.s_age ?? ''}|${row.s_diagnosis ?? ''}` : undefined;
      for (const d of group) if (row[d.id] !== null) sink(d.id, period.code, String(row.municipality_code), unpackCounts(row[d.id]), stratum);
    }
  }
}

/** indicators.md's age groups, whole years on referral_date. */
export const AGE_GROUPS = ['<60', '60-69', '70-79', '80+'] as const;

function strataColumns(db: Knex): Knex.Raw[] {
  const age = ageInYears(db, 'patients.birth_date', 'courses.referral_date');
  return [
    db.raw('patients.sex AS s_sex'),
    db.raw(`CASE WHEN patients.birth_date IS NULL THEN NULL WHEN ? < 60 THEN '<60' WHEN ? < 70 THEN '60-69' WHEN ? < 80 THEN '70-79' ELSE '80+' END AS s_age`, [age, age, age]),
    db.raw('courses.diagnosis_group AS s_diagnosis'),
  ];
}

/**
 * One grouped query for the indicators sharing a period date: per municipality (and period, for several) one
 * packed SUM per indicator, each condition evaluated once per row; the periods are a bucket column, so a trend
 * of eight quarters costs no more queries than one year.
 */
function groupedCounts(
  db: Knex, column: PeriodColumn, group: IndicatorDefinition[], periods: Period[], municipalityCodes: readonly string[], strata: boolean,
  narrow?: CountOptions['narrow'],
): Promise<Record<string, unknown>[]> {
  const periodIndex = periods.length === 1 ? db.raw('0 AS period_index') : db.raw(
    `CASE ${periods.map(() => 'WHEN ?? BETWEEN ? AND ? THEN ?').join(' ')} END AS period_index`,
    periods.flatMap((p, i) => [column, p.first, p.last, i]),
  );
  const query = db('courses')
    .select('courses.municipality_code', periodIndex, db.raw('COUNT(*) AS courses'))
    .select(group.map((d) => db.raw('CAST(SUM(?) AS TEXT) AS ??', [narrowed(db, column, d, periods, narrow), d.id])))
    .whereIn('courses.municipality_code', municipalityCodes)
    .andWhere(notAnnulled(db))
    .whereBetween(`courses.${column}`, [periods.map((p) => p.first).sort()[0], periods.map((p) => p.last).sort().at(-1)!])
    .groupBy('courses.municipality_code');
  if (periods.length > 1) query.groupBy('period_index');
  if (strata) query.join('patients', 'patients.id', 'courses.patient_id').select(strataColumns(db)).groupBy('s_sex', 's_age', 's_diagnosis');
  return query;
}

/** An indicator's packed value, or (outside `narrow`'s indicators) only on rows of its periods, else NULL. */
function narrowed(db: Knex, column: PeriodColumn, d: IndicatorDefinition, periods: Period[], narrow?: CountOptions['narrow']): Knex.Raw {
  if (!narrow || narrow.indicatorIds.includes(d.id)) return packedCountsSql(db, d);
  const kept = periods.filter((p) => narrow.periodCodes.includes(p.code));
  if (kept.length === 0) return db.raw('NULL');
  return db.raw(`(CASE WHEN ${kept.map(() => '?? BETWEEN ? AND ?').join(' OR ')} THEN ? END)`,
    [...kept.flatMap((p) => [column, p.first, p.last]), packedCountsSql(db, d)]);
}

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
    return db('courses')
      .select('courses.municipality_code', db.raw(`${Number(i)} AS period_index`), db.raw('COUNT(*) AS courses'))
      .select(group.map((d) => (counted.includes(d)
        ? db.raw('CAST(SUM(?) AS TEXT) AS ??', [packedCountsSql(db, d), d.id])
        : db.raw('CAST(NULL AS TEXT) AS ??', [d.id]))))
      .whereIn('courses.municipality_code', municipalityCodes)
      .andWhere(notAnnulled(db))
      .whereBetween(`courses.${column}`, [p.first, p.last])
      .groupBy('courses.municipality_code');
  }).filter((b) => b !== null);
  if (branches.length === 0) return [];
  if (branches.length === 1) return await branches[0];
  // Bare branches joined by hand: knex's unionAll would move the first branch's GROUP BY behind the union,
  // and SQLite refuses parenthesised branches.
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

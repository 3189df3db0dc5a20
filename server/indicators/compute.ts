import type { Knex } from 'knex';
import { dbNumber } from '../db/codecs';
import { ageInYears } from '../db/dialect';
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
 * them), reading the patient's sex and birth date carried on the course (migration 20261201110000). A course whose
 * patient has no known sex or birth date lies in no sex or age stratum.
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
  opts: { periods: Period[]; indicatorIds?: readonly IndicatorId[]; municipalityCodes?: readonly string[]; strata: boolean },
  sink: GroupSink,
): Promise<void> {
  const definitions = INDICATORS.filter((d) => !opts.indicatorIds || opts.indicatorIds.includes(d.id));
  const byColumn = new Map<PeriodColumn, IndicatorDefinition[]>();
  for (const d of definitions) byColumn.set(d.periodColumn, [...(byColumn.get(d.periodColumn) ?? []), d]);

  // Every course lies in one of the municipalities (foreign key); naming them all lets both engines walk the
  // covering index (municipality_code, period date, …) municipality by municipality, already in group order.
  const municipalityCodes = opts.municipalityCodes ?? (await listUnits(db, 'municipality')).map((u) => u.code);
  for (const [column, group] of byColumn) {
    const rows = await groupedCounts(db, column, group, opts.periods, municipalityCodes, opts.strata);
    for (const row of rows) {
      if (row.period_index === null) continue; // between periods that are not contiguous
      if (dbNumber(row.courses) >= PACK_FACTOR) throw new RangeError(`More than ${PACK_FACTOR - 1} courses in one municipality and period`);
      const period = opts.periods[dbNumber(row.period_index)];
      const stratum = opts.strata ? `${row.s_sex ?? ''}|${row.s_age ?? ''}|${row.s_diagnosis ?? ''}` : undefined;
      for (const d of group) sink(d.id, period.code, String(row.municipality_code), unpackCounts(row[d.id]), stratum);
    }
  }
}

/** indicators.md's age groups, whole years on referral_date. */
export const AGE_GROUPS = ['<60', '60-69', '70-79', '80+'] as const;

function strataColumns(db: Knex): Knex.Raw[] {
  const age = ageInYears(db, 'courses.birth_date', 'courses.referral_date');
  return [
    db.raw('courses.sex AS s_sex'),
    db.raw(`CASE WHEN courses.birth_date IS NULL THEN NULL WHEN ? < 60 THEN '<60' WHEN ? < 70 THEN '60-69' WHEN ? < 80 THEN '70-79' ELSE '80+' END AS s_age`, [age, age, age]),
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
): Promise<Record<string, unknown>[]> {
  const periodIndex = periods.length === 1 ? db.raw('0 AS period_index') : db.raw(
    `CASE ${periods.map(() => 'WHEN ?? BETWEEN ? AND ? THEN ?').join(' ')} END AS period_index`,
    periods.flatMap((p, i) => [column, p.first, p.last, i]),
  );
  const query = db('courses')
    .select('courses.municipality_code', periodIndex, db.raw('COUNT(*) AS courses'))
    .select(group.map((d) => db.raw('CAST(SUM(?) AS TEXT) AS ??', [packedCountsSql(db, d), d.id])))
    .whereIn('courses.municipality_code', municipalityCodes)
    .andWhere(notAnnulled(db))
    .whereBetween(`courses.${column}`, [periods.map((p) => p.first).sort()[0], periods.map((p) => p.last).sort().at(-1)!])
    .groupBy('courses.municipality_code');
  if (periods.length > 1) query.groupBy('period_index');
  if (strata) query.select(strataColumns(db)).groupBy('s_sex', 's_age', 's_diagnosis');
  return query;
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

import type { Knex } from 'knex';
import { geography, Unit, UnitType } from '../geography';
import { Lang } from '../i18n';
import { today as todayInDenmark, nowIso } from '../time';
import { Counts, countByMunicipality, CountsMemo, ZERO_COUNTS } from './compute';
import { indicatorById, IndicatorId, INDICATORS } from './definitions';
import { FIRST_YEAR, lastQuarterOf, parsePeriod, Period, periodOfDate, quartersEndingWith } from './periods';
import { buildResult, IndicatorResult, municipalitiesToCount, unitCounts } from './results';
import { listStandards, StandardRow } from './standards';

export const TREND_QUARTERS = 8;

/** A trend query resolved once per request: the selected period and unit (standards read when absent). */
export interface ResolvedTrendQuery {
  period: Period; unit: Unit; indicatorId: IndicatorId; today?: string; lang?: Lang; now?: Date;
  standards?: readonly StandardRow[]; memo?: CountsMemo;
}

/** The same by codes, for callers outside a request (CLI, tests). */
export interface TrendQuery {
  period: string; unitType: UnitType; unitCode: string; indicatorId: IndicatorId; today?: string; lang?: Lang; now?: Date;
}

/** A trend's quarters and the results of the years they lie in (the sums of each year's four quarters). */
export interface TrendWithYears { quarters: IndicatorResult[]; years: Map<number, IndicatorResult> }

/**
 * The trend of one indicator for one unit: a result per quarter for the 8 quarters ending with the last quarter
 * of the selected period, oldest first; quarters that begin after `today` or lie before 2010 are left out (the
 * current one stays). All quarters come from one grouped query per period-date column. An unknown unit → [].
 */
export async function computeTrend(db: Knex, query: ResolvedTrendQuery | TrendQuery): Promise<IndicatorResult[]> {
  if (typeof query.period === 'string') {
    const q = query as TrendQuery;
    const unit = (await geography(db)).unit(q.unitType, q.unitCode);
    if (!unit) return [];
    return (await computeTrendWithYears(db, { ...q, period: parsePeriod(q.period), unit })).quarters;
  }
  return (await computeTrendWithYears(db, query as ResolvedTrendQuery)).quarters;
}

/** computeTrend with the year results of every year it touches, from the same one pass (see computeOverview). */
export async function computeTrendWithYears(db: Knex, q: ResolvedTrendQuery): Promise<TrendWithYears> {
  return (await computeOverview(db, { ...q, units: [q.unit], indicatorIds: [q.indicatorId] })).trend(q.indicatorId, q.unit);
}

/** Results and trends from one pass: what computeOverview is asked. */
export interface OverviewQuery {
  period: Period; units: readonly Unit[]; indicatorIds?: readonly IndicatorId[]; today?: string; lang?: Lang; now?: Date;
  /** the indicators whose trends are wanted (all when absent): the other quarters count only these */
  trendIndicatorIds?: readonly IndicatorId[];
  standards?: readonly StandardRow[]; memo?: CountsMemo;
}

export interface Overview {
  /** as computeResults for the period and units: rows by indicator, then unit */
  results: IndicatorResult[];
  /** the trend of one of the query's indicators for one of its units, with the results of the years it touches */
  trend(indicatorId: IndicatorId, unit: Unit): TrendWithYears;
}

/** The quarters a trend ending with `period` shows: 8, none beginning after `today` or lying before 2010. */
export function trendQuarters(period: Period, today: string): Period[] {
  return quartersEndingWith(lastQuarterOf(period), TREND_QUARTERS).filter((p) => p.first <= today && p.year >= FIRST_YEAR);
}

const quartersOfYear = (year: number) => [1, 4, 7, 10].map((m) => periodOfDate(`${year}-${String(m).padStart(2, '0')}-01`, 'quarter'));

/**
 * The results of a period and the 8-quarter trends ending with it, for the units and indicators, in ONE pass:
 * one grouped query per period-date column counts every quarter of every year the trend touches; a year's counts
 * are the sum of its four quarters' (they partition the year on the same period date), so the period's results,
 * the trend and the years' results (for complementary hiding) are the same numbers as separate queries give.
 */
export async function computeOverview(db: Knex, q: OverviewQuery): Promise<Overview> {
  const shown = trendQuarters(q.period, q.today ?? todayInDenmark(q.now));
  const years = [...new Set([...shown.map((p) => p.year), q.period.year])].sort((a, b) => a - b);
  const counted = years.flatMap(quartersOfYear);
  const definitions = INDICATORS.filter((d) => !q.indicatorIds || q.indicatorIds.includes(d.id));
  const inPeriod = q.period.quarter === null ? counted.filter((p) => p.year === q.period.year) : [q.period];
  const [table, standards] = await Promise.all([
    countByMunicipality(db, {
      periods: counted, indicatorIds: definitions.map((d) => d.id), municipalityCodes: await municipalitiesToCount(db, q.units), memo: q.memo,
      narrow: q.trendIndicatorIds && { periodCodes: inPeriod.map((p) => p.code), indicatorIds: q.trendIndicatorIds },
    }),
    q.standards ?? listStandards(db),
  ]);
  const computedAt = nowIso(q.now);
  const lang = q.lang ?? 'da';
  const sum = (id: IndicatorId, unit: Unit, periods: readonly Period[]): Counts => {
    const total = { ...ZERO_COUNTS };
    for (const p of periods) {
      const c = unitCounts(table, id, p, unit);
      total.numerator += c.numerator; total.denominator += c.denominator; total.missing += c.missing;
    }
    return total;
  };
  const result = (id: IndicatorId, unit: Unit, period: Period, periods: readonly Period[]) =>
    buildResult(indicatorById(id), unit, period, sum(id, unit, periods), standards, lang, computedAt);
  return {
    results: definitions.flatMap((d) => q.units.map((u) => result(d.id, u, q.period, inPeriod))),
    trend: (id, unit) => {
      if (q.trendIndicatorIds && !q.trendIndicatorIds.includes(id)) throw new RangeError(`No trend of ${id} was counted`);
      return {
      quarters: shown.map((p) => result(id, unit, p, [p])),
      years: new Map(years.map((y) => [y, result(id, unit, parsePeriod(String(y)), quartersOfYear(y))])),
      };
    },
  };
}

import type { Knex } from 'knex';
import { geography, Unit, UnitType } from '../geography';
import { Lang } from '../i18n';
import { today as todayInDenmark, nowIso } from '../time';
import { countByMunicipality, CountsMemo } from './compute';
import { indicatorById, IndicatorId } from './definitions';
import { FIRST_YEAR, lastQuarterOf, parsePeriod, Period, periodOfDate, quartersEndingWith } from './periods';
import { buildResult, IndicatorResult } from './results';
import { poolCounts } from './compute';
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

/**
 * computeTrend with the year results of every year it touches, from the same one pass: the query counts every
 * quarter of those years, and a year's counts are the sum of its quarters' (the quarters partition the year on
 * the same period date), so the year costs no query of its own.
 */
export async function computeTrendWithYears(db: Knex, q: ResolvedTrendQuery): Promise<TrendWithYears> {
  const today = q.today ?? todayInDenmark(q.now);
  // Only the part that exists: no quarter after today, none before the first period (2010).
  const shown = quartersEndingWith(lastQuarterOf(q.period), TREND_QUARTERS).filter((p) => p.first <= today && p.year >= FIRST_YEAR);
  if (shown.length === 0) return { quarters: [], years: new Map() };
  const years = [...new Set(shown.map((p) => p.year))];
  const counted = years.flatMap((y) => [1, 4, 7, 10].map((m) => periodOfDate(`${y}-${String(m).padStart(2, '0')}-01`, 'quarter')));
  const definition = indicatorById(q.indicatorId);
  const [table, standards] = await Promise.all([
    countByMunicipality(db, {
      periods: counted, indicatorIds: [definition.id], memo: q.memo,
      municipalityCodes: q.unit.unitType === 'country' ? undefined : q.unit.municipalityCodes,
    }),
    q.standards ?? listStandards(db),
  ]);
  const computedAt = nowIso(q.now);
  const lang = q.lang ?? 'da';
  const codes = q.unit.unitType === 'country' ? undefined : q.unit.municipalityCodes;
  const countsOf = (p: Period) => poolCounts(table.get(definition.id)?.get(p.code), codes);
  const yearResults = new Map(years.map((y) => {
    const sum = counted.filter((p) => p.year === y).map(countsOf).reduce((a, c) => ({
      numerator: a.numerator + c.numerator, denominator: a.denominator + c.denominator, missing: a.missing + c.missing,
    }));
    return [y, buildResult(definition, q.unit, parsePeriod(String(y)), sum, standards, lang, computedAt)] as const;
  }));
  return { quarters: shown.map((p) => buildResult(definition, q.unit, p, countsOf(p), standards, lang, computedAt)), years: yearResults };
}

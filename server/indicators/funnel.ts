import type { Knex } from 'knex';
import { Lang } from '../i18n';
import { computeResults, IndicatorResult } from './results';
import { IndicatorId } from './definitions';
import { funnelLimits, funnelOutlier, proportion } from './stats';
import { COUNTRY_CODE, findUnit } from './units';

export interface FunnelRow extends IndicatorResult {
  limit95_low: number | null;
  limit95_high: number | null;
  limit998_low: number | null;
  limit998_high: number | null;
  outlier: 'above' | 'below' | null;
}

export interface Funnel {
  indicator_id: IndicatorId;
  period: string;
  /** the region's code, or DK */
  unit_code: string;
  /** pooled value of the municipalities with denominator ≥ 1: the centre line; null when there are none */
  p0: number | null;
  /** every municipality of the region or country, in municipalities.csv order; plotted are those with denominator ≥ 1 */
  rows: FunnelRow[];
}

/**
 * The funnel plot of one indicator and period over the municipalities of a region or of the country: limits at
 * each municipality's denominator around the pooled p0, and outliers beyond the 99.8 % limits. Null for an
 * unknown region.
 */
export async function computeFunnel(db: Knex, query: {
  period: string; indicatorId: IndicatorId; regionCode: string; lang?: Lang; now?: Date;
}): Promise<Funnel | null> {
  const area = await findUnit(db, query.regionCode === COUNTRY_CODE ? 'country' : 'region', query.regionCode);
  if (!area) return null;
  const results = (await computeResults(db, {
    period: query.period, unitType: 'municipality', indicatorIds: [query.indicatorId], lang: query.lang, now: query.now,
  })).filter((r) => area.municipalityCodes.includes(r.unit_code));
  const plotted = results.filter((r) => r.denominator! >= 1);
  const p0 = proportion(
    plotted.reduce((sum, r) => sum + r.numerator!, 0),
    plotted.reduce((sum, r) => sum + r.denominator!, 0),
  );
  const rows = results.map((r): FunnelRow => {
    const limits = p0 === null ? null : funnelLimits(p0, r.denominator!);
    return {
      ...r,
      limit95_low: limits?.limit95.low ?? null,
      limit95_high: limits?.limit95.high ?? null,
      limit998_low: limits?.limit998.low ?? null,
      limit998_high: limits?.limit998.high ?? null,
      outlier: funnelOutlier(r.value, r.denominator!, limits),
    };
  });
  return { indicator_id: query.indicatorId, period: query.period, unit_code: area.code, p0, rows };
}

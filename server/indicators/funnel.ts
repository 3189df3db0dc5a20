import type { Knex } from 'knex';
import { Lang } from '../i18n';
import { computeResults, IndicatorResult } from './results';
import { IndicatorId } from './definitions';
import { overdispersedLimits, overdispersion, shrunkValue } from './fair-stats';
import { FEW_DATA_BELOW, funnelLimits, funnelOutlier } from './stats';
import { COUNTRY_CODE, geography, Unit } from '../geography';
import { CountsMemo } from './compute';
import { parsePeriod, Period } from './periods';
import { StandardRow } from './standards';

export interface FunnelRow extends IndicatorResult {
  limit95_low: number | null;
  limit95_high: number | null;
  limit998_low: number | null;
  limit998_high: number | null;
  outlier: 'above' | 'below' | null;
  /** indicators.md "Fair comparison": the shrunk value and the overdispersed limits and outlier */
  shrunk_value: number | null;
  limit95_od_low: number | null;
  limit95_od_high: number | null;
  limit998_od_low: number | null;
  limit998_od_high: number | null;
  outlier_od: 'above' | 'below' | null;
  /** the same on every row of the funnel, never hidden */
  p0: number | null;
  phi: number | null;
  tau2: number | null;
}

export interface Funnel {
  indicator_id: IndicatorId;
  period: string;
  /** the region's code, or DK */
  unit_code: string;
  /** pooled value of the municipalities with denominator ≥ 1: the centre line; null when there are none */
  p0: number | null;
  /** overdispersion φ (null when p₀ is 0 or 1, or fewer than 2 municipalities) and between-unit variance τ² */
  phi: number | null;
  tau2: number;
  /** every municipality of the region or country, in municipalities.csv order; plotted are those with denominator ≥ 1 */
  rows: FunnelRow[];
}

/** A funnel query resolved once per request: the period and the area (a region or the country). */
export interface ResolvedFunnelQuery {
  period: Period; indicatorId: IndicatorId; area: Unit; lang?: Lang; now?: Date; standards?: readonly StandardRow[]; memo?: CountsMemo;
}

/** The same by codes, for callers outside a request (CLI, tests): `regionCode` a region's code or DK. */
export interface FunnelQuery { period: string; indicatorId: IndicatorId; regionCode: string; lang?: Lang; now?: Date }

/**
 * The funnel plot of one indicator and period over the municipalities of a region or of the country: limits at
 * each municipality's denominator around the pooled p0, and outliers beyond the 99.8 % limits. Null for an
 * unknown region.
 */
export async function computeFunnel(db: Knex, query: ResolvedFunnelQuery | FunnelQuery): Promise<Funnel | null> {
  let q: ResolvedFunnelQuery;
  if (typeof query.period === 'string') {
    const c = query as FunnelQuery;
    const area = (await geography(db)).unit(c.regionCode === COUNTRY_CODE ? 'country' : 'region', c.regionCode);
    if (!area) return null;
    q = { ...c, period: parsePeriod(c.period), area };
  } else q = query as ResolvedFunnelQuery;
  const geo = await geography(db);
  const units = q.area.municipalityCodes.map((code) => geo.unit('municipality', code)!);
  const results = await computeResults(db, {
    period: q.period, units, indicatorIds: [q.indicatorId], lang: q.lang, now: q.now, standards: q.standards, memo: q.memo,
  });
  // p₀, φ and τ² from every plotted municipality, whoever looks (those hidden as "få data" count too).
  const od = overdispersion(results.map((r) => ({ numerator: r.numerator!, denominator: r.denominator! })));
  const { p0, phi, tau2 } = od;
  const shrink = results.filter((r) => r.denominator! >= 1).length >= 2;
  const rows = results.map((r): FunnelRow => {
    const limits = p0 === null ? null : funnelLimits(p0, r.denominator!);
    const odLimits = p0 === null ? null : overdispersedLimits(p0, tau2, r.denominator!);
    return {
      ...r,
      limit95_low: limits?.limit95.low ?? null,
      limit95_high: limits?.limit95.high ?? null,
      limit998_low: limits?.limit998.low ?? null,
      limit998_high: limits?.limit998.high ?? null,
      outlier: funnelOutlier(r.value, r.denominator!, limits),
      shrunk_value: shrunkValue(r.numerator!, r.denominator!, od, shrink),
      limit95_od_low: odLimits?.limit95.low ?? null,
      limit95_od_high: odLimits?.limit95.high ?? null,
      limit998_od_low: odLimits?.limit998.low ?? null,
      limit998_od_high: odLimits?.limit998.high ?? null,
      outlier_od: odOutlier(r.value, r.denominator!, odLimits),
      p0, phi, tau2: p0 === null ? null : tau2,
    };
  });
  return { indicator_id: q.indicatorId, period: q.period.code, unit_code: q.area.code, p0, phi, tau2, rows };
}

/** 'above'/'below' when n ≥ 5 and the value lies strictly outside the overdispersed 99.8 % limits. */
function odOutlier(value: number | null, n: number, limits: ReturnType<typeof overdispersedLimits>): 'above' | 'below' | null {
  if (value === null || limits === null || n < FEW_DATA_BELOW) return null;
  if (value > limits.limit998.high) return 'above';
  if (value < limits.limit998.low) return 'below';
  return null;
}

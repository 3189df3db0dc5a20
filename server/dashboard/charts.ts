import { Lang, t } from '../i18n';
import { Funnel, FunnelRow } from '../indicators/funnel';
import { parsePeriod } from '../indicators/periods';
import { IndicatorResult } from '../indicators/results';
import { overdispersedLimits } from '../indicators/fair-stats';
import { funnelLimits } from '../indicators/stats';
import { statusOf } from './view-model';

/**
 * Chart specifications embedded as JSON in `data-chart` on a <canvas>: the same numbers as the table beside it,
 * with the texts already in the UI language. static/js/charts.js turns them into Chart.js configurations.
 */
export interface ChartPoint {
  label: string;
  value: number | null;
  low: number | null;
  high: number | null;
  status: string;
  selected: boolean;
}

/** ">=0.80" → 0.8 */
export function standardValue(standard: string): number | null {
  const m = /^>=(\d(?:\.\d+)?)$/.exec(standard);
  return m ? Number(m[1]) : null;
}

function commonTexts(lang: Lang) {
  return {
    lang,
    texts: {
      value: t(lang, 'indicators.pages.chart.value'),
      ci: t(lang, 'indicators.pages.chart.ci'),
      standard: t(lang, 'indicators.pages.chart.standard'),
      fewData: t(lang, 'indicators.few_data'),
      denominator: t(lang, 'indicators.pages.chart.denominator'),
      p0: t(lang, 'indicators.pages.chart.p0'),
      limit95: t(lang, 'indicators.pages.chart.limit95'),
      limit998: t(lang, 'indicators.pages.chart.limit998'),
      outlierAbove: t(lang, 'indicators.pages.outlier.above'),
      shrunk: t(lang, 'indicators.fair.shrunk'),
      limit95od: t(lang, 'indicators.fair.limit95_od'),
      limit998od: t(lang, 'indicators.fair.limit998_od'),
      outlierBelow: t(lang, 'indicators.pages.outlier.below'),
      met: t(lang, 'indicators.pages.status.met'),
      notMet: t(lang, 'indicators.pages.status.not_met'),
    },
  };
}

function point(r: IndicatorResult, label: string, selected: boolean, lang: Lang, markFewData = true): ChartPoint {
  return {
    label: r.few_data && markFewData ? `${label} (${t(lang, 'indicators.few_data')})` : label,
    value: r.value, low: r.ci_low, high: r.ci_high, status: statusOf(r), selected,
  };
}

/**
 * Units side by side: value, 95 % interval, the standard as a line; the selected unit stands out. With
 * `shrunkOf`, each unit's shrunk value (fair comparison) is drawn beside its raw value.
 */
export function comparisonChart(
  rows: readonly IndicatorResult[], selectedCode: string, title: string, lang: Lang,
  shrunkOf?: (r: IndicatorResult) => number | null,
) {
  return {
    kind: 'comparison', title, ...commonTexts(lang),
    standard: rows.length ? standardValue(rows[0].standard) : null,
    withShrunk: !!shrunkOf,
    points: rows.map((r) => ({ ...point(r, r.unit_name, r.unit_code === selectedCode, lang), shrunk: shrunkOf ? shrunkOf(r) : null })),
  };
}

/** Value and interval per quarter, with the standard valid in each quarter. */
export function trendChart(rows: readonly IndicatorResult[], title: string, lang: Lang) {
  return {
    kind: 'trend', title, ...commonTexts(lang),
    points: rows.map((r) => {
      const q = parsePeriod(r.period);
      const label = t(lang, 'indicators.pages.quarter_short', { quarter: q.quarter ?? '', year: q.year });
      return { ...point(r, label, false, lang, false), fewData: r.few_data, standard: standardValue(r.standard) };
    }),
  };
}

const CURVE_POINTS = 60;

export interface FunnelCurvePoint {
  n: number; low95: number; high95: number; low998: number; high998: number;
  low95od: number; high95od: number; low998od: number; high998od: number;
}

/** The limits around p0 on a grid of denominators from 1 to a little past the largest, for smooth curves. */
export function funnelCurves(p0: number, maxN: number, tau2 = 0): FunnelCurvePoint[] {
  const wanted = Math.max(10, maxN * 1.1);
  const step = 10 ** Math.floor(Math.log10(wanted)) / 2;
  const top = Math.ceil(wanted / step) * step; // a round axis end: 50, 150, 2 000 …
  const grid = new Set<number>();
  for (let i = 0; i <= CURVE_POINTS; i++) grid.add(Math.max(1, Math.round(Math.exp((Math.log(top) * i) / CURVE_POINTS))));
  return [...grid].sort((a, b) => a - b).map((n) => {
    const l = funnelLimits(p0, n)!;
    const od = overdispersedLimits(p0, tau2, n)!;
    return {
      n, low95: l.limit95.low, high95: l.limit95.high, low998: l.limit998.low, high998: l.limit998.high,
      low95od: od.limit95.low, high95od: od.limit95.high, low998od: od.limit998.low, high998od: od.limit998.high,
    };
  });
}

/** Municipalities as points (x = denominator, y = value) inside the 95 % and 99.8 % limits; outliers marked. */
export function funnelChart(funnel: Funnel, selectedCode: string, title: string, lang: Lang) {
  const plotted = funnel.rows.filter((r: FunnelRow) => r.denominator !== null && r.denominator >= 1);
  const maxN = plotted.reduce((m, r) => Math.max(m, r.denominator!), 0);
  return {
    kind: 'funnel', title, ...commonTexts(lang),
    p0: funnel.p0,
    standard: funnel.rows.length ? standardValue(funnel.rows[0].standard) : null,
    curves: funnel.p0 === null ? [] : funnelCurves(funnel.p0, maxN, funnel.tau2),
    // Outliers are marked by the overdispersed 99.8 % limits (indicators.md "Fair comparison"); the page says so.
    points: plotted.map((r) => ({
      label: r.unit_name, n: r.denominator, value: r.value, outlier: r.outlier_od, outlierBinomial: r.outlier, selected: r.unit_code === selectedCode,
    })),
  };
}

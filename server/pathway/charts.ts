import { t, type Lang } from '../i18n';
import { RESULTS } from './counts';

/**
 * The pathway page's charts (pathway.md §6) as data for static/js/pathway-charts.js, embedded in a data- attribute
 * (no inline script), each drawn from the same numbers as the table beside it. Values are proportions in [0, 1];
 * a "få data" result or a hidden count is null and is shown as such, never as zero.
 */

type Row = Record<string, unknown>;

/** HK-P1 … HK-P5 ids of the result keys p1 … p5. */
export const resultId = (p: string): string => `HK-P${p.slice(1)}`;

/** The stage each result belongs beside in the funnel (HK-P1 received, HK-P3 started, HK-P4 completed, HK-P5 GP informed). */
const STAGE_RESULT: Record<string, string | null> = { referred: null, received: 'p1', lost: null, open: null, started: 'p3', completed: 'p4', gp_informed: 'p5' };

export interface StageLine { stage: string; label: string; count: number | null; result: string | null; value: number | null;
  low: number | null; high: number | null; few: boolean; hasInterval: boolean }

/** The funnel's lines: referred → received (lost and open beside it) → started → completed → gp_informed. */
export function stageLines(row: Row, lang: Lang): StageLine[] {
  return Object.entries(STAGE_RESULT).map(([stage, p]) => ({
    stage, label: t(lang, `pathway.stages.${stage}`), count: row[stage] as number | null, result: p ? resultId(p) : null,
    value: p ? row[`${p}_value`] as number | null : null, low: p ? row[`${p}_ci_low`] as number | null : null,
    high: p ? row[`${p}_ci_high`] as number | null : null, few: p ? Boolean(row[`${p}_few_data`]) && row[`${p}_value`] === null : false,
    hasInterval: p ? row[`${p}_ci_low`] !== null && row[`${p}_ci_low`] !== undefined : false,
  }));
}

/** Horizontal bars of the stage counts of one unit. */
export function stagesChart(lines: StageLine[], unitName: string, lang: Lang) {
  return {
    kind: 'pathway-stages', lang, title: t(lang, 'pathway.charts.funnel_label'), unit: unitName, fewData: t(lang, 'pathway.pages.few_data'),
    points: lines.map((l) => ({ label: l.label, count: l.count, stage: l.stage, result: l.result, value: l.value })),
  };
}

/** One result (p1 … p5) of every unit with its interval; `selected` the funnel's unit. */
export function comparisonChart(rows: Row[], p: string, selected: string | undefined, lang: Lang) {
  return {
    kind: 'pathway-comparison', lang, title: t(lang, 'pathway.charts.comparison_label', { indicator: resultId(p) }),
    texts: { value: resultId(p), ci: t(lang, 'pathway.charts.interval'), fewData: t(lang, 'pathway.pages.few_data') },
    points: rows.map((r) => ({ label: String(r.unit_name), value: r[`${p}_value`] as number | null, low: r[`${p}_ci_low`] as number | null,
      high: r[`${p}_ci_high`] as number | null, selected: r.unit_code === selected })),
  };
}

/** HK-P1 and HK-P2 per quarter (the 8 quarters of §5) of one unit. */
export function trendChart(rows: Row[], lang: Lang) {
  return {
    kind: 'pathway-trend', lang, title: t(lang, 'pathway.charts.trend_label'), fewData: t(lang, 'pathway.pages.few_data'),
    labels: rows.map((r) => String(r.period)),
    series: ['p1', 'p2'].map((p) => ({ label: resultId(p), values: rows.map((r) => r[`${p}_value`] as number | null),
      low: rows.map((r) => r[`${p}_ci_low`] as number | null), high: rows.map((r) => r[`${p}_ci_high`] as number | null) })),
  };
}

/** The results a comparison may show (HK-P1 … HK-P5). */
export const COMPARABLE = RESULTS;

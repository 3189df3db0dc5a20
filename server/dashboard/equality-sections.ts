import type { Knex } from 'knex';
import { codeLabel } from '../courses';
import { Lang, t } from '../i18n';
import { IndicatorId } from '../indicators/definitions';
import { PChartPoint } from '../indicators/pchart';
import { spcQuarters, SpcPoint } from '../indicators/spc';
import { GapRow, isStratumType, StratumResult, StratumType, STRATUM_TYPES } from '../indicators/strata';
import { today } from '../time';
import { comparisonChart } from './charts';
import { downloadLinks } from './chart-sections';
import { periodLabel, selectedPeriodLabel, Selection, selectionQuery } from './selection';
import { spcRows, strataRows, Viewer } from './service';
import { percentText, rangeText, resultView } from './view-model';
import { formatDecimal } from '../http/view-helpers';

/**
 * The indicator detail page's "Lighed i sundhed" (strata) and "Tidlig advarsel" (p-chart) sections: chart,
 * table and downloads of each, from the same service calls as their downloads and API.
 */

/** The stratum type of the page (`lighed`, default sex); anything unknown falls back to sex. */
export function stratumTypeOf(value: unknown): StratumType {
  return isStratumType(value) ? value : 'sex';
}

export function stratumLabel(type: StratumType, stratum: string, lang: Lang): string {
  if (type === 'diagnosis_group') return codeLabel('diagnosis_group', stratum, lang);
  return t(lang, `indicators.strata.values.${stratum}`);
}

/** A gap in words: "30,0 procentpoint (95 %-KI −10,7 til 60,0)". */
export function gapText(g: GapRow, lang: Lang): string {
  const pp = (x: number) => formatDecimal(x * 100, 1, lang).replace('-', '−');
  return g.gap === null ? '' : t(lang, 'indicators.strata.gap_text', { gap: pp(g.gap), low: pp(g.gap_low!), high: pp(g.gap_high!) });
}

export async function strataSection(db: Knex, s: Selection, indicatorId: IndicatorId, type: StratumType, viewer: Viewer, path: string, extra: Record<string, string>) {
  const lang = viewer.lang;
  const { rows, gaps } = await strataRows(db, { period: s.period.code, unitType: s.unit.unitType, unitCode: s.unit.code }, type, indicatorId, viewer);
  const labelled = rows.map((r) => ({ ...r, unit_name: stratumLabel(type, r.stratum, lang) }));
  const gap = gaps[0] ?? null;
  const gapView = gap && {
    label: t(lang, `indicators.strata.gap_${type}`),
    text: gap.gap === null ? t(lang, 'indicators.strata.gap_empty') : gapText(gap, lang),
    significant: gap.significant === true,
    verdict: gap.gap === null ? '' : t(lang, gap.significant ? 'indicators.strata.significant' : 'indicators.strata.not_significant'),
  };
  const title = t(lang, 'indicators.strata.chart_title', {
    id: indicatorId, type: t(lang, `indicators.strata.types.${type}`), unit: s.unit.name, period: periodLabel(s.period, lang),
  });
  const chart = { ...comparisonChart(labelled, '', title, lang), subtitle: gapView && gap?.gap !== null ? `${gapView.label}: ${gapView.text} – ${gapView.verdict}` : null, alert: gapView?.significant ?? false };
  const query = selectionQuery(s, { lighed: type });
  return {
    title: t(lang, 'indicators.strata.title'),
    intro: t(lang, 'indicators.strata.intro', { unit: s.unit.name, period: selectedPeriodLabel(s.period, lang), type: t(lang, `indicators.strata.types.${type}`) }),
    types: STRATUM_TYPES.map((ty) => ({
      type: ty, label: t(lang, `indicators.strata.type_names.${ty}`), current: ty === type,
      href: `${path}?${selectionQuery(s, { ...extra, lighed: ty })}#lighed`,
    })),
    chart, gap: gapView,
    rows: labelled.map((r: StratumResult) => resultView(r, lang)),
    downloads: { ...downloadLinks(`/indikatorer/${indicatorId}/lighed`, query), gapsCsv: `/indikatorer/${indicatorId}/lighed-forskel.csv?${query}` },
  };
}

/** The last complete quarter's label, for the texts that say where the chart ends. */
export function lastCompleteQuarterText(lang: Lang, now = new Date()): string {
  return periodLabel(spcQuarters(today(now)).at(-1)!, lang);
}

function spcLabel(code: string, lang: Lang): string {
  const [year, quarter] = code.split('Q');
  return t(lang, 'indicators.pages.quarter_short', { quarter, year });
}

/** A p-chart for Chart.js: value per quarter, centre line, 2σ and 3σ limits, the signals marked. */
export function pChartSpec(points: readonly SpcPoint[], title: string, lang: Lang) {
  return {
    kind: 'pchart', title, lang,
    texts: {
      value: t(lang, 'indicators.pages.chart.value'), pBar: t(lang, 'indicators.spc.p_bar'), limit2: t(lang, 'indicators.spc.limit2'),
      limit3: t(lang, 'indicators.spc.limit3'), fewData: t(lang, 'indicators.few_data'),
      signals: { outside_3sigma: t(lang, 'indicators.spc.signals.outside_3sigma'), two_of_three_2sigma: t(lang, 'indicators.spc.signals.two_of_three_2sigma'), improved: t(lang, 'indicators.spc.signals.improved') },
    },
    points: points.map((p) => ({
      label: spcLabel(p.period, lang), value: p.value, pBar: p.p_bar, lcl2: p.lcl2, ucl2: p.ucl2, lcl3: p.lcl3, ucl3: p.ucl3,
      baseline: p.baseline, signal: p.signal,
    })),
  };
}

function spcRowView(p: PChartPoint & { period: string }, lang: Lang) {
  return {
    periodText: quarterLabel(p.period, lang),
    fraction: p.denominator === null ? t(lang, 'indicators.few_data') : `${p.numerator} / ${p.denominator}`,
    valueText: percentText(p.value, lang),
    limit2Text: rangeText(p.lcl2, p.ucl2, lang),
    limit3Text: rangeText(p.lcl3, p.ucl3, lang),
    baseline: p.baseline,
    signal: p.signal,
    warning: p.signal === 'outside_3sigma' || p.signal === 'two_of_three_2sigma',
    signalText: p.signal ? t(lang, `indicators.spc.signals.${p.signal}`) : '',
  };
}

/** "3. kvartal 2025", also for a quarter before 2010 (a chart reaching back before the data answers it empty). */
function quarterLabel(code: string, lang: Lang): string {
  return t(lang, 'indicators.pages.quarter_label', { quarter: code.slice(5), year: code.slice(0, 4) });
}

export async function spcSection(db: Knex, s: Selection, indicatorId: IndicatorId, viewer: Viewer) {
  const lang = viewer.lang;
  const points = await spcRows(db, s.unit, indicatorId, viewer);
  const title = t(lang, 'indicators.spc.title', { unit: s.unit.name });
  const pBar = points[0]?.p_bar ?? null;
  const query = selectionQuery(s);
  return {
    title,
    intro: t(lang, 'indicators.spc.intro', { quarter: lastCompleteQuarterText(lang) }),
    note: pBar === null ? t(lang, 'indicators.spc.no_chart') : pBar <= 0 || pBar >= 1 ? t(lang, 'indicators.spc.no_limits') : '',
    pBarText: pBar === null ? '' : `${t(lang, 'indicators.spc.p_bar')}: ${percentText(pBar, lang)}`,
    chart: pChartSpec(points, title, lang),
    rows: points.map((p) => spcRowView(p, lang)),
    downloads: downloadLinks(`/indikatorer/${indicatorId}/advarsel`, query),
  };
}

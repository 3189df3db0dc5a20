import type { Knex } from 'knex';
import { t, Lang } from '../i18n';
import { IndicatorId } from '../indicators/definitions';
import { FunnelRow } from '../indicators/funnel';
import { parsePeriod } from '../indicators/periods';
import { comparisonChart, funnelChart, trendChart } from './charts';
import { periodLabel, Selection, selectionQuery } from './selection';
import { comparisonRows, funnelAreaOf, funnelRows, trendRows, Viewer } from './service';
import { percentText, rangeText, resultView } from './view-model';
import { formatDecimal } from '../http/view-helpers';

/**
 * The three charts of one indicator — trend, comparison, funnel plot — each with its table rows and its CSV/XLSX
 * links, as the partial `indicator-charts` renders them. The indicator detail page and the dashboard's "Grafer"
 * section both call this, so they show the same numbers, hidden the same way outside the user's scope.
 */

export function downloadLinks(base: string, query: string) {
  return { csv: `${base}.csv?${query}`, xlsx: `${base}.xlsx?${query}` };
}

/** Where the charts sit: the page path and the query keys that page needs besides period and unit. */
export interface ChartPage { path: string; extra?: Record<string, string> }

export async function chartSections(
  db: Knex, s: Selection, indicatorId: IndicatorId, viewer: Viewer, wantCountry: boolean, page: ChartPage, hideEmpty = false,
) {
  const lang = viewer.lang;
  const area = await funnelAreaOf(db, s.unit, wantCountry);
  const [trend, comparison, funnel] = await Promise.all([
    trendRows(db, s, indicatorId, viewer),
    comparisonRows(db, s, indicatorId, viewer),
    funnelRows(db, s, indicatorId, area, viewer),
  ]);
  const query = selectionQuery(s);
  const base = `/indikatorer/${indicatorId}`;
  const funnelQuery = selectionQuery(s, { ...(wantCountry ? { funnel: 'DK' } : {}), ...(hideEmpty ? { tomme: 'skjul' } : {}) });
  const pageQuery = (funnelDK: boolean) => selectionQuery(s, { ...page.extra, ...(funnelDK ? { funnel: 'DK' } : {}) });
  const funnelTitle = t(lang, 'indicators.pages.funnel_title', { area: area.name });
  const trendTitle = t(lang, 'indicators.pages.trend_title', { unit: s.unit.name });
  // The fair comparison: the shrunk values of the selected area's municipalities beside their raw values.
  const shrunk = new Map(funnel.rows.map((r) => [r.unit_code, r.shrunk_value]));
  const shrunkOf = (r: { unit_type: string; unit_code: string }) => (r.unit_type === 'municipality' ? shrunk.get(r.unit_code) ?? null : null);
  const withShrunk = comparison.comparison.unitType === 'municipality';
  const shownFunnelRows = hideEmpty ? funnel.rows.filter((r) => !(r.denominator === 0 && r.missing === 0)) : funnel.rows;
  const emptyToggle = (hide: boolean) => `${page.path}?${selectionQuery(s, { ...page.extra, ...(wantCountry ? { funnel: 'DK' } : {}), ...(hide ? { tomme: 'skjul' } : {}) })}#tragt`;
  return {
    trend: {
      title: trendTitle, chart: trendChart(trend, trendTitle, lang),
      rows: trend.map((r) => ({ ...resultView(r, lang), periodText: periodLabel(parsePeriod(r.period), lang) })),
      downloads: downloadLinks(`${base}/udvikling`, query),
    },
    comparison: {
      title: comparison.comparison.title,
      chart: comparisonChart(comparison.rows, s.unit.code, comparison.comparison.title, lang, withShrunk ? shrunkOf : undefined),
      rows: comparison.rows.map((r) => ({
        ...resultView(r, lang), selected: r.unit_code === s.unit.code, shrunkText: percentText(shrunkOf(r), lang),
      })),
      withShrunk,
      downloads: downloadLinks(`${base}/sammenligning`, query),
    },
    funnel: {
      title: funnelTitle, chart: funnelChart(funnel, s.unit.code, funnelTitle, lang),
      p0Text: percentText(funnel.p0, lang),
      odNote: funnel.p0 === null ? '' : funnel.tau2 > 0
        ? t(lang, 'indicators.fair.od_note', { phi: formatDecimal(funnel.phi ?? 0, 2, lang), tau2: formatDecimal(funnel.tau2, 4, lang) })
        : t(lang, 'indicators.fair.od_none'),
      rows: shownFunnelRows.map((r) => funnelRowView(r, s.unit.code, lang)),
      outliers: funnel.rows.filter((r) => r.outlier_od).length,
      emptyHref: emptyToggle(!hideEmpty),
      emptyText: t(lang, hideEmpty ? 'indicators.fair.show_empty' : 'indicators.fair.hide_empty'),
      downloads: downloadLinks(`${base}/tragt`, funnelQuery),
      switchHref: s.unit.unitType === 'country' ? null : `${page.path}?${pageQuery(!wantCountry)}#tragt`,
      switchText: t(lang, area.unitType === 'country' ? 'indicators.pages.funnel_show_region' : 'indicators.pages.funnel_show_country'),
    },
  };
}

function funnelRowView(r: FunnelRow, selectedCode: string, lang: Lang) {
  return {
    ...resultView(r, lang),
    selected: r.unit_code === selectedCode,
    limit95Text: rangeText(r.limit95_low, r.limit95_high, lang),
    limit998Text: rangeText(r.limit998_low, r.limit998_high, lang),
    limit998OdText: rangeText(r.limit998_od_low, r.limit998_od_high, lang),
    shrunkText: percentText(r.shrunk_value, lang),
    outlierText: r.outlier ? t(lang, `indicators.pages.outlier.${r.outlier}`) : '',
    outlier: r.outlier,
    outlierOdText: r.outlier_od ? t(lang, `indicators.pages.outlier.${r.outlier_od}`) : '',
    outlierOd: r.outlier_od,
  };
}

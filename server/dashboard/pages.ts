import type { Request } from 'express';
import type { Knex } from 'knex';
import type { CurrentUser } from '../auth/access';
import { can } from '../auth/access';
import { Lang, t } from '../i18n';
import { indicatorById, IndicatorId } from '../indicators/definitions';
import { FunnelRow } from '../indicators/funnel';
import { parsePeriod } from '../indicators/periods';
import { Unit } from '../indicators/units';
import { comparisonChart, funnelChart, trendChart } from './charts';
import { comparisonRows, dashboardRows, funnelAreaOf, funnelRows, resultRow, trendRows, Viewer } from './service';
import { parseSelection, periodLabel, periodOptions, Selection, selectionQuery, unitOptions } from './selection';
import { percentText, rangeText, resultView } from './view-model';

/** The view data of the dashboard and the indicator detail page (the routes only render them). */

export function viewerOf(req: Request, user: CurrentUser): Viewer {
  return { scope: user.scope, lang: req.lang };
}

/** The drill-down exists only for a municipality-scope user who may read courses, in a unit containing their municipality. */
export function mayDrillDown(user: CurrentUser, unit: Unit): boolean {
  return can(user, 'courses.read') && user.scope.kind === 'municipality' && unit.municipalityCodes.includes(user.scope.code);
}

async function pickers(db: Knex, s: Selection, lang: Lang) {
  return { periods: periodOptions(s.period.code, lang), unitGroups: await unitOptions(db, s.unit, lang) };
}

function downloadLinks(base: string, query: string) {
  return { csv: `${base}.csv?${query}`, xlsx: `${base}.xlsx?${query}` };
}

export async function dashboardPage(db: Knex, req: Request, user: CurrentUser) {
  const viewer = viewerOf(req, user);
  const s = await parseSelection(db, req.query, user.scope, viewer.lang);
  const rows = await dashboardRows(db, s, viewer);
  const query = selectionQuery(s);
  const views = rows.map((r) => ({ ...resultView(r, viewer.lang), href: `/indikatorer/${r.indicator_id}?${query}` }));
  const counts = { met: 0, not_met: 0, few_data: 0 };
  for (const v of views) counts[v.status]++;
  return {
    title: t(viewer.lang, 'indicators.pages.dashboard_title'),
    selection: s, periodText: periodLabel(s.period, viewer.lang), ...(await pickers(db, s, viewer.lang)),
    cards: views, counts, computedAtText: views[0]?.computedAtText,
    downloads: downloadLinks('/indikatorer/resultater', query),
  };
}

export async function detailPage(db: Knex, req: Request, user: CurrentUser, indicatorId: IndicatorId) {
  const viewer = viewerOf(req, user);
  const lang = viewer.lang;
  const s = await parseSelection(db, req.query, user.scope, lang);
  const wantCountry = req.query.funnel === 'DK';
  const area = await funnelAreaOf(db, s.unit, wantCountry);
  const [current, trend, comparison, funnel] = await Promise.all([
    resultRow(db, s, indicatorId, viewer),
    trendRows(db, s, indicatorId, viewer),
    comparisonRows(db, s, indicatorId, viewer),
    funnelRows(db, s, indicatorId, area, viewer),
  ]);
  const definition = indicatorById(indicatorId);
  const query = selectionQuery(s);
  const base = `/indikatorer/${indicatorId}`;
  const funnelQuery = selectionQuery(s, wantCountry ? { funnel: 'DK' } : {});
  const funnelTitle = t(lang, 'indicators.pages.funnel_title', { area: area.name });
  const trendTitle = t(lang, 'indicators.pages.trend_title', { unit: s.unit.name });
  return {
    title: `${indicatorId} ${definition.name[lang]}`,
    indicator: {
      id: indicatorId, name: definition.name[lang], description: definition.description[lang],
      standardBasis: definition.standardBasis[lang], alsoMissingWhen: definition.alsoMissingWhen?.[lang],
    },
    selection: s, periodText: periodLabel(s.period, lang), ...(await pickers(db, s, lang)),
    backHref: `/indikatorer?${query}`,
    pickerAction: base,
    current: resultView(current, lang),
    trend: {
      title: trendTitle, chart: trendChart(trend, trendTitle, lang),
      rows: trend.map((r) => ({ ...resultView(r, lang), periodText: periodLabel(parsePeriod(r.period), lang) })),
      downloads: downloadLinks(`${base}/udvikling`, query),
    },
    comparison: {
      title: comparison.comparison.title, chart: comparisonChart(comparison.rows, s.unit.code, comparison.comparison.title, lang),
      rows: comparison.rows.map((r) => ({ ...resultView(r, lang), selected: r.unit_code === s.unit.code })),
      downloads: downloadLinks(`${base}/sammenligning`, query),
    },
    funnel: {
      title: funnelTitle, chart: funnelChart(funnel, s.unit.code, funnelTitle, lang),
      p0Text: percentText(funnel.p0, lang),
      rows: funnel.rows.map((r) => funnelRowView(r, s.unit.code, lang)),
      outliers: funnel.rows.filter((r) => r.outlier).length,
      downloads: downloadLinks(`${base}/tragt`, funnelQuery),
      switchHref: s.unit.unitType === 'country' ? null
        : `${base}?${wantCountry ? query : selectionQuery(s, { funnel: 'DK' })}#tragt`,
      switchText: t(lang, area.unitType === 'country' ? 'indicators.pages.funnel_show_region' : 'indicators.pages.funnel_show_country'),
    },
    drillDownHref: mayDrillDown(user, s.unit) ? `${base}/forloeb?${query}` : null,
  };
}

function funnelRowView(r: FunnelRow, selectedCode: string, lang: Lang) {
  return {
    ...resultView(r, lang),
    selected: r.unit_code === selectedCode,
    limit95Text: rangeText(r.limit95_low, r.limit95_high, lang),
    limit998Text: rangeText(r.limit998_low, r.limit998_high, lang),
    outlierText: r.outlier ? t(lang, `indicators.pages.outlier.${r.outlier}`) : '',
    outlier: r.outlier,
  };
}

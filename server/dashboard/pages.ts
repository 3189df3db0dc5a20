import type { Request } from 'express';
import type { Knex } from 'knex';
import type { CurrentUser } from '../auth/access';
import { can, indicatorScope } from '../auth/access';
import { formErrorView } from '../http/forms';
import { Lang, t } from '../i18n';
import { INDICATORS, indicatorById, IndicatorId, isIndicatorId } from '../indicators/definitions';
import { Unit } from '../indicators/units';
import { chartSections, downloadLinks } from './chart-sections';
import { dashboardRows, resultRow, Viewer } from './service';
import { parseSelection, periodLabel, periodOptions, Selection, selectionQuery, unitOptions } from './selection';
import { resultView } from './view-model';

/** The view data of the dashboard and the indicator detail page (the routes only render them). */

export function viewerOf(req: Request, user: CurrentUser): Viewer {
  return { scope: indicatorScope(user), lang: req.lang };
}

/** The drill-down exists only for a municipality-scope user who may read courses, in a unit containing their municipality. */
export function mayDrillDown(user: CurrentUser, unit: Unit): boolean {
  return can(user, 'courses.read') && user.scope.kind === 'municipality' && unit.municipalityCodes.includes(user.scope.code);
}

async function pickers(db: Knex, s: Selection, lang: Lang) {
  return { periods: periodOptions(s.period.code, lang), unitGroups: await unitOptions(db, s.unit, lang) };
}

/** The indicator whose charts the dashboard shows (`indikator`, default HK01); anything else is a field error. */
export const DEFAULT_CHART_INDICATOR: IndicatorId = 'HK01';

function chartIndicatorOf(value: unknown): { id: IndicatorId | null; raw: string } {
  if (value === undefined || value === '') return { id: DEFAULT_CHART_INDICATOR, raw: DEFAULT_CHART_INDICATOR };
  return { id: isIndicatorId(value) ? value : null, raw: typeof value === 'string' ? value : '' };
}

/** The dashboard: one card per indicator, their table, and the "Grafer" section of one chosen indicator. */
export async function dashboardPage(db: Knex, req: Request, user: CurrentUser) {
  const viewer = viewerOf(req, user);
  const lang = viewer.lang;
  const s = await parseSelection(db, req.query, user.scope, lang);
  const picked = chartIndicatorOf(req.query.indikator);
  const chartPage = { path: '/indikatorer', extra: { indikator: picked.id ?? DEFAULT_CHART_INDICATOR } };
  const [rows, charts] = await Promise.all([
    dashboardRows(db, s, viewer),
    picked.id ? chartSections(db, s, picked.id, viewer, req.query.funnel === 'DK', chartPage) : null,
  ]);
  const query = selectionQuery(s);
  const views = rows.map((r) => ({ ...resultView(r, lang), href: `/indikatorer/${r.indicator_id}?${query}` }));
  const counts = { met: 0, not_met: 0, few_data: 0 };
  for (const v of views) counts[v.status]++;
  const errors = picked.id ? [] : [{ field: 'indikator', message: t(lang, 'indicators.pages.chart_indicator_invalid') }];
  const chosen = picked.id ? views.find((v) => v.row.indicator_id === picked.id) : undefined;
  return {
    status: picked.id ? 200 : 400,
    title: (errors.length ? `${t(lang, 'common.error_prefix')} ` : '') + t(lang, 'indicators.pages.dashboard_title'),
    selection: s, periodText: periodLabel(s.period, lang), ...(await pickers(db, s, lang)),
    indicatorOptions: INDICATORS.map((d) => ({ id: d.id, name: d.name[lang], selected: d.id === picked.raw })),
    ...formErrorView(errors),
    cards: views, counts, computedAtText: views[0]?.computedAtText,
    downloads: downloadLinks('/indikatorer/resultater', query),
    charts: charts && chosen ? { ...charts, current: chosen, detailHref: chosen.href } : null,
  };
}

export async function detailPage(db: Knex, req: Request, user: CurrentUser, indicatorId: IndicatorId) {
  const viewer = viewerOf(req, user);
  const lang = viewer.lang;
  const s = await parseSelection(db, req.query, user.scope, lang);
  const base = `/indikatorer/${indicatorId}`;
  const [current, charts] = await Promise.all([
    resultRow(db, s, indicatorId, viewer),
    chartSections(db, s, indicatorId, viewer, req.query.funnel === 'DK', { path: base }),
  ]);
  const definition = indicatorById(indicatorId);
  const query = selectionQuery(s);
  return {
    title: `${indicatorId} ${definition.name[lang]}`,
    indicator: {
      id: indicatorId, name: definition.name[lang], description: definition.description[lang],
      standardBasis: definition.standardBasis[lang], alsoMissingWhen: definition.alsoMissingWhen?.[lang],
    },
    selection: s, periodText: periodLabel(s.period, lang), ...(await pickers(db, s, lang)),
    backHref: `/indikatorer?${selectionQuery(s, { indikator: indicatorId })}`,
    pickerAction: base,
    current: resultView(current, lang),
    ...charts,
    drillDownHref: mayDrillDown(user, s.unit) ? `${base}/forloeb?${query}` : null,
  };
}

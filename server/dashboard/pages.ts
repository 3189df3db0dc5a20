import type { Request } from 'express';
import type { Knex } from 'knex';
import { type CurrentUser, can, indicatorScope } from '../access';
import { formErrorView } from '../http/forms';
import { Lang, t } from '../i18n';
import { INDICATORS, indicatorById, IndicatorId, isIndicatorId } from '../indicators/definitions';
import { geography, Unit } from '../geography';
import { chartSections, downloadLinks } from './chart-sections';
import { dashboardRows, resultRow, Viewer, warningItems } from './service';
import { lastYearLink, parseSelection, periodLabel, periodOptions, selectedPeriodLabel, Selection, selectionQuery, unitOptions } from './selection';
import { lastCompleteQuarterText, spcSection, strataSection, stratumTypeOf } from './equality-sections';
import { WarningItem } from '../indicators/spc';
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
  const [rows, charts, warnings] = await Promise.all([
    dashboardRows(db, s, viewer),
    picked.id ? chartSections(db, s, picked.id, viewer, req.query.funnel === 'DK', chartPage, req.query.tomme === 'skjul') : null,
    warningItems(db, viewer),
  ]);
  const query = selectionQuery(s);
  const views = rows.map((r) => ({ ...resultView(r, lang), href: `/indikatorer/${r.indicator_id}?${query}` }));
  const counts = { met: 0, not_met: 0, few_data: 0 };
  for (const v of views) counts[v.status]++;
  const range = { first: INDICATORS[0].id, last: INDICATORS[INDICATORS.length - 1].id };
  const errors = picked.id ? [] : [{ field: 'indikator', message: t(lang, 'indicators.pages.chart_indicator_invalid', range) }];
  const chosen = picked.id ? views.find((v) => v.row.indicator_id === picked.id) : undefined;
  return {
    status: picked.id ? 200 : 400,
    title: (errors.length ? `${t(lang, 'common.error_prefix')} ` : '') + t(lang, 'indicators.pages.dashboard_title'),
    selection: s, periodText: selectedPeriodLabel(s.period, lang), ...(await pickers(db, s, lang)),
    lastYear: lastYearLink(s, '/indikatorer', lang, { indikator: picked.id ?? DEFAULT_CHART_INDICATOR }),
    warnings: { intro: t(lang, 'indicators.spc.dashboard_intro', { quarter: lastCompleteQuarterText(lang) }), items: await warningViews(db, warnings, lang) },
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
  const stratumType = stratumTypeOf(req.query.lighed);
  const extra = req.query.lighed ? { lighed: stratumType } : undefined;
  const [current, charts, strata, spc] = await Promise.all([
    resultRow(db, s, indicatorId, viewer),
    chartSections(db, s, indicatorId, viewer, req.query.funnel === 'DK', { path: base, extra }, req.query.tomme === 'skjul'),
    strataSection(db, s, indicatorId, stratumType, viewer, base, {}),
    spcSection(db, s, indicatorId, viewer),
  ]);
  const definition = indicatorById(indicatorId);
  const query = selectionQuery(s);
  return {
    title: `${indicatorId} ${definition.name[lang]}`,
    indicator: {
      id: indicatorId, name: definition.name[lang], description: definition.description[lang],
      standardBasis: definition.standardBasis[lang], alsoMissingWhen: definition.alsoMissingWhen?.[lang],
    },
    selection: s, periodText: selectedPeriodLabel(s.period, lang), ...(await pickers(db, s, lang)),
    lastYear: lastYearLink(s, base, lang),
    strata, spc,
    backHref: `/indikatorer?${selectionQuery(s, { indikator: indicatorId })}`,
    pickerAction: base,
    current: resultView(current, lang),
    ...charts,
    drillDownHref: mayDrillDown(user, s.unit) ? `${base}/forloeb?${query}` : null,
  };
}

/** The dashboard's early-warning items in words, each linked to its chart on the indicator detail page. */
async function warningViews(db: Knex, items: WarningItem[], lang: Lang) {
  const geo = await geography(db);
  return items.map((w) => {
    const [year, quarter] = w.period.split('Q');
    return {
      unitName: geo.unit(w.unit_type, w.unit_code)?.name ?? w.unit_code,
      indicator: `${w.indicator_id} ${indicatorById(w.indicator_id).name[lang]}`,
      signalText: t(lang, 'indicators.spc.item_signal', {
        signal: t(lang, `indicators.spc.signals.${w.signal}`), quarter: t(lang, 'indicators.pages.quarter_label', { quarter, year }),
      }),
      href: `/indikatorer/${w.indicator_id}?${new URLSearchParams({ unit_type: w.unit_type, unit_code: w.unit_code })}#advarsel`,
    };
  });
}

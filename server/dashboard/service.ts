import type { Knex } from 'knex';
import type { Scope } from '../auth/scope';
import { Lang, t } from '../i18n';
import { IndicatorId } from '../indicators/definitions';
import { computeFunnel, Funnel } from '../indicators/funnel';
import { computeResults, hideOutsideScope, IndicatorResult } from '../indicators/results';
import { computeTrend } from '../indicators/trend';
import { COUNTRY_CODE, listUnits, Unit, UnitType } from '../indicators/units';
import { insideScopeTest, Selection } from './selection';

/**
 * The rows behind every table, chart and download of the dashboard, computed by the indicator engine and
 * hidden outside the user's scope where a result is "få data". Page, download and API share these, so a
 * download holds exactly the rows its table shows.
 */
export interface Viewer { scope: Scope; lang: Lang }

/** The scope test of a viewer, decided once per viewer (one request) however many tables its page holds. */
const insideTests = new WeakMap<Viewer, ReturnType<typeof insideScopeTest>>();

async function hidden<T extends IndicatorResult>(db: Knex, viewer: Viewer, rows: T[]): Promise<T[]> {
  let inside = insideTests.get(viewer);
  if (!inside) {
    inside = insideScopeTest(db, viewer.scope);
    insideTests.set(viewer, inside);
    inside.catch(() => insideTests.delete(viewer));
  }
  return hideOutsideScope(rows, await inside);
}

/** Every indicator for the selected unit and period (the dashboard's cards). */
export async function dashboardRows(db: Knex, s: Selection, viewer: Viewer): Promise<IndicatorResult[]> {
  const rows = await computeResults(db, { period: s.period.code, unitType: s.unit.unitType, unitCode: s.unit.code, lang: viewer.lang });
  return hidden(db, viewer, rows);
}

/** The one result of an indicator for the selected unit. */
export async function resultRow(db: Knex, s: Selection, indicatorId: IndicatorId, viewer: Viewer): Promise<IndicatorResult> {
  const [row] = await computeResults(db, {
    period: s.period.code, unitType: s.unit.unitType, unitCode: s.unit.code, indicatorIds: [indicatorId], lang: viewer.lang,
  });
  return (await hidden(db, viewer, [row]))[0];
}

/** The region a unit lies in (a cluster lies in one region); null for the country. */
export async function regionOf(db: Knex, unit: Unit): Promise<Unit | null> {
  if (unit.unitType === 'country') return null;
  if (unit.unitType === 'region') return unit;
  return (await listUnits(db, 'region')).find((r) => r.municipalityCodes.includes(unit.municipalityCodes[0])) ?? null;
}

export interface Comparison { unitType: UnitType; codes: string[]; title: string }

/**
 * Which units a unit is compared with: a municipality with the municipalities of its region, a cluster with
 * the clusters, a region with the regions, and the country with its regions.
 */
export async function comparisonFor(db: Knex, unit: Unit, lang: Lang): Promise<Comparison> {
  if (unit.unitType === 'municipality') {
    const region = (await regionOf(db, unit))!;
    return { unitType: 'municipality', codes: region.municipalityCodes, title: t(lang, 'indicators.pages.comparison_municipalities', { region: region.name }) };
  }
  const unitType: UnitType = unit.unitType === 'cluster' ? 'cluster' : 'region';
  const codes = (await listUnits(db, unitType)).map((u) => u.code);
  return { unitType, codes, title: t(lang, `indicators.pages.comparison_${unitType}s`) };
}

export async function comparisonRows(db: Knex, s: Selection, indicatorId: IndicatorId, viewer: Viewer): Promise<{ comparison: Comparison; rows: IndicatorResult[] }> {
  const comparison = await comparisonFor(db, s.unit, viewer.lang);
  const all = await computeResults(db, { period: s.period.code, unitType: comparison.unitType, indicatorIds: [indicatorId], lang: viewer.lang });
  return { comparison, rows: await hidden(db, viewer, all.filter((r) => comparison.codes.includes(r.unit_code))) };
}

/** The 8 quarters ending with the selected period's last quarter (none after today). */
export async function trendRows(db: Knex, s: Selection, indicatorId: IndicatorId, viewer: Viewer): Promise<IndicatorResult[]> {
  const rows = await computeTrend(db, {
    period: s.period.code, unitType: s.unit.unitType, unitCode: s.unit.code, indicatorId, lang: viewer.lang,
  });
  return hidden(db, viewer, rows);
}

/** The funnel area: the selected unit's region, or the country (for the country, or when asked for). */
export async function funnelAreaOf(db: Knex, unit: Unit, wantCountry: boolean): Promise<Unit> {
  const region = wantCountry ? null : await regionOf(db, unit);
  return region ?? (await listUnits(db, 'country'))[0];
}

/** The funnel plot over the area's municipalities; hidden ones keep their part of p0 but lose their point. */
export async function funnelRows(db: Knex, s: Selection, indicatorId: IndicatorId, area: Unit, viewer: Viewer): Promise<Funnel> {
  const funnel = (await computeFunnel(db, {
    period: s.period.code, indicatorId, regionCode: area.unitType === 'country' ? COUNTRY_CODE : area.code, lang: viewer.lang,
  }))!;
  return { ...funnel, rows: await hidden(db, viewer, funnel.rows) };
}

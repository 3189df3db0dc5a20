import type { Knex } from 'knex';
import { municipalitiesInScope, Scope } from '../access';
import { Lang, t } from '../i18n';
import { IndicatorId } from '../indicators/definitions';
import { computeFunnel, Funnel } from '../indicators/funnel';
import { computeResults, hideOutsideScope, hideResult, IndicatorResult } from '../indicators/results';
import { computeSpc, computeWarnings, SpcPoint, WarningItem } from '../indicators/spc';
import { computeStrata, GapRow, hideStrataComplement, strataGaps, StratumResult, StratumType } from '../indicators/strata';
import { computeTrend } from '../indicators/trend';
import { COUNTRY_CODE, listUnits, Unit, UnitType } from '../indicators/units';
import { defaultUnitOf, insideScopeTest, Selection } from './selection';

/**
 * The rows behind every table, chart and download of the dashboard, computed by the indicator engine and
 * hidden outside the user's scope where a result is "få data". Page, download and API share these, so a
 * download holds exactly the rows its table shows.
 */
export interface Viewer { scope: Scope; lang: Lang }

/** The scope test of a viewer, decided once per viewer (one request) however many tables its page holds. */
const insideTests = new WeakMap<Viewer, ReturnType<typeof insideScopeTest>>();

async function hidden<T extends IndicatorResult>(db: Knex, viewer: Viewer, rows: T[]): Promise<T[]> {
  return hideOutsideScope(rows, await insideOf(db, viewer));
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
  const rows = await hidden(db, viewer, await computeTrend(db, {
    period: s.period.code, unitType: s.unit.unitType, unitCode: s.unit.code, indicatorId, lang: viewer.lang,
  }));
  return hideTrendComplement(db, rows, viewer);
}

/**
 * Complementary hiding (indicators.md): a quarter hidden in a trend whose year result is shown hides every quarter
 * of that year there, so it cannot be worked out by subtracting the others from the year.
 */
async function hideTrendComplement(db: Knex, rows: IndicatorResult[], viewer: Viewer): Promise<IndicatorResult[]> {
  const years = [...new Set(rows.filter((r) => r.denominator === null).map((r) => r.period.slice(0, 4)))];
  const hideYears = new Set<string>();
  for (const year of years) {
    const r = rows[0];
    const [yearRow] = await computeResults(db, { period: year, unitType: r.unit_type, unitCode: r.unit_code, indicatorIds: [r.indicator_id] });
    if (yearRow && !yearRow.few_data) hideYears.add(year);
  }
  return rows.map((r) => (hideYears.has(r.period.slice(0, 4)) ? hideResult(r) : r));
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

/** The scope test of a viewer as a synchronous function (decided once per viewer). */
async function insideOf(db: Knex, viewer: Viewer): Promise<(unitType: UnitType, unitCode: string) => boolean> {
  let inside = insideTests.get(viewer);
  if (!inside) {
    inside = insideScopeTest(db, viewer.scope);
    insideTests.set(viewer, inside);
    inside.catch(() => insideTests.delete(viewer));
  }
  return inside;
}

/**
 * The strata of one indicator (or all) for one unit (or every unit of the type) and period, hidden outside the scope where "få
 * data" (and complementarily, every stratum of the type), with the gaps computed from what is shown.
 */
export async function strataRows(
  db: Knex, q: { period: string; unitType: UnitType; unitCode?: string }, stratumType: StratumType,
  indicatorId: IndicatorId | undefined, viewer: Viewer,
): Promise<{ rows: StratumResult[]; gaps: GapRow[] }> {
  const all = await computeStrata(db, { ...q, stratumType, indicatorIds: indicatorId ? [indicatorId] : undefined, lang: viewer.lang });
  const rows = hideStrataComplement(hideOutsideScope(all, await insideOf(db, viewer)));
  return { rows, gaps: strataGaps(rows) };
}

/** The p-chart of one indicator for a unit (12 quarters to the last complete one), hidden for the viewer. */
export async function spcRows(db: Knex, unit: Unit, indicatorId: IndicatorId, viewer: Viewer): Promise<SpcPoint[]> {
  return computeSpc(db, { indicatorId, unit, inside: await insideOf(db, viewer) });
}

/**
 * The early-warning list of a viewer: their own unit (municipality, region or the country) and the
 * municipalities inside their scope.
 */
export async function warningItems(db: Knex, viewer: Viewer): Promise<WarningItem[]> {
  const own = defaultUnitOf(viewer.scope);
  const ownUnit = (await listUnits(db, own.unitType)).find((u) => u.code === own.code)!;
  return computeWarnings(db, { ownUnit, municipalityCodes: await municipalitiesInScope(db, viewer.scope), inside: await insideOf(db, viewer) });
}

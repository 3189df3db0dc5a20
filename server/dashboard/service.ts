import type { Knex } from 'knex';
import { municipalitiesInScope, Scope } from '../access';
import { Lang, t } from '../i18n';
import { IndicatorId } from '../indicators/definitions';
import { geography, Unit, UnitType } from '../geography';
import { CountsMemo } from '../indicators/compute';
import { computeFunnel, Funnel } from '../indicators/funnel';
import { computeResults, hideOutsideScope, hideResult, IndicatorResult } from '../indicators/results';
import { computeSpc, computeWarnings, InsideTest, SpcPoint, WarningItem } from '../indicators/spc';
import { listStandards, StandardRow } from '../indicators/standards';
import { computeStrata, GapRow, hideStrataComplement, strataGaps, StratumResult, StratumType } from '../indicators/strata';
import { computeTrendWithYears } from '../indicators/trend';
import { defaultUnitOf, insideScopeTest, Selection } from './selection';

/**
 * The rows behind every table, chart and download of the dashboard, computed by the indicator engine and
 * hidden outside the user's scope where a result is "få data". Page, download and API share these, so a
 * download holds exactly the rows its table shows.
 */
/** Who looks, made once per request (viewerOf): what the request resolves once hangs on this object. */
export interface Viewer { scope: Scope; lang: Lang }

/**
 * What one request resolves once, however many tables its page holds: the geography (from memory), the
 * standards (one read), the scope test, and the memo that lets identical grouped queries run once.
 */
interface RequestState {
  standards: Promise<StandardRow[]>;
  inside: Promise<InsideTest>;
  memo: CountsMemo;
}
const states = new WeakMap<Viewer, RequestState>();

function stateOf(db: Knex, viewer: Viewer): RequestState {
  let state = states.get(viewer);
  if (!state) {
    state = { standards: listStandards(db), inside: insideScopeTest(db, viewer.scope), memo: new Map() };
    // A rejection is the request's error; the state dies with the viewer.
    state.standards.catch(() => undefined);
    state.inside.catch(() => undefined);
    states.set(viewer, state);
  }
  return state;
}

/** The resolved part every engine call of the request shares. */
async function engineOf(db: Knex, viewer: Viewer) {
  const state = stateOf(db, viewer);
  return { standards: await state.standards, memo: state.memo, lang: viewer.lang };
}

async function hidden<T extends IndicatorResult>(db: Knex, viewer: Viewer, rows: T[]): Promise<T[]> {
  return hideOutsideScope(rows, await insideOf(db, viewer));
}

/**
 * Every indicator's result for the selected unit and period, from one grouped query per period date shared by the
 * request's cards and result (the same memo key). The trend counts its own quarters (trendRows): a year summed from
 * quarterly counts reads the year's rows in four branches and its other year for the trend's indicator besides,
 * which bench/indicators.ts measured slower than the year's own pass plus the trend's on both engines.
 */
async function periodResults(db: Knex, s: Selection, viewer: Viewer): Promise<IndicatorResult[]> {
  return computeResults(db, { ...(await engineOf(db, viewer)), period: s.period, units: [s.unit] });
}

/** Every indicator for the selected unit and period (the dashboard's cards). */
export async function dashboardRows(db: Knex, s: Selection, viewer: Viewer): Promise<IndicatorResult[]> {
  return hidden(db, viewer, await periodResults(db, s, viewer));
}

/** The one result of an indicator for the selected unit. */
export async function resultRow(db: Knex, s: Selection, indicatorId: IndicatorId, viewer: Viewer): Promise<IndicatorResult> {
  const row = (await periodResults(db, s, viewer)).find((r) => r.indicator_id === indicatorId)!;
  return (await hidden(db, viewer, [row]))[0];
}

/** The region a unit lies in (a cluster lies in one region); null for the country. */
export async function regionOf(db: Knex, unit: Unit): Promise<Unit | null> {
  return (await geography(db)).regionOf(unit);
}

export interface Comparison { unitType: UnitType; units: readonly Unit[]; codes: string[]; title: string }

/**
 * Which units a unit is compared with: a municipality with the municipalities of its region, a cluster with
 * the clusters, a region with the regions, and the country with its regions.
 */
export async function comparisonFor(db: Knex, unit: Unit, lang: Lang): Promise<Comparison> {
  const geo = await geography(db);
  if (unit.unitType === 'municipality') {
    const region = geo.regionOf(unit)!;
    const units = region.municipalityCodes.map((code) => geo.unit('municipality', code)!);
    return { unitType: 'municipality', units, codes: region.municipalityCodes, title: t(lang, 'indicators.pages.comparison_municipalities', { region: region.name }) };
  }
  const unitType: UnitType = unit.unitType === 'cluster' ? 'cluster' : 'region';
  const units = geo.units(unitType);
  return { unitType, units, codes: units.map((u) => u.code), title: t(lang, `indicators.pages.comparison_${unitType}s`) };
}

export async function comparisonRows(db: Knex, s: Selection, indicatorId: IndicatorId, viewer: Viewer): Promise<{ comparison: Comparison; rows: IndicatorResult[] }> {
  const comparison = await comparisonFor(db, s.unit, viewer.lang);
  const rows = await computeResults(db, { ...(await engineOf(db, viewer)), period: s.period, units: comparison.units, indicatorIds: [indicatorId] });
  return { comparison, rows: await hidden(db, viewer, rows) };
}

/**
 * The 8 quarters ending with the selected period's last quarter (none after today), with complementary hiding
 * (indicators.md): a quarter hidden in a trend whose year result is shown hides every quarter of that year there,
 * so it cannot be worked out by subtracting the others from the year. The years come from the trend's own pass.
 */
export async function trendRows(db: Knex, s: Selection, indicatorId: IndicatorId, viewer: Viewer): Promise<IndicatorResult[]> {
  const { quarters, years } = await computeTrendWithYears(db, { ...(await engineOf(db, viewer)), period: s.period, unit: s.unit, indicatorId });
  const rows = await hidden(db, viewer, quarters);
  const yearShown = (r: IndicatorResult) => years.get(Number(r.period.slice(0, 4)))?.few_data === false;
  const hideYears = new Set(rows.filter((r) => r.denominator === null && yearShown(r)).map((r) => r.period.slice(0, 4)));
  return rows.map((r) => (hideYears.has(r.period.slice(0, 4)) ? hideResult(r) : r));
}

/** The funnel area: the selected unit's region, or the country (for the country, or when asked for). */
export async function funnelAreaOf(db: Knex, unit: Unit, wantCountry: boolean): Promise<Unit> {
  const geo = await geography(db);
  return (wantCountry ? null : geo.regionOf(unit)) ?? geo.country;
}

/** The funnel plot over the area's municipalities; hidden ones keep their part of p0 but lose their point. */
export async function funnelRows(db: Knex, s: Selection, indicatorId: IndicatorId, area: Unit, viewer: Viewer): Promise<Funnel> {
  const funnel = (await computeFunnel(db, { ...(await engineOf(db, viewer)), period: s.period, indicatorId, area }))!;
  return { ...funnel, rows: await hidden(db, viewer, funnel.rows) };
}

/** The scope test of a viewer as a synchronous function (decided once per viewer). */
async function insideOf(db: Knex, viewer: Viewer): Promise<InsideTest> {
  return stateOf(db, viewer).inside;
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
  const ownUnit = (await geography(db)).unit(own.unitType, own.code)!;
  return computeWarnings(db, { ownUnit, municipalityCodes: await municipalitiesInScope(db, viewer.scope), inside: await insideOf(db, viewer) });
}

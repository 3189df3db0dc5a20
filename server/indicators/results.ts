import type { Knex } from 'knex';
import { Lang } from '../i18n';
import { nowIso } from '../time';
import { geography } from '../geography';
import { Counts, countByMunicipality, CountsMemo, CountsTable, poolCounts } from './compute';
import { IndicatorDefinition, IndicatorId, INDICATORS } from './definitions';
import { parsePeriod, Period } from './periods';
import { formatStandard, listStandards, StandardRow, thresholdOn } from './standards';
import { isFewData, missingBounds, proportion, standardMet, wilsonInterval } from './stats';
import type { Unit, UnitType } from '../geography';

/** One result row: the columns of formats.md "Indicator results", unrounded. */
export interface IndicatorResult {
  indicator_id: IndicatorId;
  indicator_name: string;
  unit_type: UnitType;
  unit_code: string;
  unit_name: string;
  period: string;
  numerator: number | null;
  denominator: number | null;
  missing: number | null;
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  missing_low: number | null;
  missing_high: number | null;
  /** ASCII, e.g. ">=0.80" */
  standard: string;
  standard_met: boolean | null;
  few_data: boolean;
  computed_at: string;
}

/** A result from counts, judged by the standard valid at the start of its period. */
export function buildResult(
  definition: IndicatorDefinition, unit: Unit, period: Period, counts: Counts,
  standards: readonly StandardRow[], lang: Lang, computedAt: string,
): IndicatorResult {
  const threshold = thresholdOn(standards, definition.id, period.first) ?? definition.defaultStandard;
  const { numerator, denominator, missing } = counts;
  const ci = wilsonInterval(numerator, denominator);
  const bounds = missingBounds(numerator, denominator, missing);
  return {
    indicator_id: definition.id,
    indicator_name: definition.name[lang],
    unit_type: unit.unitType,
    unit_code: unit.code,
    unit_name: unit.name,
    period: period.code,
    numerator,
    denominator,
    missing,
    value: proportion(numerator, denominator),
    ci_low: ci?.low ?? null,
    ci_high: ci?.high ?? null,
    missing_low: bounds?.low ?? null,
    missing_high: bounds?.high ?? null,
    standard: formatStandard(threshold),
    standard_met: standardMet(numerator, denominator, threshold),
    few_data: isFewData(denominator),
    computed_at: computedAt,
  };
}

/** A unit's counts: its municipalities' counts summed; the country sums every course of the installation. */
export function unitCounts(table: CountsTable, indicatorId: IndicatorId, period: Period, unit: Unit): Counts {
  const byMunicipality = table.get(indicatorId)?.get(period.code);
  return poolCounts(byMunicipality, unit.unitType === 'country' ? undefined : unit.municipalityCodes);
}

/**
 * What results are asked for, resolved once per request: the period, the units (rows come in their order), the
 * standards (read when absent) and the request's counts memo.
 */
export interface ResolvedResultsQuery {
  period: Period;
  units: readonly Unit[];
  indicatorIds?: readonly IndicatorId[];
  lang?: Lang;
  now?: Date;
  standards?: readonly StandardRow[];
  memo?: CountsMemo;
}

/** The same by codes, for callers outside a request (CLI, tests): resolved once at the entry. */
export interface ResultsQuery {
  period: string;
  unitType: UnitType;
  /** one unit of the type; all units when absent */
  unitCode?: string;
  indicatorIds?: readonly IndicatorId[];
  lang?: Lang;
  now?: Date;
}

/** Every unit of a type, or the one with `unitCode` (none when there is no such unit). */
export async function resolveUnits(db: Knex, unitType: UnitType, unitCode?: string): Promise<readonly Unit[]> {
  const geo = await geography(db);
  if (unitCode === undefined) return geo.units(unitType);
  const unit = geo.unit(unitType, unitCode);
  return unit ? [unit] : [];
}

/**
 * Results for the units and every indicator (or some) in one period: rows by indicator, then unit. A unit
 * without courses has a row with zero counts; no units → []. One grouped query per period-date column (none
 * when the request's memo holds it).
 */
export async function computeResults(db: Knex, query: ResolvedResultsQuery | ResultsQuery): Promise<IndicatorResult[]> {
  const q = typeof query.period === 'string' ? await resolveResultsQuery(db, query as ResultsQuery) : query as ResolvedResultsQuery;
  if (q.units.length === 0) return [];
  const definitions = INDICATORS.filter((d) => !q.indicatorIds || q.indicatorIds.includes(d.id));
  const [table, standards] = await Promise.all([
    countByMunicipality(db, {
      periods: [q.period], indicatorIds: definitions.map((d) => d.id), municipalityCodes: await municipalitiesToCount(db, q.units), memo: q.memo,
    }),
    q.standards ?? listStandards(db),
  ]);
  const computedAt = nowIso(q.now);
  return definitions.flatMap((d) => q.units.map((u) =>
    buildResult(d, u, q.period, unitCounts(table, d.id, q.period, u), standards, q.lang ?? 'da', computedAt)));
}

async function resolveResultsQuery(db: Knex, q: ResultsQuery): Promise<ResolvedResultsQuery> {
  return { ...q, period: parsePeriod(q.period), units: await resolveUnits(db, q.unitType, q.unitCode) };
}

/**
 * The municipalities whose courses the units need, in municipalities.csv order; undefined (every course) for the
 * country or when they hold every municipality. The same set gives the same query, so a request's memo shares it.
 */
export async function municipalitiesToCount(db: Knex, units: readonly Unit[]): Promise<string[] | undefined> {
  if (units.some((u) => u.unitType === 'country')) return undefined;
  const wanted = new Set(units.flatMap((u) => u.municipalityCodes));
  const all = (await geography(db)).country.municipalityCodes;
  return wanted.size === all.length ? undefined : all.filter((code) => wanted.has(code));
}

/** The fields emptied where a result is hidden as "få data" outside the user's scope (formats.md). */
const HIDDEN_FIELDS = [
  'numerator', 'denominator', 'missing', 'value', 'ci_low', 'ci_high', 'missing_low', 'missing_high', 'standard_met',
  'limit95_low', 'limit95_high', 'limit998_low', 'limit998_high', 'outlier',
  'shrunk_value', 'limit95_od_low', 'limit95_od_high', 'limit998_od_low', 'limit998_od_high', 'outlier_od',
] as const;

/**
 * Outside the user's scope a result with denominator below 5 shows "få data" only: its counts, value, interval,
 * bounds, judgement (and funnel limits) become null. Inside the scope everything stays. Returns new rows.
 */
export function hideOutsideScope<T extends IndicatorResult>(
  rows: readonly T[], isInside: (unitType: UnitType, unitCode: string) => boolean,
): T[] {
  return rows.map((row) => (!row.few_data || isInside(row.unit_type, row.unit_code) ? row : hideResult(row)));
}

/** A copy of a row with its counts, value, interval, bounds, judgement (and limits) null: shown as hidden. */
export function hideResult<T extends IndicatorResult>(row: T): T {
  const hidden = { ...row } as Record<string, unknown>;
  for (const field of HIDDEN_FIELDS) if (field in hidden) hidden[field] = null;
  return hidden as T;
}

import type { Knex } from 'knex';
import { Lang } from '../i18n';
import { nowIso } from '../time';
import { Counts, countByMunicipality, CountsTable, poolCounts } from './compute';
import { IndicatorDefinition, IndicatorId, INDICATORS } from './definitions';
import { parsePeriod, Period } from './periods';
import { formatStandard, listStandards, StandardRow, thresholdOn } from './standards';
import { isFewData, missingBounds, proportion, standardMet, wilsonInterval } from './stats';
import { listUnits, Unit, UnitType } from './units';

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

export interface ResultsQuery {
  period: string;
  unitType: UnitType;
  /** one unit of the type; all units when absent */
  unitCode?: string;
  indicatorIds?: readonly IndicatorId[];
  lang?: Lang;
  now?: Date;
}

/**
 * Results for every unit of a type (or one) and every indicator (or some) in one period: rows by indicator,
 * then unit in formats.md order. A unit without courses has a row with zero counts. An unknown unitCode → [].
 */
export async function computeResults(db: Knex, query: ResultsQuery): Promise<IndicatorResult[]> {
  const period = parsePeriod(query.period);
  const units = (await listUnits(db, query.unitType)).filter((u) => query.unitCode === undefined || u.code === query.unitCode);
  if (units.length === 0) return [];
  const definitions = INDICATORS.filter((d) => !query.indicatorIds || query.indicatorIds.includes(d.id));
  // Only one unit needs a filter; all units of a type together hold every municipality.
  const restrictTo = query.unitCode === undefined || query.unitType === 'country' ? undefined : units[0].municipalityCodes;
  const [table, standards] = await Promise.all([
    countByMunicipality(db, { periods: [period], indicatorIds: definitions.map((d) => d.id), municipalityCodes: restrictTo }),
    listStandards(db),
  ]);
  const computedAt = nowIso(query.now);
  return definitions.flatMap((d) => units.map((u) =>
    buildResult(d, u, period, unitCounts(table, d.id, period, u), standards, query.lang ?? 'da', computedAt)));
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

import type { Knex } from 'knex';
import { codesOf } from '../courses';
import { Lang } from '../i18n';
import { nowIso } from '../time';
import { Counts, countStrata, StrataCountsTable, StratumSplit, ZERO_COUNTS } from './compute';
import { INDICATORS, IndicatorId } from './definitions';
import { newcombeGap } from './fair-stats';
import { parsePeriod, Period } from './periods';
import { buildResult, hideResult, IndicatorResult } from './results';
import { listStandards } from './standards';
import { listUnits, type Unit, type UnitType } from '../geography';

/** indicators.md "Equality in health (strata)": the stratum types and their strata, in order. */
export const STRATUM_TYPES = ['sex', 'age_group', 'diagnosis_group'] as const;
export type StratumType = (typeof STRATUM_TYPES)[number];

/** indicators.md's age groups, whole years on referral_date. */
export const AGE_GROUPS = ['<60', '60-69', '70-79', '80+'] as const;

export function strataOf(type: StratumType): readonly string[] {
  if (type === 'sex') return ['F', 'M'];
  if (type === 'age_group') return AGE_GROUPS;
  return codesOf('diagnosis_group');
}

export function isStratumType(v: unknown): v is StratumType {
  return typeof v === 'string' && (STRATUM_TYPES as readonly string[]).includes(v);
}

/** The gap's two strata (value of the first − value of the second); none for diagnosis_group. */
const GAP_PAIRS: Partial<Record<StratumType, [string, string]>> = { sex: ['F', 'M'], age_group: ['80+', '<60'] };

export interface StratumResult extends IndicatorResult { stratum_type: StratumType; stratum: string }
export interface GapRow {
  indicator_id: IndicatorId; unit_type: UnitType; unit_code: string; period: string; stratum_type: StratumType;
  gap: number | null; gap_low: number | null; gap_high: number | null; significant: boolean | null;
}

/**
 * The course's stratum of a type, as SQL on the course row alone, each a column the database keeps on the course
 * and in the covering indexes: `sex` and `birth_date` are the patient's (migration 20261201110000), `age_group` is
 * whole years on referral_date (migration 20261202160000); NULL (no stratum) when unknown.
 */
export function stratumSplit(type: StratumType): StratumSplit {
  return { strata: strataOf(type), expression: (db) => db.raw('??', [`courses.${type}`]) };
}

/** A unit's counts in one stratum: the sum over its municipalities. */
export function stratumCounts(table: StrataCountsTable, id: IndicatorId, period: Period, unit: Unit, stratum: string): Counts {
  const total = { ...ZERO_COUNTS };
  const byMunicipality = table.get(id)?.get(period.code);
  if (!byMunicipality) return total;
  const codes = unit.unitType === 'country' ? [...byMunicipality.keys()] : unit.municipalityCodes;
  for (const code of codes) {
    const c = byMunicipality.get(code)?.get(stratum);
    if (!c) continue;
    total.numerator += c.numerator;
    total.denominator += c.denominator;
    total.missing += c.missing;
  }
  return total;
}

export interface StrataQuery {
  period: string; unitType: UnitType; unitCode?: string; stratumType: StratumType;
  indicatorIds?: readonly IndicatorId[]; lang?: Lang; now?: Date;
}

/**
 * Results per stratum for every unit of a type (or one) and indicator (or some) in one period — rows by
 * indicator, unit, then stratum in indicators.md's order, every stratum with a row — from one grouped query per
 * period-date column (countStrata) reading only `courses`. Unrounded and not hidden: the caller hides
 * (hideStrata). Unknown unit → no rows.
 */
export async function computeStrata(db: Knex, q: StrataQuery): Promise<StratumResult[]> {
  const period = parsePeriod(q.period);
  const units = (await listUnits(db, q.unitType)).filter((u) => q.unitCode === undefined || u.code === q.unitCode);
  if (units.length === 0) return [];
  const definitions = INDICATORS.filter((d) => !q.indicatorIds || q.indicatorIds.includes(d.id));
  const restrictTo = q.unitCode === undefined || q.unitType === 'country' ? undefined : units[0].municipalityCodes;
  const [table, standards] = await Promise.all([
    countStrata(db, { periods: [period], indicatorIds: definitions.map((d) => d.id), municipalityCodes: restrictTo, split: stratumSplit(q.stratumType) }),
    listStandards(db),
  ]);
  const computedAt = nowIso(q.now);
  const strata = strataOf(q.stratumType);
  const rows: StratumResult[] = [];
  for (const d of definitions) {
    for (const u of units) {
      for (const stratum of strata) {
        const r = buildResult(d, u, period, stratumCounts(table, d.id, period, u, stratum), standards, q.lang ?? 'da', computedAt);
        rows.push(Object.assign(r, { stratum_type: q.stratumType, stratum }));
      }
    }
  }
  return rows;
}

/**
 * Complementary hiding (indicators.md): when any stratum of a unit, indicator and period is hidden (its counts
 * null), every stratum of that type for them is hidden too. Rows already hidden by hideOutsideScope go in.
 */
export function hideStrataComplement(rows: readonly StratumResult[]): StratumResult[] {
  const hiddenGroups = new Set(rows.filter((r) => r.denominator === null).map(groupKey));
  return rows.map((r) => (hiddenGroups.has(groupKey(r)) && r.denominator !== null ? hideResult(r) : r));
}

const groupKey = (r: StratumResult) => `${r.indicator_id}|${r.unit_type}|${r.unit_code}|${r.period}|${r.stratum_type}`;


/**
 * The gaps of sex (F − M) and age group (80+ − <60) with Newcombe's interval, one per indicator, unit and
 * period, from the (hidden) stratum rows: empty when either denominator is below 5 or either result is hidden.
 * None for diagnosis_group.
 */
export function strataGaps(rows: readonly StratumResult[]): GapRow[] {
  const gaps: GapRow[] = [];
  const byGroup = new Map<string, StratumResult[]>();
  for (const r of rows) byGroup.set(groupKey(r), [...(byGroup.get(groupKey(r)) ?? []), r]);
  for (const group of byGroup.values()) {
    const first = group[0];
    const pair = GAP_PAIRS[first.stratum_type];
    if (!pair) continue;
    const [a, b] = pair.map((s) => group.find((r) => r.stratum === s));
    const g = a && b && a.denominator !== null && b.denominator !== null
      ? newcombeGap(a.numerator!, a.denominator, b.numerator!, b.denominator) : null;
    gaps.push({
      indicator_id: first.indicator_id, unit_type: first.unit_type, unit_code: first.unit_code, period: first.period,
      stratum_type: first.stratum_type, gap: g?.gap ?? null, gap_low: g?.low ?? null, gap_high: g?.high ?? null,
      significant: g ? g.significant : null,
    });
  }
  return gaps;
}

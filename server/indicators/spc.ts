import type { Knex } from 'knex';
import { today as todayInDenmark } from '../time';
import { Counts, countByMunicipality, CountsTable, poolCounts } from './compute';
import { IndicatorId, INDICATORS } from './definitions';
import { periodOfDate, Period, quartersEndingWith } from './periods';
import { isWarning, pChart, PCHART_QUARTERS, PChartPoint, QuarterCounts, Signal } from './pchart';
import { unitCounts } from './results';
import { FEW_DATA_BELOW } from './stats';
import { listUnits, type Unit, type UnitType } from '../geography';

/** One p-chart row of formats.md: the chart's point with the indicator, unit and quarter it belongs to. */
export interface SpcPoint extends PChartPoint {
  indicator_id: IndicatorId;
  unit_type: UnitType;
  unit_code: string;
  period: string;
}

/** Is a unit inside the viewer's scope? Outside, a quarter with denominator below 5 is hidden. */
export type InsideTest = (unitType: UnitType, unitCode: string) => boolean;

/** The 12 quarters of the chart: ending with the last complete quarter, the one before today's. */
export function spcQuarters(today: string): Period[] {
  const current = periodOfDate(today, 'quarter');
  return quartersEndingWith(quartersEndingWith(current, 2)[0], PCHART_QUARTERS);
}

/**
 * Which quarters are hidden for a viewer (indicators.md): outside the scope, a quarter with denominator below
 * 5; and when one is and its year's result is shown (year denominator ≥ 5), every quarter of that year, so no
 * hidden count can be worked out by subtraction. `yearDenominator(year)` sums all four quarters.
 */
export function hiddenQuarters(quarters: readonly { year: number; denominator: number }[], inside: boolean, yearDenominator: (year: number) => number): boolean[] {
  if (inside) return quarters.map(() => false);
  const few = quarters.map((q) => q.denominator < FEW_DATA_BELOW);
  const yearsHiding = new Set(quarters.filter((q, i) => few[i] && yearDenominator(q.year) >= FEW_DATA_BELOW).map((q) => q.year));
  return quarters.map((q, i) => few[i] || yearsHiding.has(q.year));
}

/** The chart of one indicator and unit from a counts table holding every quarter of the chart's years. */
export function chartFromTable(table: CountsTable, indicatorId: IndicatorId, unit: Unit, quarters: Period[], allQuarters: Period[], inside: InsideTest): SpcPoint[] {
  return pChart(chartCounts((q) => unitCounts(table, indicatorId, q, unit), unit, quarters, allQuarters, inside)).map((p, i) => ({
    indicator_id: indicatorId, unit_type: unit.unitType, unit_code: unit.code, period: quarters[i].code, ...p,
  }));
}

/**
 * The p-chart's input for one indicator and unit: each quarter's counts (`countsOf`) and whether it is hidden. The
 * year sums over `allQuarters` are taken only when a quarter may be hidden (outside the scope).
 */
function chartCounts(countsOf: (quarter: Period) => Counts, unit: Unit, quarters: Period[], allQuarters: Period[], inside: InsideTest): QuarterCounts[] {
  const counts = quarters.map(countsOf);
  const isInside = inside(unit.unitType, unit.code);
  let byYear: Map<number, number> | undefined;
  const yearDenominator = (year: number) => {
    if (!byYear) {
      byYear = new Map();
      for (const q of allQuarters) byYear.set(q.year, (byYear.get(q.year) ?? 0) + countsOf(q).denominator);
    }
    return byYear.get(year) ?? 0;
  };
  const hidden = hiddenQuarters(quarters.map((q, i) => ({ year: q.year, denominator: counts[i].denominator })), isInside, yearDenominator);
  return counts.map((c, i) => ({ numerator: c.numerator, denominator: c.denominator, hidden: hidden[i] }));
}

/** The quarters of the chart and all quarters of their years (counted in the same grouped queries). */
export function spcPeriods(today: string): { quarters: Period[]; allQuarters: Period[] } {
  const quarters = spcQuarters(today);
  const allQuarters: Period[] = [];
  for (let y = quarters[0].year; y <= quarters.at(-1)!.year; y++) {
    for (let q = 1; q <= 4; q++) allQuarters.push(periodOfDate(`${y}-${String(3 * q).padStart(2, '0')}-01`, 'quarter'));
  }
  return { quarters, allQuarters };
}

/**
 * The p-chart of one indicator and unit (formats.md "p-chart"): 12 points, oldest first, ending with the last
 * complete quarter before `today` (Danish time). Counts from one grouped query; hidden quarters as above.
 */
export async function computeSpc(db: Knex, query: {
  indicatorId: IndicatorId; unit: Unit; inside: InsideTest; today?: string; now?: Date;
}): Promise<SpcPoint[]> {
  const { quarters, allQuarters } = spcPeriods(query.today ?? todayInDenmark(query.now));
  const table = await countByMunicipality(db, {
    periods: allQuarters, indicatorIds: [query.indicatorId],
    municipalityCodes: query.unit.unitType === 'country' ? undefined : query.unit.municipalityCodes,
  });
  return chartFromTable(table, query.indicatorId, query.unit, quarters, allQuarters, query.inside);
}

export interface WarningItem { indicator_id: IndicatorId; unit_type: UnitType; unit_code: string; period: string; signal: Signal }

/**
 * The early-warning list (indicators.md): for the viewer's own unit and the municipalities inside its scope,
 * every (unit, indicator) with a warning signal in the last 4 quarters, one item each for its newest such quarter;
 * newest quarter first, then the own unit first and municipalities in municipalities.csv order, then indicator.
 * All counts come from one grouped query per period-date column over the chart's quarters.
 */
export async function computeWarnings(db: Knex, query: {
  ownUnit: Unit; municipalityCodes: readonly string[]; inside: InsideTest; today?: string; now?: Date;
}): Promise<WarningItem[]> {
  const municipalities = (await listUnits(db, 'municipality')).filter((m) => query.municipalityCodes.includes(m.code));
  const units = [query.ownUnit, ...municipalities.filter((m) => !(query.ownUnit.unitType === 'municipality' && m.code === query.ownUnit.code))];
  const periods = spcPeriods(query.today ?? todayInDenmark(query.now));
  const quarters = periods.quarters;
  // The year sums are needed only to hide quarters of units outside the scope; the listed units rarely are.
  const allQuarters = units.every((u) => query.inside(u.unitType, u.code)) ? quarters : periods.allQuarters;
  const table = await countByMunicipality(db, { periods: allQuarters });
  const items: (WarningItem & { order: number })[] = [];
  for (const d of INDICATORS) {
    const byQuarter = table.get(d.id);
    // the country's counts pooled once per quarter, not once per chart that asks for them
    const country = new Map(allQuarters.map((q) => [q.code, poolCounts(byQuarter?.get(q.code))]));
    units.forEach((unit, order) => {
      const countsOf = (q: Period) => (unit.unitType === 'country' ? country.get(q.code)! : poolCounts(byQuarter?.get(q.code), unit.municipalityCodes));
      const signals = pChart(chartCounts(countsOf, unit, quarters, allQuarters, query.inside)).map((p) => p.signal);
      const newest = signals.findLastIndex(isWarning);
      if (newest >= 0) items.push({ indicator_id: d.id, unit_type: unit.unitType, unit_code: unit.code, period: quarters[newest].code, signal: signals[newest]!, order });
    });
  }
  items.sort((a, b) => (a.period !== b.period ? (a.period < b.period ? 1 : -1) : a.order - b.order || (a.indicator_id < b.indicator_id ? -1 : 1)));
  return items.map(({ order: _order, ...item }) => item);
}


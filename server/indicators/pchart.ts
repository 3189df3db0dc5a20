/**
 * The early-warning p-chart of indicators.md "Early warning (p-chart)": a Shewhart p-chart with variable limits
 * (D. C. Montgomery, Introduction to Statistical Quality Control, ch. 7) on 12 quarters, the first 8 the
 * baseline, and two Western Electric style rules in the worse direction. Pure: counts in, points out.
 */

export const PCHART_QUARTERS = 12;
export const BASELINE_QUARTERS = 8;
export type Signal = 'outside_3sigma' | 'two_of_three_2sigma' | 'improved';

export interface QuarterCounts {
  numerator: number;
  denominator: number;
  /** hidden as "få data" outside the user's scope: its numbers and signal become null, and windows holding it give none */
  hidden: boolean;
}

export interface PChartPoint {
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  p_bar: number | null;
  lcl3: number | null;
  ucl3: number | null;
  lcl2: number | null;
  ucl2: number | null;
  baseline: boolean;
  signal: Signal | null;
}

const clip01 = (x: number): number => Math.min(1, Math.max(0, x));
/** Limits to 12 decimals: 0.9 − 3·√(0.09) is 1e-16 in floats, and a value of 0 is not strictly below 0. */
const snap = (x: number): number => Math.round(x * 1e12) / 1e12;

/**
 * Points for 12 quarters, oldest first. p̄ = Σ numerators ÷ Σ denominators of the first 8 (from all counts,
 * hidden or not); no chart (p̄ null, no limits) when that denominator is 0; no limits and no signals when p̄
 * is 0 or 1. For n ≥ 1: σ = √(p̄(1 − p̄)/n), limits p̄ ± 2σ and p̄ ± 3σ clipped to [0, 1]. In the last 4
 * quarters, for a quarter with a denominator, the first that applies: `outside_3sigma` (value strictly below
 * lcl3), `two_of_three_2sigma` (at least 2 of the 3 quarters ending with it strictly below their lcl2; a quarter
 * without denominator counts as not below), `improved` (strictly above ucl3).
 */
export function pChart(quarters: readonly QuarterCounts[]): PChartPoint[] {
  if (quarters.length !== PCHART_QUARTERS) throw new RangeError(`A p-chart needs ${PCHART_QUARTERS} quarters`);
  let baseN = 0;
  let baseX = 0;
  for (let i = 0; i < BASELINE_QUARTERS; i++) {
    baseN += quarters[i].denominator;
    baseX += quarters[i].numerator;
  }
  const pBar = baseN > 0 ? baseX / baseN : null;
  const limited = pBar !== null && pBar > 0 && pBar < 1;
  // plain loops and no closures: the early warnings draw a chart for every unit and indicator (bench/outcomes.ts)
  const points: PChartPoint[] = [];
  for (let i = 0; i < PCHART_QUARTERS; i++) {
    const q = quarters[i];
    const sigma = limited && q.denominator > 0 ? Math.sqrt((pBar * (1 - pBar)) / q.denominator) : null;
    points.push({
      numerator: q.numerator, denominator: q.denominator, value: q.denominator > 0 ? q.numerator / q.denominator : null,
      p_bar: pBar, lcl3: limitAt(pBar, -3, sigma), ucl3: limitAt(pBar, 3, sigma), lcl2: limitAt(pBar, -2, sigma), ucl2: limitAt(pBar, 2, sigma),
      baseline: i < BASELINE_QUARTERS, signal: null,
    });
  }
  for (let i = BASELINE_QUARTERS; limited && i < PCHART_QUARTERS; i++) {
    const p = points[i];
    if (p.denominator === 0 || quarters[i].hidden) continue;
    if (p.value! < p.lcl3!) p.signal = 'outside_3sigma';
    else if (!windowHidden(quarters, i) && belowLcl2(points[i - 2]) + belowLcl2(points[i - 1]) + belowLcl2(p) >= 2) p.signal = 'two_of_three_2sigma';
    else if (p.value! > p.ucl3!) p.signal = 'improved';
  }
  for (let i = 0; i < PCHART_QUARTERS; i++) {
    if (quarters[i].hidden) points[i] = { ...points[i], numerator: null, denominator: null, value: null, lcl3: null, ucl3: null, lcl2: null, ucl2: null, signal: null };
  }
  return points;
}

/** p̄ + k·σ clipped to [0, 1]; none without σ. */
function limitAt(pBar: number | null, k: number, sigma: number | null): number | null {
  return sigma === null ? null : clip01(snap(pBar! + k * sigma));
}

/** 1 when the point's value lies strictly below its lcl2, else 0. */
function belowLcl2(p: PChartPoint): number {
  return p.value !== null && p.lcl2 !== null && p.value < p.lcl2 ? 1 : 0;
}

/** Does the window of the 3 quarters ending with quarter i hold a hidden one? */
function windowHidden(quarters: readonly QuarterCounts[], i: number): boolean {
  return quarters[i - 2].hidden || quarters[i - 1].hidden || quarters[i].hidden;
}

/** Warning signals (not `improved`). */
export function isWarning(signal: Signal | null): signal is 'outside_3sigma' | 'two_of_three_2sigma' {
  return signal === 'outside_3sigma' || signal === 'two_of_three_2sigma';
}

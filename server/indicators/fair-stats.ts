/**
 * Statistics for equality in health and fair comparison (indicators.md "Equality in health (strata)" and "Fair
 * comparison of small units"); pure functions on counts, no database.
 */
import { FEW_DATA_BELOW, Interval, proportion, wilsonInterval, Z95, Z998 } from './stats';

const clip01 = (x: number): number => Math.min(1, Math.max(0, x));

export interface Gap { gap: number; low: number; high: number; significant: boolean }

/**
 * The difference p₁ − p₂ of two proportions with Newcombe's hybrid score interval (method 10 of R. G. Newcombe,
 * "Interval estimation for the difference between independent proportions", Statistics in Medicine 1998) from
 * the two 95 % Wilson intervals (l₁, u₁), (l₂, u₂): lower = d − √((p₁ − l₁)² + (u₂ − p₂)²), upper =
 * d + √((u₁ − p₁)² + (p₂ − l₂)²). Significant when the interval does not contain 0. Null when either
 * denominator is below 5 ("få data"). Reference: 8/10 vs 5/10 → 0.3 [−0.10667, 0.59987].
 */
export function newcombeGap(num1: number, n1: number, num2: number, n2: number): Gap | null {
  if (n1 < FEW_DATA_BELOW || n2 < FEW_DATA_BELOW) return null;
  const p1 = num1 / n1;
  const p2 = num2 / n2;
  const w1 = wilsonInterval(num1, n1)!;
  const w2 = wilsonInterval(num2, n2)!;
  const gap = p1 - p2;
  const low = gap - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2);
  const high = gap + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2);
  return { gap, low, high, significant: low > 0 || high < 0 };
}

export interface UnitCounts { numerator: number; denominator: number }

export interface Overdispersion {
  /** pooled value of the units with denominator ≥ 1; null when there are none (no funnel) */
  p0: number | null;
  /** (1/I) Σ zᵢ²; null when p₀ is 0 or 1, or I < 2 */
  phi: number | null;
  /** between-unit variance, ≥ 0 */
  tau2: number;
}

/**
 * Overdispersion of units around their pooled value, by the additive random-effects model of D. Spiegelhalter,
 * "Funnel plots for comparing institutional performance", Statistics in Medicine 2005 (without winsorising):
 * s²ᵢ = p₀(1 − p₀)/nᵢ, zᵢ = (pᵢ − p₀)/sᵢ, φ = (1/I) Σ zᵢ², wᵢ = 1/s²ᵢ,
 * τ² = max(0, (I·φ − (I − 1)) / (Σwᵢ − Σwᵢ²/Σwᵢ)). Units with denominator 0 are left out (I counts the rest).
 * p₀ 0 or 1, or I < 2 → τ² = 0 and φ null. Reference (40/50, 18/30, 70/80, 9/10, 100/160) → p₀ = 0.718182,
 * φ = 4.388322, τ² = 0.016326.
 */
export function overdispersion(units: readonly UnitCounts[]): Overdispersion {
  const used = units.filter((u) => u.denominator >= 1);
  const p0 = proportion(used.reduce((s, u) => s + u.numerator, 0), used.reduce((s, u) => s + u.denominator, 0));
  if (p0 === null || p0 <= 0 || p0 >= 1 || used.length < 2) return { p0, phi: null, tau2: 0 };
  const variance = p0 * (1 - p0);
  let sumZ2 = 0;
  let sumW = 0;
  let sumW2 = 0;
  for (const u of used) {
    const w = u.denominator / variance;
    sumZ2 += (u.numerator / u.denominator - p0) ** 2 * w;
    sumW += w;
    sumW2 += w * w;
  }
  const i = used.length;
  const phi = sumZ2 / i;
  const tau2 = Math.max(0, (i * phi - (i - 1)) / (sumW - sumW2 / sumW));
  return { p0, phi, tau2 };
}

/**
 * The shrunk value p̃ = p₀ + τ²/(τ² + s²) · (p − p₀) with s² = p₀(1 − p₀)/n (Spiegelhalter 2005, as above): the
 * estimate to rank and compare by. p itself when p₀ is 0 or 1 (s² = 0) and τ² = 0 for fewer than 2 units
 * (`shrink` false); p₀ when τ² = 0 otherwise. Null when n is 0.
 */
export function shrunkValue(numerator: number, n: number, od: Overdispersion, shrink: boolean): number | null {
  if (n <= 0 || od.p0 === null) return null;
  const p = numerator / n;
  if (!shrink) return p;
  const s2 = (od.p0 * (1 - od.p0)) / n;
  if (s2 === 0) return p;
  return od.p0 + (od.tau2 / (od.tau2 + s2)) * (p - od.p0);
}

export interface OdLimits { limit95: Interval; limit998: Interval }

/** Overdispersed funnel limits p₀ ± z·√(p₀(1 − p₀)/n + τ²) at n, clipped to [0, 1]; null when n is 0. */
export function overdispersedLimits(p0: number, tau2: number, n: number): OdLimits | null {
  if (n <= 0) return null;
  const se = Math.sqrt((p0 * (1 - p0)) / n + tau2);
  const at = (z: number): Interval => ({ low: clip01(p0 - z * se), high: clip01(p0 + z * se) });
  return { limit95: at(Z95), limit998: at(Z998) };
}

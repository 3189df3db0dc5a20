/** Statistics on counts (indicators.md "Statistics"); pure functions, no database. */
export const Z95 = 1.959964;
export const Z998 = 3.090232;
/** Below this denominator a result is "få data": not judged, and hidden outside the user's scope. */
export const FEW_DATA_BELOW = 5;

export interface Interval { low: number; high: number }

const clip01 = (x: number): number => Math.min(1, Math.max(0, x));

/** numerator ÷ denominator; null when the denominator is 0. */
export function proportion(numerator: number, denominator: number): number | null {
  return denominator > 0 ? numerator / denominator : null;
}

/** Wilson score interval for numerator of n at z (default 95 %), clipped to [0, 1]; null when n is 0. */
export function wilsonInterval(numerator: number, n: number, z: number = Z95): Interval | null {
  if (n <= 0) return null;
  const p = numerator / n;
  const z2 = z * z;
  const scale = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / scale;
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / scale;
  // At p = 0 and p = 1 the bound is exactly 0 resp. 1; floats would give 1e-17 or 0.9999999999999999.
  return {
    low: numerator <= 0 ? 0 : clip01(centre - halfWidth),
    high: numerator >= n ? 1 : clip01(centre + halfWidth),
  };
}

/** The value if every missing course had failed (low), resp. met (high); null when nothing was decided or missing. */
export function missingBounds(numerator: number, denominator: number, missing: number): Interval | null {
  const all = denominator + missing;
  if (all <= 0) return null;
  return { low: numerator / all, high: (numerator + missing) / all };
}

export function isFewData(denominator: number): boolean {
  return denominator < FEW_DATA_BELOW;
}

/**
 * Is the standard (in hundredths) met? Compared in whole numbers, 100 × numerator ≥ hundredths × denominator, so
 * 0.8 against "≥ 0.80" never fails on a float. Null when "få data".
 */
export function standardMet(numerator: number, denominator: number, thresholdHundredths: number): boolean | null {
  if (isFewData(denominator)) return null;
  return 100 * numerator >= thresholdHundredths * denominator;
}

export interface FunnelLimits { limit95: Interval; limit998: Interval }

/** Control limits p0 ± z·√(p0(1−p0)/n) at n, clipped to [0, 1]; null when n is 0. */
export function funnelLimits(p0: number, n: number): FunnelLimits | null {
  if (n <= 0) return null;
  const se = Math.sqrt((p0 * (1 - p0)) / n);
  const at = (z: number): Interval => ({ low: clip01(p0 - z * se), high: clip01(p0 + z * se) });
  return { limit95: at(Z95), limit998: at(Z998) };
}

/** 'above'/'below' when n ≥ 5 and the value lies strictly outside the 99.8 % limits, else null. */
export function funnelOutlier(value: number | null, n: number, limits: FunnelLimits | null): 'above' | 'below' | null {
  if (value === null || limits === null || n < FEW_DATA_BELOW) return null;
  if (value > limits.limit998.high) return 'above';
  if (value < limits.limit998.low) return 'below';
  return null;
}

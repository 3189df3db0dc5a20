/** Reporting periods: a calendar year ('2025') or quarter ('2025Q3'), as inclusive ISO date ranges. */
export interface Period {
  code: string;
  kind: 'year' | 'quarter';
  year: number;
  /** 1–4 for a quarter; null for a year */
  quarter: number | null;
  first: string;
  last: string;
}

const PERIOD_PATTERN = /^(\d{4})(?:Q([1-4]))?$/;
/** Courses start in 2010 (referral_date ≥ 2010-01-01); nothing to report before. */
export const FIRST_YEAR = 2010;
const LAST_YEAR = 2999;

export function isPeriodCode(code: unknown): code is string {
  if (typeof code !== 'string') return false;
  const m = PERIOD_PATTERN.exec(code);
  return !!m && +m[1] >= FIRST_YEAR && +m[1] <= LAST_YEAR;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function quarterPeriod(year: number, quarter: number): Period {
  const firstMonth = 3 * (quarter - 1) + 1;
  const lastMonth = firstMonth + 2;
  return {
    code: `${year}Q${quarter}`,
    kind: 'quarter',
    year,
    quarter,
    first: `${year}-${pad2(firstMonth)}-01`,
    last: `${year}-${pad2(lastMonth)}-${pad2(lastDayOfMonth(year, lastMonth))}`,
  };
}

/** '2025' → 2025-01-01…2025-12-31; '2025Q3' → 2025-07-01…2025-09-30. Throws on anything else. */
export function parsePeriod(code: string): Period {
  if (!isPeriodCode(code)) throw new RangeError(`Invalid period: ${String(code)}`);
  const m = PERIOD_PATTERN.exec(code)!;
  const year = +m[1];
  if (m[2]) return quarterPeriod(year, +m[2]);
  return { code, kind: 'year', year, quarter: null, first: `${year}-01-01`, last: `${year}-12-31` };
}

/** The last quarter of a period (the quarter itself, or Q4 of a year). */
export function lastQuarterOf(period: Period): Period {
  return quarterPeriod(period.year, period.quarter ?? 4);
}

/** The n quarters ending with `last`, oldest first. */
export function quartersEndingWith(last: Period, n: number): Period[] {
  const index = last.year * 4 + (last.quarter ?? 4) - 1;
  const quarters: Period[] = [];
  for (let i = index - n + 1; i <= index; i++) quarters.push(quarterPeriod(Math.floor(i / 4), (i % 4) + 1));
  return quarters;
}

/** The period containing an ISO date, as a year or a quarter. */
export function periodOfDate(isoDate: string, kind: 'year' | 'quarter'): Period {
  const year = +isoDate.slice(0, 4);
  if (kind === 'year') return parsePeriod(String(year));
  return quarterPeriod(year, Math.floor((+isoDate.slice(5, 7) - 1) / 3) + 1);
}

/** Dates and quarters in Danish time (Europe/Copenhagen); timestamps are stored in UTC. */
const TZ = 'Europe/Copenhagen';

const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat('da-DK', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
});

let formattedMinute = NaN;
let formattedDate = '';

/**
 * ISO date (YYYY-MM-DD) of an instant in Danish time. Intl's formatting costs ~2 µs and every validation asks for
 * today, so the last answer is kept for its UTC minute (Danish time is UTC + whole hours: the date changes only
 * between minutes). RangeError for an invalid Date, as Intl's.
 */
export function isoDateInDenmark(instant: Date): string {
  const minute = Math.floor(instant.getTime() / 60_000);
  if (minute !== formattedMinute) {
    formattedDate = dateFormat.format(instant);
    formattedMinute = minute;
  }
  return formattedDate;
}

/** "Today" in Danish time, as YYYY-MM-DD. */
export function today(now: Date = new Date()): string {
  return isoDateInDenmark(now);
}

/** An ISO timestamp in UTC with Z, to the millisecond. */
export function nowIso(now: Date = new Date()): string {
  return now.toISOString();
}

/** A UTC timestamp shown in Danish time: "23.11.2026 12.34". */
export function formatDateTimeDanish(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '';
  return dateTimeFormat.format(d).replace(',', '');
}

/** ISO date → dd.mm.åååå. */
export function formatDateDanish(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number of `len` ASCII digits at `at` in s, or -1. */
function digitsAt(s: string, at: number, len: number): number {
  let n = 0;
  for (let i = at; i < at + len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/**
 * Is this string a real calendar date in ISO form (YYYY-MM-DD, proleptic Gregorian)? Years 0000–0099 are not: the
 * Date arithmetic this replaced read them as 1900–1999. Written without a regex or a Date: an import checks millions.
 */
export function isIsoDate(s: string): boolean {
  if (typeof s !== 'string' || s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const y = digitsAt(s, 0, 4);
  const m = digitsAt(s, 5, 2);
  const d = digitsAt(s, 8, 2);
  if (y < 100 || m < 1 || m > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]);
}

/** Whole days from a to b (ISO dates). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86400000);
}

/** ISO date plus n days. */
export function addDays(iso: string, n: number): string {
  const d = new Date(Date.parse(iso + 'T00:00:00Z') + n * 86400000);
  return d.toISOString().slice(0, 10);
}

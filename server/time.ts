/** Dates and quarters in Danish time (Europe/Copenhagen); timestamps are stored in UTC. */
const TZ = 'Europe/Copenhagen';

const dateFormat = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat('da-DK', {
  timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
});

/** ISO date (YYYY-MM-DD) of an instant in Danish time. */
export function isoDateInDenmark(instant: Date): string {
  return dateFormat.format(instant);
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

/** Is this string a real calendar date in ISO form? */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
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

/** Row value decoding where SQLite and PostgreSQL disagree (booleans as 0/1, JSON as text). */
export function dbBool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 't';
}

export function dbJson<T>(v: unknown, fallback: T): T {
  if (v === null || v === undefined) return fallback;
  if (typeof v === 'string') return JSON.parse(v) as T;
  return v as T;
}

export function dbNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(v ?? 0);
}

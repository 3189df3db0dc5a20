import type { Knex } from 'knex';
import type { IndicatorId } from './definitions';

/** Indicator standards: thresholds in hundredths with a valid-from date (the first day of a period). */
export interface StandardRow {
  id: number;
  indicator_id: IndicatorId;
  valid_from: string;
  /** hundredths, 0–100 */
  threshold: number;
  created_at: string;
  created_by: number | null;
}

/** "0.80" from 80; exact, no float formatting. */
export function formatThreshold(hundredths: number): string {
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/** The standard as written in files: ">=0.80". */
export function formatStandard(hundredths: number): string {
  return `>=${formatThreshold(hundredths)}`;
}

const THRESHOLD_PATTERN = /^(?:0(?:\.\d{1,2})?|1(?:\.0{1,2})?)$/;

/** "0.85" → 85, "1" → 100, "0.5" → 50; null when not 0.00–1.00 with at most two decimals. A decimal comma is accepted. */
export function parseThreshold(text: string): number | null {
  const s = text.trim().replace(',', '.');
  if (!THRESHOLD_PATTERN.test(s)) return null;
  const [whole, decimals = ''] = s.split('.');
  return Number(whole) * 100 + Number(decimals.padEnd(2, '0'));
}

function toStandardRow(r: Record<string, unknown>): StandardRow {
  return { ...r, id: Number(r.id), threshold: Number(r.threshold), created_by: (r.created_by as number | null) ?? null } as StandardRow;
}

/** Every standard, by indicator and valid_from. */
export async function listStandards(db: Knex): Promise<StandardRow[]> {
  const rows = await db('indicator_standards').select('*').orderBy([{ column: 'indicator_id' }, { column: 'valid_from' }]);
  return rows.map(toStandardRow);
}

/** The threshold valid on a date: the standard with the latest valid_from on or before it. */
export function thresholdOn(standards: readonly StandardRow[], indicatorId: IndicatorId, isoDate: string): number | null {
  let found: StandardRow | null = null;
  for (const s of standards) {
    if (s.indicator_id === indicatorId && s.valid_from <= isoDate && (!found || s.valid_from > found.valid_from)) found = s;
  }
  return found ? found.threshold : null;
}

/** A standard as stored: hundredths from the first day of a period (`valid_from`), who set it and when. */
export interface StandardInsert {
  indicator_id: IndicatorId;
  valid_from: string;
  threshold: number;
  created_at: string;
  created_by: number | null;
}

/**
 * Store a standard (the SQL of the standards page's service, standards/service.ts): one already valid from that
 * date is replaced. Returns the stored row and the one it replaced; run it inside the caller's transaction.
 */
export async function upsertStandard(trx: Knex, row: StandardInsert): Promise<{ standard: StandardRow; previous: StandardRow | null }> {
  const key = { indicator_id: row.indicator_id, valid_from: row.valid_from };
  const previous = await trx('indicator_standards').where(key).first();
  if (previous) await trx('indicator_standards').where({ id: previous.id }).update(row);
  else await trx('indicator_standards').insert(row);
  const saved = await trx('indicator_standards').where(key).first();
  return { standard: toStandardRow(saved), previous: previous ? toStandardRow(previous) : null };
}

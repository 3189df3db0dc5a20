import type { Knex } from 'knex';
import { z } from 'zod';
import { Lang, t } from '../i18n';
import { Invalid } from '../http/errors';
import { nowIso } from '../time';
import { INDICATOR_IDS, IndicatorId } from './definitions';
import { isPeriodCode, parsePeriod } from './periods';

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

const standardInput = z.object({
  indicatorId: z.enum(INDICATOR_IDS),
  validFrom: z.string().refine(isPeriodCode),
  threshold: z.string().refine((s) => parseThreshold(s) !== null),
});
const MESSAGE_KEYS: Record<string, string> = {
  indicatorId: 'indicators.standard_indicator_invalid',
  validFrom: 'indicators.standard_valid_from_invalid',
  threshold: 'indicators.standard_threshold_invalid',
};

export interface StandardChange { standard: StandardRow; previous: StandardRow | null }

/**
 * Set the standard of an indicator from the start of a period ('2026' or '2026Q3'); one valid from that date
 * already is replaced. Returns the new row and the one it replaced, for the caller's audit row. Only an admin
 * with scope DK may call this (decided by the route). Throws Invalid with field messages in `lang`.
 */
export async function setStandard(
  db: Knex,
  input: { indicatorId: string; validFrom: string; threshold: string },
  actor: { userId: number | null },
  lang: Lang = 'da',
): Promise<StandardChange> {
  const parsed = standardInput.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      fields[field] ??= t(lang, MESSAGE_KEYS[field] ?? 'indicators.standard_threshold_invalid');
    }
    throw new Invalid(fields);
  }
  const { indicatorId, validFrom, threshold } = parsed.data;
  const row = {
    indicator_id: indicatorId,
    valid_from: parsePeriod(validFrom).first,
    threshold: parseThreshold(threshold)!,
    created_at: nowIso(),
    created_by: actor.userId,
  };
  return db.transaction(async (trx) => {
    const previous = await trx('indicator_standards').where({ indicator_id: row.indicator_id, valid_from: row.valid_from }).first();
    if (previous) await trx('indicator_standards').where({ id: previous.id }).update(row);
    else await trx('indicator_standards').insert(row);
    const saved = await trx('indicator_standards').where({ indicator_id: row.indicator_id, valid_from: row.valid_from }).first();
    return { standard: toStandardRow(saved), previous: previous ? toStandardRow(previous) : null };
  });
}

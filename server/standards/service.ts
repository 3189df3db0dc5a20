import type { Knex } from 'knex';
import { type Actor, recordAudit } from '../audit/record';
import { Invalid } from '../http/errors';
import { Lang, t } from '../i18n';
import { parsePeriod } from '../indicators/periods';
import { formatStandard, listStandards, parseThreshold, thresholdOn, type StandardRow, upsertStandard } from '../indicators/standards';
import { nowIso } from '../time';
import { MESSAGE_KEYS, standardInput } from './schemas';

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
  return db.transaction((trx) => upsertStandard(trx, {
    indicator_id: indicatorId,
    valid_from: parsePeriod(validFrom).first,
    threshold: parseThreshold(threshold)!,
    created_at: nowIso(),
    created_by: actor.userId,
  }));
}

/**
 * The standards page's change: set the standard and write one `standard_change` audit row (old and new standard as
 * in files, ">=0.80"; the replaced row's id) in the same transaction. Throws Invalid like setStandard.
 */
export async function changeStandard(
  db: Knex, actor: Actor, input: { indicatorId: string; validFrom: string; threshold: string }, lang: Lang,
): Promise<StandardChange> {
  return db.transaction(async (trx) => {
    const before = await listStandards(trx);
    const change = await setStandard(trx, input, { userId: actor.userId }, lang);
    const { indicator_id, valid_from, threshold } = change.standard;
    const old = thresholdOn(before, indicator_id, valid_from);
    await recordAudit(trx, actor, {
      action: 'standard_change', entity: 'indicator_standard', entityId: change.standard.id,
      detail: {
        indicator_id, valid_from,
        old: old === null ? null : formatStandard(old), new: formatStandard(threshold),
        replaced_row: change.previous?.id ?? null,
      },
    });
    return change;
  });
}

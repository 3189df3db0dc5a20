import type { Knex } from 'knex';
import { recordAudit, type Actor } from '../audit/record';
import { dbBool, dbJson } from '../db/codecs';
import { completeness, deriveState } from './completeness';
import { courseRowsAfter, updateDerived, type DerivedRow } from './queries';
import { VARIABLE, VARIABLE_NAMES, type CourseValues } from './variables';

export interface RecomputeResult { courses: number; changed: number; skipped: number }

/**
 * The course's values as completeness reads them. The CPR lives encrypted on the patient and is always registered,
 * and no rule that derives state/complete/missing reads its value: it is given as registered, not decrypted.
 */
function valuesOf(row: DerivedRow): CourseValues {
  const values: CourseValues = { cpr: 'registered' };
  for (const name of VARIABLE_NAMES) {
    if (name === 'cpr' || name === 'patient_name') continue;
    const v = row[name];
    if (v === null || v === undefined) continue;
    const kind = VARIABLE[name].kind;
    values[name] = kind === 'integer' || kind === 'decimal' ? Number(v) : String(v);
  }
  return values;
}

/** The derived columns a course should have, or null when the stored ones are right. */
function correction(row: DerivedRow): { state: string; complete: boolean; missing: string } | null {
  const values = valuesOf(row);
  const state = deriveState(values);
  const { complete, missing } = completeness(values);
  const same = row.state === state && dbBool(row.complete) === complete
    && JSON.stringify(dbJson<string[]>(row.missing, [])) === JSON.stringify(missing);
  return same ? null : { state, complete, missing: JSON.stringify(missing) };
}

/**
 * Recompute the stored `state`, `complete` and `missing` of every course (annulled ones too) from its values, as
 * a save would (completeness.ts): after a change to the dictionary's rules, or to repair rows written by another
 * path. Reads in batches of `batchSize` in primary-key order, one transaction per batch; writes only the courses
 * whose stored derivation differs, without a new version (the registered values do not change). A course saved
 * between the read and the write is skipped (the save stored its own derivation). With `dryRun` nothing is written.
 * One audit row (`recompute_derived`) names the counts.
 */
export async function recomputeDerived(db: Knex, actor: Actor, opts: { batchSize?: number; dryRun?: boolean } = {}):
  Promise<RecomputeResult> {
  const size = opts.batchSize ?? 1000;
  const result: RecomputeResult = { courses: 0, changed: 0, skipped: 0 };
  let after = 0;
  for (;;) {
    const rows = await courseRowsAfter(db, after, size);
    if (rows.length === 0) break;
    const fixes = rows.map((row) => ({ row, fix: correction(row) })).filter((x) => x.fix !== null);
    if (!opts.dryRun && fixes.length) {
      await db.transaction(async (trx) => {
        for (const { row, fix } of fixes) {
          if (await updateDerived(trx, row.id, Number(row.version), fix!)) result.changed += 1;
          else result.skipped += 1;
        }
      });
    } else {
      result.changed += fixes.length;
    }
    result.courses += rows.length;
    after = Number(rows[rows.length - 1].id);
    if (rows.length < size) break;
  }
  if (!opts.dryRun) {
    await recordAudit(db, actor, { action: 'recompute_derived', entity: 'course', detail: { ...result } });
  }
  return result;
}

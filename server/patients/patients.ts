import type { Knex } from 'knex';
import { danishSortKey, foldText } from '../db/danish';
import { nowIso } from '../time';
import { birthDateFromCpr, cprLookupHash, decryptCpr, encryptCpr, sexFromCpr } from './cpr';

/** Patients: one per (municipality_code, keyed CPR hash); the CPR itself only encrypted. */

/** The stored columns of a patient's name: the name, its search fold and its Danish sort key (server/db/danish). */
export function patientNameColumns(name: string | null): { patient_name: string | null; patient_name_folded: string | null; patient_name_sort: string | null } {
  return { patient_name: name, patient_name_folded: foldText(name), patient_name_sort: danishSortKey(name) };
}

/** The patient columns derived from the CPR (sex, birth date), stored for the indicator strata. */
export function demographicsOf(cpr: string): { sex: 'M' | 'F' | null; birth_date: string | null } {
  return { sex: sexFromCpr(cpr), birth_date: birthDateFromCpr(cpr) };
}

/**
 * Fill sex and birth date of patients stored without them (before they were stored, or by a path that did not
 * set them), by decrypting their CPR in batches. Idempotent; returns how many were filled.
 */
export async function fillPatientDemographics(db: Knex, cprKey: Buffer, batch = 500): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows: { id: number; cpr_enc: string }[] = await db('patients').whereNull('sex').orderBy('id').limit(batch).select('id', 'cpr_enc');
    const updates = rows.map((r) => {
      let cpr = '';
      try { cpr = decryptCpr(cprKey, r.cpr_enc); } catch { /* not decryptable: marked unknown below */ }
      const d = demographicsOf(cpr);
      return { id: r.id, sex: d.sex ?? '?', birth_date: d.birth_date };
    });
    await db.transaction(async (trx) => {
      for (const u of updates) await trx('patients').where('id', u.id).update({ sex: u.sex, birth_date: u.birth_date });
    });
    filled += updates.length;
    if (rows.length < batch) return filled;
  }
}

/**
 * The id of the municipality's patient with this CPR, created when there is none. The unique key on
 * (municipality_code, cpr_hash) makes a concurrent create of the same patient a no-op, never a duplicate.
 */
export async function findOrCreatePatient(
  db: Knex | Knex.Transaction, cprKey: Buffer, municipalityCode: string, cpr: string, opts: { isDemo?: boolean } = {},
): Promise<{ id: number; created: boolean }> {
  const cprHash = cprLookupHash(cprKey, cpr);
  const found = await patientIdByHash(db, municipalityCode, cprHash);
  if (found !== undefined) return { id: found, created: false };
  const inserted = await db('patients')
    .insert({
      municipality_code: municipalityCode, cpr_hash: cprHash, cpr_enc: encryptCpr(cprKey, cpr), ...demographicsOf(cpr),
      is_demo: opts.isDemo ?? false, created_at: nowIso(),
    })
    .onConflict(['municipality_code', 'cpr_hash']).ignore()
    .returning('id');
  const row = inserted[0] as { id: number } | number | undefined;
  if (row !== undefined) return { id: typeof row === 'object' ? row.id : row, created: true };
  return { id: (await patientIdByHash(db, municipalityCode, cprHash))!, created: false };
}

export async function patientIdByHash(db: Knex | Knex.Transaction, municipalityCode: string, cprHash: string): Promise<number | undefined> {
  const row = await db('patients').where({ municipality_code: municipalityCode, cpr_hash: cprHash }).first('id');
  return row?.id;
}

/** The patient's name (for all of the patient's courses). */
export async function setPatientName(db: Knex | Knex.Transaction, patientId: number, name: string | null): Promise<void> {
  await db('patients').where('id', patientId).update(patientNameColumns(name));
}

/**
 * Rename a patient through one of its courses: when the name differs, the name columns change and every other
 * course of the patient gets a new version, because the name is part of what each course shows: a save or PATCH
 * over a version read before the rename then gets 409 instead of silently writing the old name back.
 */
export async function renamePatient(db: Knex | Knex.Transaction, patientId: number, name: string | null,
  viaCourseIds: readonly number[] = []): Promise<void> {
  const row = await db('patients').where('id', patientId).first('patient_name');
  if ((row?.patient_name ?? null) === name) return;
  await setPatientName(db, patientId, name);
  await db('courses').where('patient_id', patientId).whereNotIn('id', viaCourseIds).increment('version', 1);
}

/** Lock the patient row until the transaction ends (PostgreSQL), so two saves cannot both pass the overlap check. */
export async function lockPatient(trx: Knex.Transaction, patientId: number, postgres: boolean): Promise<void> {
  if (postgres) await trx('patients').where('id', patientId).forUpdate().first('id');
}

import type { Knex } from 'knex';
import { insertRows } from '../db/bulk';
import { nowIso } from '../time';
import { cprLookupHash, encryptCpr } from './cpr';
import { demographicsOf, patientNameColumns } from './patients';

/** A patient as ensurePatients leaves it: its id, and whether this call created it. */
export interface EnsuredPatient { id: number; created: boolean }

export interface EnsureOptions {
  cprKey: Buffer;
  municipality: string;
  /** the name a created patient gets, by CPR (absent: no name); existing patients are not renamed here */
  names?: ReadonlyMap<string, string | null>;
  isDemo?: boolean;
}

/** Lookups per statement: 500 hashes stay far below either engine's limit of bound values. */
const LOOKUP = 500;

async function idsByHash(trx: Knex | Knex.Transaction, municipality: string, hashes: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < hashes.length; i += LOOKUP) {
    const found: { id: number; cpr_hash: string }[] = await trx('patients').select('id', 'cpr_hash')
      .where('municipality_code', municipality).whereIn('cpr_hash', hashes.slice(i, i + LOOKUP));
    for (const p of found) out.set(p.cpr_hash, Number(p.id));
  }
  return out;
}

const COLUMNS = ['municipality_code', 'cpr_hash', 'cpr_enc', 'sex', 'birth_date', 'patient_name', 'patient_name_folded',
  'patient_name_sort', 'is_demo', 'created_at'] as const;

/**
 * The municipality's patients with these CPR numbers (10 digits each), by CPR: found by keyed hash (one query per
 * 500) or created in bulk with multi-row INSERTs (encrypted CPR, sex and birth date from the CPR, the name from
 * `names`). Call it inside the transaction that writes their courses; duplicates in `cprs` are one patient.
 * A patient created by a concurrent transaction between the lookup and the insert is skipped by the unique key on
 * (municipality_code, cpr_hash) and found again (created: false), never duplicated.
 */
export async function ensurePatients(trx: Knex | Knex.Transaction, cprs: readonly string[], opts: EnsureOptions): Promise<Map<string, EnsuredPatient>> {
  const byHash = new Map<string, string>();
  for (const cpr of cprs) byHash.set(cprLookupHash(opts.cprKey, cpr), cpr);
  const found = await idsByHash(trx, opts.municipality, [...byHash.keys()]);
  const out = new Map<string, EnsuredPatient>();
  const fresh: [string, string][] = [];
  for (const [hash, cpr] of byHash) {
    const id = found.get(hash);
    if (id === undefined) fresh.push([hash, cpr]);
    else out.set(cpr, { id, created: false });
  }
  if (fresh.length === 0) return out;
  const now = nowIso();
  const rows = fresh.map(([hash, cpr]) => {
    const d = demographicsOf(cpr);
    const n = patientNameColumns(opts.names?.get(cpr) ?? null);
    return [opts.municipality, hash, encryptCpr(opts.cprKey, cpr), d.sex, d.birth_date, n.patient_name, n.patient_name_folded,
      n.patient_name_sort, opts.isDemo ?? false, now];
  });
  const inserted = await insertRows(trx, 'patients', COLUMNS, rows, { returning: ['id', 'cpr_hash'], skipConflictsOn: ['municipality_code', 'cpr_hash'] });
  for (const r of inserted) out.set(byHash.get(String(r.cpr_hash))!, { id: Number(r.id), created: true });
  if (inserted.length < fresh.length) {
    const raced = fresh.filter(([, cpr]) => !out.has(cpr));
    for (const [hash, id] of await idsByHash(trx, opts.municipality, raced.map(([hash]) => hash))) out.set(byHash.get(hash)!, { id, created: false });
  }
  return out;
}

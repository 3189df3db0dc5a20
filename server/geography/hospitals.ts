import type { Knex } from 'knex';
import { recordAudit, type Actor } from '../audit/record';
import { invalidateGeography } from '../geography';
import { Invalid, NotFound } from '../http/errors';

/**
 * Hospital departments (pathway.md §1): the owner of table `hospitals`. The list is read once per database handle
 * (a cached promise, dropped on every change) and maintained only here: add, set, deactivate, recode.
 */

export type SorStatus = 'confirmed' | 'unconfirmed' | 'placeholder';
export const SOR_STATUSES: readonly SorStatus[] = ['confirmed', 'unconfirmed', 'placeholder'];

export interface Hospital {
  sor_code: string; name: string; region_code: string; cluster_code: string | null;
  sor_status: SorStatus; source: string | null; active: boolean;
}

const cache = new WeakMap<object, Promise<Hospital[]>>();

/** Every department in `hospitals` order (sort_order: the shipped list, later additions last). */
export function hospitals(db: Knex): Promise<Hospital[]> {
  let cached = cache.get(db.client);
  if (!cached) {
    cached = db('hospitals').select('sor_code', 'name', 'region_code', 'cluster_code', 'sor_status', 'source', 'active')
      .orderBy('sort_order')
      .then((rows) => rows.map((r) => ({ ...r, active: Boolean(r.active) }) as Hospital));
    cached.catch(() => cache.delete(db.client));
    cache.set(db.client, cached);
  }
  return cached;
}

/** Forget the cached list (after any change). */
export function forgetHospitals(db: Knex): void {
  cache.delete(db.client);
}

/** One department by code, or undefined. */
export async function hospital(db: Knex, sorCode: string): Promise<Hospital | undefined> {
  return (await hospitals(db)).find((h) => h.sor_code === sorCode);
}

/** A real SOR code (10–18 digits, no leading 0) or a placeholder `P` + region code + two digits. */
export function isDepartmentCode(v: unknown): v is string {
  return typeof v === 'string' && (/^[1-9][0-9]{9,17}$/.test(v) || /^P\d{4}\d{2}$/.test(v));
}

export interface HospitalInput {
  sor_code: string; name: string; region_code: string; cluster_code?: string | null;
  sor_status?: SorStatus; source?: string | null;
}

async function checkInput(db: Knex, h: Partial<HospitalInput>): Promise<void> {
  const fields: Record<string, string> = {};
  if (h.sor_code !== undefined && !isDepartmentCode(h.sor_code)) fields.sor_code = 'sor_code';
  if (h.name !== undefined && (!h.name.trim() || h.name.length > 200)) fields.name = 'name';
  if (h.sor_status !== undefined && !SOR_STATUSES.includes(h.sor_status)) fields.sor_status = 'sor_status';
  if (h.region_code !== undefined || h.cluster_code) {
    const geo = await db('municipalities').select('region_code', 'cluster_code');
    if (h.region_code !== undefined && !geo.some((g) => g.region_code === h.region_code)) fields.region_code = 'region_code';
    if (h.cluster_code && !geo.some((g) => g.cluster_code === h.cluster_code)) fields.cluster_code = 'cluster_code';
  }
  if (Object.keys(fields).length) throw new Invalid(fields);
}

/** Add a department; `sor_status` defaults to placeholder for a P code, else unconfirmed. 400 on a bad or known code. */
export async function addHospital(db: Knex, actor: Actor, h: HospitalInput): Promise<Hospital> {
  await checkInput(db, h);
  if (await hospital(db, h.sor_code)) throw new Invalid({ sor_code: 'sor_code_taken' });
  const status = h.sor_status ?? (h.sor_code.startsWith('P') ? 'placeholder' : 'unconfirmed');
  await db.transaction(async (trx) => {
    const max = (await trx('hospitals').max({ m: 'sort_order' }))[0].m as number | null;
    const row = { sor_code: h.sor_code, name: h.name.trim(), region_code: h.region_code, cluster_code: h.cluster_code || null,
      sor_status: status, source: h.source ?? null, active: true, sort_order: (max ?? 0) + 1 };
    await trx('hospitals').insert(row);
    await recordAudit(trx, actor, { action: 'hospital_add', entity: 'hospital', entityId: h.sor_code, recordScope: 'DK', detail: row });
  });
  forgetHospitals(db);
  return (await hospital(db, h.sor_code))!;
}

/** Change name, status or source of a department (404 unknown). */
export async function setHospital(db: Knex, actor: Actor, sorCode: string,
  changes: { name?: string; sor_status?: SorStatus; source?: string | null }): Promise<Hospital> {
  const current = await hospital(db, sorCode);
  if (!current) throw new NotFound({ entity: 'hospital', entityId: sorCode });
  await checkInput(db, changes);
  const next = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  await db.transaction(async (trx) => {
    await trx('hospitals').where('sor_code', sorCode).update(next);
    await recordAudit(trx, actor, { action: 'hospital_set', entity: 'hospital', entityId: sorCode, recordScope: 'DK',
      detail: Object.fromEntries(Object.keys(next).map((k) => [k, { old: current[k as keyof Hospital], new: next[k] }])) });
  });
  forgetHospitals(db);
  return (await hospital(db, sorCode))!;
}

/** Deactivate a department: no new referrals from it; it stays in the table. */
export async function deactivateHospital(db: Knex, actor: Actor, sorCode: string): Promise<void> {
  if (!(await hospital(db, sorCode))) throw new NotFound({ entity: 'hospital', entityId: sorCode });
  await db.transaction(async (trx) => {
    await trx('hospitals').where('sor_code', sorCode).update({ active: false });
    await recordAudit(trx, actor, { action: 'hospital_deactivate', entity: 'hospital', entityId: sorCode, recordScope: 'DK' });
  });
  forgetHospitals(db);
}

/**
 * Replace a code by another in one transaction: the department row, its referrals, every course's referral_sor,
 * the FHIR SOR list and the users whose scope it is. 404 unknown `from`, 400 bad or taken `to`.
 */
export async function recodeHospital(db: Knex, actor: Actor, from: string, to: string): Promise<{ referrals: number; users: number }> {
  const current = await hospital(db, from);
  if (!current) throw new NotFound({ entity: 'hospital', entityId: from });
  await checkInput(db, { sor_code: to });
  if (await hospital(db, to)) throw new Invalid({ sor_code: 'sor_code_taken' });
  const counts = await db.transaction(async (trx) => {
    const row = await trx('hospitals').where('sor_code', from).first();
    await trx('hospitals').insert({ ...row, sor_code: to, sor_status: to.startsWith('P') ? 'placeholder' : row.sor_status === 'placeholder' ? 'unconfirmed' : row.sor_status });
    const referrals = await trx('referrals').where('sor_code', from).update({ sor_code: to });
    await trx('courses').where('referral_sor', from).update({ referral_sor: to });
    await trx('sor_list').where('sor_code', to).del();
    await trx('sor_list').where('sor_code', from).update({ sor_code: to });
    const users = await trx('users').where('scope', from).update({ scope: to });
    await trx('hospitals').where('sor_code', from).del();
    await recordAudit(trx, actor, { action: 'hospital_recode', entity: 'hospital', entityId: to, recordScope: 'DK',
      detail: { from, to, referrals, users } });
    return { referrals, users };
  });
  forgetHospitals(db);
  return counts;
}

/** Set or clear a municipality's `registering_since` (ISO date or null); 404 unknown municipality. */
export async function setRegisteringSince(db: Knex, actor: Actor, code: string, since: string | null): Promise<void> {
  const m = await db('municipalities').where('code', code).first('registering_since');
  if (!m) throw new NotFound({ entity: 'municipality', entityId: code });
  if (since !== null && !/^\d{4}-\d{2}-\d{2}$/.test(since)) throw new Invalid({ registering_since: 'date' });
  await db.transaction(async (trx) => {
    await trx('municipalities').where('code', code).update({ registering_since: since });
    await recordAudit(trx, actor, { action: 'registering_since', entity: 'municipality', entityId: code, municipalityCode: code,
      recordScope: code, detail: { old: m.registering_since ?? null, new: since } });
  });
  invalidateGeography(db);
}

export interface MunicipalityCoverage { code: string; name: string; region_name: string; registering_since: string | null }

/** Every municipality in municipalities.csv order with its `registering_since` (ISO date or null), for the admin page. */
export async function municipalityCoverage(db: Knex): Promise<MunicipalityCoverage[]> {
  const rows = await db('municipalities').select('code', 'name', 'region_name', 'registering_since').orderBy('sort_order');
  return rows.map((r) => ({ ...r, registering_since: isoOf(r.registering_since) }));
}

/** The regions and clusters of municipalities.csv (code and name, first-seen order), for the department form's choices. */
export async function regionsAndClusters(db: Knex): Promise<{ regions: { code: string; name: string }[]; clusters: { code: string; name: string }[] }> {
  const rows = await db('municipalities').select('region_code', 'region_name', 'cluster_code', 'cluster_name').orderBy('sort_order');
  const uniq = (pairs: [string | null, string | null][]) => [...new Map(pairs.filter(([c]) => c).map(([c, n]) => [c!, n ?? c!])).entries()]
    .map(([code, name]) => ({ code, name }));
  return { regions: uniq(rows.map((r) => [r.region_code, r.region_name])), clusters: uniq(rows.map((r) => [r.cluster_code, r.cluster_name])) };
}

function isoOf(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  return String(v).slice(0, 10);
}

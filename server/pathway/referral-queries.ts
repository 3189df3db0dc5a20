import type { Knex } from 'knex';
import { whereInScope, whereSentFromScope, type Scope } from '../access';
import { birthDateFromCpr, decryptCpr, sexFromCpr } from '../patients';
import { daysBetween, today } from '../time';
import type { ReferralValues } from './referral-rules';

/** Referral rows: reads within reach, the JSON shape (pathway.md §3), the list (§7). */

export interface ReferralRow {
  id: number; sor_code: string; referral_id: string; cpr_hash: string; cpr_enc: string; municipality_code: string;
  referral_date: unknown; discharge_date: unknown; diagnosis_group: string; ihd_treatment: string | null; icd10: string | null;
  withdrawn: unknown; withdrawal_reason: string | null; course_id: number | null; version: number;
  hospital_name?: string; registering_since?: unknown;
}

/** Days after which an unmatched referral is lost (pathway.md §5). */
export const LOST_AFTER_DAYS = 30;

export function isoDate(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  return String(v).slice(0, 10);
}

const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';

/** The stored values of one referral (CPR decrypted), for the service's comparison. */
export async function readReferral(db: Knex | Knex.Transaction, cprKey: Buffer, id: number): Promise<{ row: ReferralRow; values: ReferralValues } | undefined> {
  const row = await db('referrals').where('id', id).first() as ReferralRow | undefined;
  return row ? { row, values: valuesOf(row, cprKey) } : undefined;
}

export function valuesOf(row: ReferralRow, cprKey: Buffer): ReferralValues {
  const v: Record<string, unknown> = {
    sor_code: row.sor_code, referral_id: row.referral_id, cpr: decryptCpr(cprKey, row.cpr_enc), municipality_code: row.municipality_code,
    referral_date: isoDate(row.referral_date), discharge_date: isoDate(row.discharge_date), diagnosis_group: row.diagnosis_group,
    ihd_treatment: row.ihd_treatment, icd10: row.icd10, withdrawn: bool(row.withdrawn) ? 'yes' : 'no', withdrawal_reason: row.withdrawal_reason,
  };
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null && x !== undefined)) as ReferralValues;
}

/**
 * The JSON of one referral; `municipal` adds status (open/lost/received, null when withdrawn), age_days and course_id,
 * which a hospital user never sees.
 */
export function referralJson(row: ReferralRow, cprKey: Buffer, municipal: boolean, onDay?: string): Record<string, unknown> {
  const cpr = decryptCpr(cprKey, row.cpr_enc);
  const referralDate = isoDate(row.referral_date)!;
  const out: Record<string, unknown> = {
    id: row.id, version: row.version, sor_code: row.sor_code, hospital_name: row.hospital_name ?? null, referral_id: row.referral_id,
    cpr, birth_date: birthDateFromCpr(cpr), sex: sexFromCpr(cpr), municipality_code: row.municipality_code, referral_date: referralDate,
    discharge_date: isoDate(row.discharge_date), diagnosis_group: row.diagnosis_group, ihd_treatment: row.ihd_treatment, icd10: row.icd10,
    withdrawn: bool(row.withdrawn) ? 'yes' : 'no', withdrawal_reason: row.withdrawal_reason,
  };
  if (!municipal) return out;
  const age = onDay ? daysBetween(referralDate, onDay) : null;
  const withdrawn = bool(row.withdrawn);
  out.status = withdrawn ? null : row.course_id != null ? 'received' : age !== null && age > LOST_AFTER_DAYS ? 'lost' : 'open';
  out.age_days = age;
  out.course_id = withdrawn ? null : row.course_id ?? null;
  return out;
}

/**
 * Referrals within reach: a municipality's addressed to it and covered; a hospital user's sent from its scope.
 * The municipal reach also requires coverage (an update that leaves a referral uncovered leaves it at once).
 */
export function referralsInReach(db: Knex | Knex.Transaction, scope: Scope): Knex.QueryBuilder {
  const q = db('referrals').join('hospitals', 'hospitals.sor_code', 'referrals.sor_code')
    .select('referrals.*', 'hospitals.name as hospital_name');
  if (scope.kind === 'municipality') {
    whereInScope(q, scope, 'referrals.municipality_code');
    q.join('municipalities', 'municipalities.code', 'referrals.municipality_code')
      .whereNotNull('municipalities.registering_since').whereRaw('municipalities.registering_since <= referrals.referral_date');
  } else {
    whereSentFromScope(q, scope, 'referrals.sor_code');
  }
  return q;
}

export interface ReferralListFilter {
  year?: number; status?: 'open' | 'lost' | 'received' | 'unmatched'; order?: 'newest' | 'oldest'; withdrawn?: boolean;
  page?: number; cprHash?: string; referralId?: string; sorCode?: string; diagnosisGroup?: string;
}

export const REFERRAL_PAGE_SIZE = 50;

/** One page of referrals in reach with the total, ordered by referral_date then id (newest first unless `oldest`). */
export async function listReferrals(db: Knex, scope: Scope, f: ReferralListFilter, onDay: string): Promise<{ total: number; rows: ReferralRow[] }> {
  const q = referralsInReach(db, scope);
  if (!f.withdrawn) q.where('referrals.withdrawn', false);
  if (f.year) q.whereBetween('referrals.referral_date', [`${f.year}-01-01`, `${f.year}-12-31`]);
  if (f.cprHash) q.where('referrals.cpr_hash', f.cprHash);
  if (f.referralId) q.where('referrals.referral_id', f.referralId);
  if (f.sorCode) q.where('referrals.sor_code', f.sorCode);
  if (f.diagnosisGroup) q.where('referrals.diagnosis_group', f.diagnosisGroup);
  const lostBefore = addDaysIso(onDay, -LOST_AFTER_DAYS);
  if (f.status) q.where('referrals.withdrawn', false).where('referrals.referral_date', '<=', onDay);
  if (f.status === 'received') q.whereNotNull('referrals.course_id');
  if (f.status === 'unmatched') q.whereNull('referrals.course_id');
  if (f.status === 'lost') q.whereNull('referrals.course_id').where('referrals.referral_date', '<', lostBefore);
  if (f.status === 'open') q.whereNull('referrals.course_id').where('referrals.referral_date', '>=', lostBefore);
  const total = Number((await q.clone().clearSelect().clearOrder().count({ n: '*' }))[0].n);
  const dir = f.order === 'oldest' ? 'asc' : 'desc';
  const rows = await q.orderBy([{ column: 'referrals.referral_date', order: dir }, { column: 'referrals.id', order: dir }])
    .limit(REFERRAL_PAGE_SIZE).offset(((f.page ?? 1) - 1) * REFERRAL_PAGE_SIZE);
  return { total, rows };
}

function addDaysIso(iso: string, n: number): string {
  const d = new Date(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10) + n));
  return d.toISOString().slice(0, 10);
}

/** Overdue from this many days (as the worklist, pathway.md §6). */
export const OVERDUE_FROM_DAY = 15;

/** The menu badge: counted referrals in reach without a course, `OVERDUE_FROM_DAY` days old or more (not withdrawn). */
export async function overdueUnmatchedCount(db: Knex, scope: Scope, onDay = today()): Promise<number> {
  const q = referralsInReach(db, scope).clearSelect().where('referrals.withdrawn', false).whereNull('referrals.course_id')
    .where('referrals.referral_date', '<=', addDaysIso(onDay, -OVERDUE_FROM_DAY));
  return Number((await q.count({ n: '*' }))[0].n);
}

/**
 * "Henvist fra <afdeling> den <dato>" for the course page (pathway.md §6): the referral matched to the course (not
 * withdrawn), read-only, or undefined. The caller has already read the course within its scope; the referral is
 * addressed to the course's municipality, so it is in the same reach. Dates as ISO strings.
 */
export async function referralOriginOf(db: Knex, courseId: number): Promise<{ department: string; sor_code: string; referral_date: string; referral_id: string } | undefined> {
  const row = await db('referrals').join('hospitals', 'hospitals.sor_code', 'referrals.sor_code').where('referrals.course_id', courseId)
    .where('referrals.withdrawn', false).first('hospitals.name as department', 'referrals.sor_code', 'referrals.referral_date', 'referrals.referral_id');
  return row ? { ...row, referral_date: isoDate(row.referral_date)! } : undefined;
}

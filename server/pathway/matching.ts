import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Matching referrals to courses (pathway.md §4): one-to-one and greedy within a group (municipality_code, keyed CPR
 * hash), stored in referrals.course_id and recomputed whole in the caller's transaction on every change that can
 * alter the group, under a lock per group taken in key order (PostgreSQL: advisory transaction locks; SQLite: the
 * write lock the transaction already holds).
 */

type Trx = Knex.Transaction;

/** Days a course's referral_date may lie before (−) resp. after (+) the referral's. */
export const WINDOW_BEFORE = 14;
export const WINDOW_AFTER = 30;

export interface Group { municipality_code: string; cpr_hash: string }
export interface MatchReferral { id: number; referral_date: string }
export interface MatchCourse { id: number; referral_date: string }

const DAY_MS = 86_400_000;
const dayNumber = (iso: string): number => Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10)) / DAY_MS;

/**
 * The §4 rule on one group, pure: candidate pairs with −14 ≤ c − r ≤ 30 days, ordered by |c − r|, then referral id,
 * then course id, taken greedily when neither side is taken. Returns referral id → course id.
 */
export function matchGroup(referrals: MatchReferral[], courses: MatchCourse[]): Map<number, number> {
  const pairs: { d: number; r: number; c: number }[] = [];
  for (const r of referrals) {
    const rd = dayNumber(r.referral_date);
    for (const c of courses) {
      const diff = dayNumber(c.referral_date) - rd;
      if (diff >= -WINDOW_BEFORE && diff <= WINDOW_AFTER) pairs.push({ d: Math.abs(diff), r: r.id, c: c.id });
    }
  }
  pairs.sort((a, b) => a.d - b.d || a.r - b.r || a.c - b.c);
  const result = new Map<number, number>();
  const takenCourses = new Set<number>();
  for (const p of pairs) {
    if (result.has(p.r) || takenCourses.has(p.c)) continue;
    result.set(p.r, p.c);
    takenCourses.add(p.c);
  }
  return result;
}

const groupKey = (g: Group): string => `${g.municipality_code}:${g.cpr_hash}`;

/** A signed 64-bit advisory lock key for a group (PostgreSQL). */
function lockKey(g: Group): string {
  return createHash('sha256').update('referral-group:' + groupKey(g)).digest().readBigInt64BE(0).toString();
}

/** Distinct groups in key order (the lock order). */
export function distinctGroups(groups: Group[]): Group[] {
  const byKey = new Map<string, Group>();
  for (const g of groups) if (g.municipality_code && g.cpr_hash) byKey.set(groupKey(g), g);
  return [...byKey.keys()].sort().map((k) => byKey.get(k)!);
}

/** The advisory key every group change takes first: shared for a few groups, exclusive for a bulk change. */
const ALL_GROUPS_KEY = '7011200512';

/** Above this many groups one exclusive lock over all groups replaces the per-group locks (PostgreSQL's lock table is finite). */
export const BULK_GROUPS = 200;

/**
 * PostgreSQL: the shared all-groups lock, then one lock per group in key order; or, for a bulk change, the
 * exclusive all-groups lock alone (every group change needs the shared one, so nothing else changes a group meanwhile).
 * SQLite: nothing (the transaction holds the database's write lock).
 */
async function lockGroups(trx: Trx, groups: Group[]): Promise<void> {
  if (trx.client.config.client !== 'pg') return;
  if (groups.length > BULK_GROUPS) return lockAllGroups(trx);
  await trx.raw('select pg_advisory_xact_lock_shared(?::bigint)', [ALL_GROUPS_KEY]);
  for (const g of groups) await trx.raw('select pg_advisory_xact_lock(?::bigint)', [lockKey(g)]);
}

/** Lock every group for the rest of the transaction (a bulk import takes it before its first row). */
export async function lockAllGroups(trx: Trx): Promise<void> {
  if (trx.client.config.client === 'pg') await trx.raw('select pg_advisory_xact_lock(?::bigint)', [ALL_GROUPS_KEY]);
}

type Row = { id: number; referral_date: string; withdrawn?: unknown; course_id?: number | null };

/**
 * The referrals and live courses of these groups, by group key: per municipality, two queries per 500 CPR hashes
 * (equality on municipality_code and IN on cpr_hash, so both tables' (municipality_code, cpr_hash) indexes serve).
 */
async function readGroups(trx: Trx, groups: Group[]): Promise<Map<string, { referrals: Row[]; courses: Row[] }>> {
  const out = new Map(groups.map((g) => [groupKey(g), { referrals: [] as Row[], courses: [] as Row[] }]));
  const byMunicipality = new Map<string, string[]>();
  for (const g of groups) {
    const list = byMunicipality.get(g.municipality_code) ?? [];
    list.push(g.cpr_hash);
    byMunicipality.set(g.municipality_code, list);
  }
  for (const [municipality, hashes] of byMunicipality) {
    for (let i = 0; i < hashes.length; i += 500) {
      const part = hashes.slice(i, i + 500);
      const referrals = await trx('referrals').where('municipality_code', municipality).whereIn('cpr_hash', part)
        .select('id', 'municipality_code', 'cpr_hash', 'referral_date', 'withdrawn', 'course_id');
      const courses = await trx('courses').join('patients', 'patients.id', 'courses.patient_id')
        .where('patients.municipality_code', municipality).whereIn('patients.cpr_hash', part)
        .where('courses.municipality_code', municipality).where('courses.annulled', false)
        .select('courses.id', 'patients.municipality_code', 'patients.cpr_hash', 'courses.referral_date');
      for (const r of referrals) out.get(groupKey(r))?.referrals.push(normalise(r));
      for (const c of courses) out.get(groupKey(c))?.courses.push(normalise(c));
    }
  }
  return out;
}

function normalise<T extends { referral_date: unknown }>(row: T): T & { referral_date: string } {
  const d = row.referral_date;
  return { ...row, referral_date: d instanceof Date ? localIso(d) : String(d).slice(0, 10) };
}

function localIso(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * Recompute and store the matches of these groups (locked first, in key order). Returns how many referrals'
 * course_id changed. Must run in the transaction of the change that caused it.
 */
export async function rematchGroups(trx: Trx, groups: Group[]): Promise<number> {
  const ordered = distinctGroups(groups);
  await lockGroups(trx, ordered);
  const updates: Update[] = [];
  for (const group of (await readGroups(trx, ordered)).values()) updates.push(...wantedChanges(group));
  // Free first, then set, across all groups: course_id is unique, and a course may move between referrals and, by a
  // CPR correction, between groups.
  const freed = updates.filter((u) => u.from !== null).map((u) => u.id);
  for (let i = 0; i < freed.length; i += 500) await trx('referrals').whereIn('id', freed.slice(i, i + 500)).update({ course_id: null });
  for (const u of updates) if (u.to !== null) await trx('referrals').where('id', u.id).update({ course_id: u.to });
  return updates.length;
}

interface Update { id: number; from: number | null; to: number | null }

function wantedChanges({ referrals, courses }: { referrals: Row[]; courses: Row[] }): Update[] {
  const live = referrals.filter((r) => !r.withdrawn);
  const wanted = matchGroup(live, courses);
  return referrals
    .map((r) => ({ id: r.id, from: (r.course_id ?? null) as number | null, to: wanted.get(r.id) ?? null }))
    .filter((u) => u.from !== u.to);
}

/** The groups of these patients (a patient is one municipality and one keyed CPR hash). */
export async function groupsOfPatients(trx: Trx | Knex, patientIds: number[]): Promise<Group[]> {
  const ids = [...new Set(patientIds.filter((id) => id != null))];
  const groups: Group[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    groups.push(...await trx('patients').whereIn('id', ids.slice(i, i + 500)).select('municipality_code', 'cpr_hash'));
  }
  return groups;
}

/**
 * Recompute the groups of these patients (after course writes). A bulk write (an import) recomputes only the groups
 * that hold a referral: one advisory lock per group would exhaust PostgreSQL's lock table.
 */
export async function rematchPatients(trx: Trx, patientIds: number[]): Promise<number> {
  if (!patientIds.length) return 0;
  let groups = await groupsOfPatients(trx, patientIds);
  if (groups.length > BULK) groups = await withReferrals(trx, groups);
  return rematchGroups(trx, groups);
}

const BULK = 50;

async function withReferrals(trx: Trx, groups: Group[]): Promise<Group[]> {
  const have = new Set<string>();
  for (let i = 0; i < groups.length; i += 500) {
    const part = groups.slice(i, i + 500);
    const rows: Group[] = await trx('referrals').whereIn('cpr_hash', part.map((g) => g.cpr_hash)).distinct('municipality_code', 'cpr_hash');
    for (const r of rows) have.add(groupKey(r));
  }
  return groups.filter((g) => have.has(groupKey(g)));
}

/** `referral rematch`: every group with a referral. Returns groups, matched referrals and changed matches. */
export async function rematchAll(db: Knex): Promise<{ groups: number; matched: number; changed: number }> {
  return db.transaction(async (trx) => {
    const groups: Group[] = await trx('referrals').distinct('municipality_code', 'cpr_hash');
    const changed = await rematchGroups(trx, groups);
    const matched = Number((await trx('referrals').whereNotNull('course_id').count({ n: '*' }))[0].n);
    return { groups: groups.length, matched, changed };
  });
}

import type { Knex } from 'knex';
import { whereInScope, type Scope } from '../access';
import { containsPattern, foldText } from '../db/danish';
import { rematchPatients } from '../pathway/matching';
import type { CourseState } from './completeness';
import { VARIABLE, VARIABLE_NAMES } from './variables';

/** The variables stored on the course row (cpr and patient_name are the patient's). */
const COURSE_ROW_VARIABLE_COLUMNS = VARIABLE_NAMES.filter((v) => v !== 'cpr' && v !== 'patient_name');

/** Course storage: every read goes through whereInScope; rows carry the patient's encrypted CPR and name. */

type Db = Knex | Knex.Transaction;

export const PAGE_SIZE = 50;

/** A stored course row joined with its patient's cpr_enc and patient_name. */
export type CourseRow = Record<string, unknown> & {
  id: number; patient_id: number; municipality_code: string; version: number; annulled: unknown;
  referral_date: string; cpr_enc: string; patient_name: string | null;
};

export interface CourseFilter {
  state?: CourseState;
  year?: number;
  diagnosis_group?: string;
  /** searched in the patient name (folded here and in the stored column: server/db/danish), course id and external_id */
  q?: string;
  cprHash?: string;
}

function coursesInScope(db: Db, scope: Scope): Knex.QueryBuilder {
  return whereInScope(db('courses').join('patients', 'patients.id', 'courses.patient_id'), scope, 'courses.municipality_code');
}

const COURSE_COLUMNS = ['courses.*', 'patients.cpr_enc', 'patients.patient_name'];

/** One course of the scope, annulled or not. */
export async function findCourse(db: Db, scope: Scope, id: number): Promise<CourseRow | undefined> {
  return coursesInScope(db, scope).where('courses.id', id).first(COURSE_COLUMNS);
}

const SEARCH_MAX_LENGTH = VARIABLE.patient_name.maxLength!;


function filtered(db: Db, scope: Scope, f: CourseFilter): Knex.QueryBuilder {
  const query = coursesInScope(db, scope).where('courses.annulled', false);
  if (f.state) query.where('courses.state', f.state);
  if (f.diagnosis_group) query.where('courses.diagnosis_group', f.diagnosis_group);
  if (f.year !== undefined) {
    query.whereBetween('courses.referral_date', [`${f.year}-01-01`, `${f.year}-12-31`]);
  }
  if (f.cprHash) query.where('patients.cpr_hash', f.cprHash);
  const q = f.q?.trim();
  const folded = q ? foldText(q) : '';
  // A text longer than any name or external_id matches nothing; SQLite refuses LIKE patterns over 50 000 bytes.
  if (q && q.length > SEARCH_MAX_LENGTH) query.whereRaw('1 = 0');
  else if (q) {
    query.where((w) => {
      w.whereRaw("?? like ? escape '\\'", ['patients.patient_name_folded', containsPattern(folded)])
        .orWhere('courses.external_id', q);
      if (/^\d{1,9}$/.test(q)) w.orWhere('courses.id', Number(q));
    });
  }
  return query;
}

/** A page of the scope's non-annulled courses, newest referral first then highest id, with the total. */
export async function listCourseRows(db: Db, scope: Scope, f: CourseFilter, page: number):
  Promise<{ rows: CourseRow[]; total: number }> {
  const [{ n }] = await filtered(db, scope, f).count({ n: 'courses.id' });
  const rows = await filtered(db, scope, f).select(COURSE_COLUMNS)
    .orderBy([{ column: 'courses.referral_date', order: 'desc' }, { column: 'courses.id', order: 'desc' }])
    .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE);
  return { rows, total: Number(n) };
}

export interface WorklistFilter {
  state?: CourseState;
  /** a variable name: only courses missing it (the stored `missing` JSON list) */
  missing?: string;
  /** only overdue referrals */
  overdue?: boolean;
  /** referred courses referred on or before this ISO date are overdue */
  overdueOn: string;
}

const OVERDUE = "courses.state = 'referred' and courses.referral_date <= ?";

function worklistQuery(db: Db, scope: Scope, f: WorklistFilter): Knex.QueryBuilder {
  const query = coursesInScope(db, scope).where('courses.annulled', false).where('courses.complete', false);
  if (f.state) query.where('courses.state', f.state);
  if (f.missing) query.whereRaw("courses.missing like ? escape '\\'", [containsPattern(`"${f.missing}"`)]);
  if (f.overdue) query.whereRaw(OVERDUE, [f.overdueOn]);
  return query;
}

/** A page of the scope's incomplete, non-annulled courses: overdue referrals first, then by referral_date; the total. */
export async function worklistRows(db: Db, scope: Scope, f: WorklistFilter, page: number): Promise<{ rows: CourseRow[]; total: number }> {
  const [{ n }] = await worklistQuery(db, scope, f).count({ n: 'courses.id' });
  const rows = await worklistQuery(db, scope, f).select(COURSE_COLUMNS)
    .orderByRaw(`case when ${OVERDUE} then 0 else 1 end`, [f.overdueOn])
    .orderBy([{ column: 'courses.referral_date' }, { column: 'courses.id' }])
    .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE);
  return { rows, total: Number(n) };
}

/** The start page's counts: incomplete courses of the scope and, of them, the overdue referrals. */
export async function worklistCounts(db: Db, scope: Scope, overdueOn: string): Promise<{ incomplete: number; overdue: number }> {
  const [row] = await worklistQuery(db, scope, { overdueOn }).select(
    db.raw('count(*) as incomplete'),
    db.raw(`sum(case when ${OVERDUE} then 1 else 0 end) as overdue`, [overdueOn]),
  );
  return { incomplete: Number(row?.incomplete ?? 0), overdue: Number(row?.overdue ?? 0) };
}

export interface OccupyingRow {
  id: number; referral_date: string; start_date: string | null; not_started_reason: string | null; end_date: string | null;
}

/** The patient's other courses that can occupy days (not annulled). */
export async function patientCourses(db: Db, patientId: number, exceptId?: number): Promise<OccupyingRow[]> {
  const query = db('courses').where('patient_id', patientId).where('annulled', false)
    .select('id', 'referral_date', 'start_date', 'not_started_reason', 'end_date').orderBy('id');
  if (exceptId !== undefined) query.whereNot('id', exceptId);
  return query;
}

/** The course of the municipality holding this external_id (annulled ones too), other than `exceptId`. */
export async function courseIdByExternalId(db: Db, municipalityCode: string, externalId: string, exceptId?: number):
  Promise<number | undefined> {
  const query = db('courses').where({ municipality_code: municipalityCode, external_id: externalId });
  if (exceptId !== undefined) query.whereNot('id', exceptId);
  return (await query.first('id'))?.id;
}

/** Insert a course (in a transaction); its referral group is rematched in the same transaction (pathway.md §4). */
export async function insertCourse(db: Knex.Transaction, row: Record<string, unknown>): Promise<number> {
  const [r] = await db('courses').insert(row).returning('id');
  await rematchPatients(db, [row.patient_id as number]);
  return typeof r === 'object' ? r.id : r;
}

/** What the referral matching reads of a course (pathway.md §4): its patient, referral date and annulment. */
export interface MatchedAs { patient_id: number; referral_date: unknown; annulled: unknown }

/**
 * Optimistic locking: changes the row only when it still has `version`; returns whether it did. The course's old
 * and new referral groups are rematched in the same transaction (pathway.md §4). With `before` (the row as the
 * caller read it in this transaction) the course is not read again, and the rematch is skipped when the change
 * leaves what the matching reads as it was.
 */
export async function updateCourseAtVersion(db: Knex.Transaction, id: number, version: number, row: Record<string, unknown>,
  before?: MatchedAs): Promise<boolean> {
  const was = before ?? await db('courses').where({ id }).first('patient_id');
  const n = await db('courses').where({ id, version }).update({ ...row, version: version + 1 });
  if (n === 1 && (!before || changesMatching(before, row))) {
    await rematchPatients(db, [was?.patient_id, row.patient_id as number | undefined].filter((p): p is number => p != null));
  }
  return n === 1;
}

/**
 * PostgreSQL: the update at `version` and its audit row in one statement, atomic without a transaction (the audit
 * row is inserted only when the update changed the row); returns whether it did. For a change that leaves what the
 * referral matching reads as it was (`changesMatching` false), as it does not rematch.
 */
export async function updateCourseAtVersionAudited(db: Knex, id: number, version: number, row: Record<string, unknown>,
  audit: Record<string, Knex.Value>): Promise<boolean> {
  const update = db('courses').where({ id, version }).update({ ...row, version: version + 1 }).returning('id');
  const columns = Object.keys(audit);
  const result = await db.raw(
    `with changed as (?) insert into audit_log (${columns.map(() => '??').join(', ')}) select ${columns.map(() => '?').join(', ')} from changed`,
    [update, ...columns, ...Object.values(audit)],
  );
  return result.rowCount === 1;
}

/** Does writing `row` over `before` change what the referral matching reads (patient, referral date, annulment)? */
export function changesMatching(before: MatchedAs, row: Record<string, unknown>): boolean {
  const differs = (k: keyof MatchedAs, norm: (v: unknown) => unknown) => k in row && norm(row[k]) !== norm(before[k]);
  return differs('patient_id', Number) || differs('referral_date', (v) => String(v).slice(0, 10))
    || differs('annulled', (v) => v === true || v === 1 || v === '1' || v === 'true');
}

/** Is this a unique-key violation (either engine)? */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '23505' || (e?.code === 'SQLITE_CONSTRAINT' && /UNIQUE/.test(e.message ?? ''));
}

/** The stored derived columns of a course (completeness.ts), with what they are derived from. */
export type DerivedRow = Record<string, unknown> & { id: number; version: number; state: string; complete: unknown; missing: unknown };

/** Up to `size` courses (annulled too) with id > `afterId`, in primary-key order: their variables and derived columns. */
export async function courseRowsAfter(db: Db, afterId: number, size: number): Promise<DerivedRow[]> {
  return db('courses').where('id', '>', afterId).orderBy('id').limit(size)
    .select('id', 'version', 'state', 'complete', 'missing', ...COURSE_ROW_VARIABLE_COLUMNS);
}

/** Store a course's derived columns, unless a save changed the course since it was read (returns whether it did). */
export async function updateDerived(db: Db, id: number, version: number, derived: { state: string; complete: boolean; missing: string }):
  Promise<boolean> {
  return (await db('courses').where({ id, version }).update(derived)) === 1;
}

import type { Knex } from 'knex';
import { whereInScope, type Scope } from '../access';
import { insertRows } from '../db/bulk';
import { isPostgres } from '../db/connect';

export interface SubmissionRow {
  id: number;
  scope: string;
  period_from: string;
  period_to: string;
  created_at: string;
  created_by: number | null;
  created_by_email: string;
  record_count: number;
  sha256: string;
  csv_name: string;
  manifest_name: string;
  zip_name: string;
  replaced_by: number | null;
}

export type Part = 'csv' | 'manifest' | 'zip';
const SUMMARY_COLUMNS = ['id', 'scope', 'period_from', 'period_to', 'created_at', 'created_by', 'created_by_email',
  'record_count', 'sha256', 'csv_name', 'manifest_name', 'zip_name', 'replaced_by'];

function decode(r: Record<string, unknown>): SubmissionRow {
  return {
    ...(r as unknown as SubmissionRow),
    id: Number(r.id),
    record_count: Number(r.record_count),
    created_by: r.created_by === null ? null : Number(r.created_by),
    replaced_by: r.replaced_by === null || r.replaced_by === undefined ? null : Number(r.replaced_by),
  };
}

/** Submissions whose scope (a municipality or region code) lies inside the user's scope. */
function whereSubmissionInScope(q: Knex.QueryBuilder, scope: Scope): Knex.QueryBuilder {
  if (scope.kind === 'country') return q;
  return q.where((inner) => {
    whereInScope(inner, scope, 'scope');
    inner.orWhere('scope', scope.code);
  });
}

/** The log: newest first. */
export async function listSubmissions(db: Knex, scope: Scope): Promise<(SubmissionRow & { manifest_enc: Buffer })[]> {
  const rows = await whereSubmissionInScope(db('submissions').select(...SUMMARY_COLUMNS, 'manifest_enc'), scope)
    .orderBy('id', 'desc');
  return rows.map((r: Record<string, unknown>) => ({ ...decode(r), manifest_enc: r.manifest_enc as Buffer }));
}

/** One submission inside the scope, or undefined (outside the scope is the same as not existing). */
export async function findSubmission(db: Knex, scope: Scope, id: number): Promise<SubmissionRow | undefined> {
  const row = await whereSubmissionInScope(db('submissions').select(SUMMARY_COLUMNS).where('id', id), scope).first();
  return row ? decode(row) : undefined;
}

export async function storedPart(db: Knex, id: number, part: Part): Promise<Buffer> {
  const column = `${part}_enc`;
  const row = await db('submissions').select(column).where('id', id).first();
  return row[column] as Buffer;
}

/** Submissions not yet replaced: the candidates a new one replaces or conflicts with. */
export async function openSubmissions(db: Knex): Promise<SubmissionRow[]> {
  return (await db('submissions').select(SUMMARY_COLUMNS).whereNull('replaced_by').orderBy('id')).map(decode);
}

/** Serialise creations: two concurrent ones must not both miss each other's replacement check. */
export async function lockSubmissions(trx: Knex.Transaction): Promise<void> {
  if (isPostgres(trx)) await trx.raw('LOCK TABLE submissions IN SHARE ROW EXCLUSIVE MODE');
}

export async function insertSubmission(trx: Knex.Transaction, row: Omit<SubmissionRow, 'id' | 'replaced_by'> & {
  csv_enc: Buffer; manifest_enc: Buffer; zip_enc: Buffer;
}): Promise<number> {
  const [r] = await trx('submissions').insert(row).returning('id');
  return Number(typeof r === 'object' ? r.id : r);
}

/**
 * The files (and the count and hash they hold) are only known once the id is (the manifest holds it) and the courses
 * are read; set them in the creating transaction.
 */
export async function setFiles(trx: Knex.Transaction, id: number, files: { record_count: number; sha256: string; csv_enc: Buffer; manifest_enc: Buffer; zip_enc: Buffer }): Promise<void> {
  await trx('submissions').where('id', id).update(files);
}

/** The courses a submission contains, with multi-row INSERTs (server/db/bulk). */
export async function insertSubmissionCourses(trx: Knex.Transaction, id: number, rows: { course_id: number; patient_id: number }[]): Promise<void> {
  await insertRows(trx, 'submission_courses', ['submission_id', 'course_id', 'patient_id'], rows.map((r) => [id, r.course_id, r.patient_id]));
}

export async function markReplaced(trx: Knex.Transaction, ids: number[], by: number): Promise<void> {
  if (ids.length) await trx('submissions').whereIn('id', ids).update({ replaced_by: by });
}

/** The annulled courses among the rows of the given submissions, ascending. */
export async function annulledRowsOf(db: Knex, submissionIds: number[]): Promise<number[]> {
  if (submissionIds.length === 0) return [];
  const rows: { id: number }[] = await db('courses').distinct('courses.id')
    .join('submission_courses as sc', 'sc.course_id', 'courses.id')
    .whereIn('sc.submission_id', submissionIds).where('courses.annulled', true).orderBy('courses.id');
  return rows.map((r) => Number(r.id));
}

/** The patients a submission holds, with their municipality (one audit row each at every download). */
export async function patientsOf(db: Knex, id: number): Promise<{ patient_id: number; municipality_code: string }[]> {
  const rows = await db('submission_courses as sc').join('courses as c', 'c.id', 'sc.course_id')
    .distinct('sc.patient_id', 'c.municipality_code').where('sc.submission_id', id).orderBy('sc.patient_id');
  return rows.map((r: { patient_id: number; municipality_code: string }) => ({ patient_id: Number(r.patient_id), municipality_code: r.municipality_code }));
}

/**
 * Rows per page (SQLite) and per FETCH from the cursor (PostgreSQL). SQLite's pages are small, so that a page's rows
 * die young (at 1000 a submission of 83 500 courses peaked at 420 MB, at 200 at 330 MB, same CPU time); each
 * PostgreSQL FETCH is a round trip, so its pages stay larger.
 */
const SQLITE_PAGE = 200;
const PG_FETCH = 1000;

export interface CourseRead {
  scope: Scope;
  /** the submission's conditions on `c` (courses) */
  where: (q: Knex.QueryBuilder) => void;
  /** rows per page, SQLITE_PAGE or PG_FETCH unless given */
  pageSize?: number;
}

function courseQuery(db: Knex, from: Knex.Raw | string, read: CourseRead): Knex.QueryBuilder {
  const q = db.from(from).join('patients as p', 'p.id', 'c.patient_id').select('c.*', 'p.cpr_enc', 'p.patient_name')
    .where('c.annulled', false).where(read.where).orderBy('c.id');
  return whereInScope(q, read.scope, 'c.municipality_code');
}

/**
 * SQLite: keyset pages by id with `NOT INDEXED`, so every page continues the rowid walk where the last one stopped
 * (the planner would otherwise take a date index and sort every remaining row for each page: issue 9).
 */
async function* sqlitePages(db: Knex, read: CourseRead): AsyncGenerator<Record<string, unknown>[]> {
  let after = 0;
  for (;;) {
    const rows: Record<string, unknown>[] = await courseQuery(db, db.raw('?? AS ?? NOT INDEXED', ['courses', 'c']), read)
      .where('c.id', '>', after).limit(read.pageSize ?? SQLITE_PAGE);
    if (rows.length > 0) yield rows;
    if (rows.length < (read.pageSize ?? SQLITE_PAGE)) return;
    after = Number(rows[rows.length - 1].id);
  }
}

/**
 * PostgreSQL: one query, read through a cursor (needs the caller's transaction): whatever plan the planner takes,
 * the rows are found and sorted once, not once per page.
 */
async function* pgPages(trx: Knex.Transaction, read: CourseRead): AsyncGenerator<Record<string, unknown>[]> {
  const { sql, bindings } = courseQuery(trx, 'courses as c', read).toSQL();
  await trx.raw(`DECLARE submission_courses_read NO SCROLL CURSOR FOR ${sql}`, bindings as Knex.RawBinding[]);
  try {
    for (;;) {
      const { rows } = await trx.raw(`FETCH ${Math.trunc(read.pageSize ?? PG_FETCH)} FROM submission_courses_read`) as { rows: Record<string, unknown>[] };
      if (rows.length > 0) yield rows;
      if (rows.length < (read.pageSize ?? PG_FETCH)) return;
    }
  } finally {
    await trx.raw('CLOSE submission_courses_read');
  }
}

/**
 * The not-annulled courses in scope that meet `where`, as rows of courses ⋈ patients in ascending id, in pages: one pass over the table on either engine (query plans checked in the tests). PostgreSQL needs `db` to
 * be a transaction (the cursor's lifetime).
 */
export function courseRowPages(db: Knex, read: CourseRead): AsyncGenerator<Record<string, unknown>[]> {
  if (!isPostgres(db)) return sqlitePages(db, read);
  if (!db.isTransaction) throw new Error('courseRowPages on PostgreSQL needs a transaction');
  return pgPages(db as Knex.Transaction, read);
}

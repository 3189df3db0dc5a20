import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { recordAudit, type Actor } from '../audit/record';
import { resolveScope, scopeContains, type Scope } from '../access';
import { decryptBytes, encryptBytes } from '../patients';
import { FieldVerdicts, toStoredCourse, type StoredCourse } from '../courses';
import { Conflict, NotFound } from '../http/errors';
import { t, type Lang } from '../i18n';
import { today } from '../time';
import { CSV_HEADER, csvLine, fileNames, manifestBytes, MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION, secondsIso, zipBytes, type FileNames, type Manifest } from './build';
import {
  annulledRowsOf, courseRowPages, findSubmission, insertSubmission, insertSubmissionCourses, listSubmissions, lockSubmissions,
  markReplaced, openSubmissions, patientsOf, setFiles, storedPart, type Part,
} from './queries';
import { submissionErrors, submissionWarnings, type CourseReasons } from './validate';

export interface SubmissionInput { from: string; to: string; scope: Scope }

/** What a pass over the courses keeps: counts, the reasons, the patients contained, and (when asked) the CSV's bytes. */
interface Contents {
  count: number;
  excluded: CourseReasons[];
  warnings: CourseReasons[];
  /** patient_id → municipality_code, in the order of their first course (one audit row each) */
  patients: Map<number, string>;
  /** the national CSV, header first, and its SHA-256 computed while it was written */
  csv: Buffer[];
  sha256: string;
}

interface CollectOptions {
  /** warnings are only reported by the dry run */
  warnings: boolean;
  /** write the national CSV (a creation); and the batch's contained courses, as each batch is read */
  file?: { contained: (rows: { course_id: number; patient_id: number }[]) => Promise<void> };
}

/** The period's conditions on `c`: closed courses by end_date, not-started ones by referral_date. */
function inPeriod(input: SubmissionInput): (q: Knex.QueryBuilder) => void {
  return (q) => q
    .whereBetween('c.end_date', [input.from, input.to])
    .orWhere((w) => w.whereNull('c.start_date').whereNotNull('c.not_started_reason').whereBetween('c.referral_date', [input.from, input.to]));
}

/** One batch validated: reasons kept, valid courses counted and (for a creation) written to the CSV and passed on. */
async function collectBatch(out: Contents, batch: StoredCourse[], ctx: { day: string; lang: Lang; hash: crypto.Hash; fields: FieldVerdicts; opts: CollectOptions }): Promise<void> {
  const lines: string[] = [];
  const contained: { course_id: number; patient_id: number }[] = [];
  for (const course of batch) {
    const errors = submissionErrors(course, ctx.day, ctx.lang, ctx.fields);
    if (errors.length) {
      out.excluded.push({ course_id: course.id, reasons: errors });
      continue;
    }
    const warnings = ctx.opts.warnings ? submissionWarnings(course, ctx.lang) : [];
    if (warnings.length) out.warnings.push({ course_id: course.id, reasons: warnings });
    out.count++;
    if (!out.patients.has(course.patient_id)) out.patients.set(course.patient_id, String(course.values.municipality_code));
    if (!ctx.opts.file) continue;
    lines.push(csvLine(course));
    contained.push({ course_id: course.id, patient_id: course.patient_id });
  }
  if (!ctx.opts.file) return;
  const bytes = Buffer.from(lines.join(''), 'utf8');
  ctx.hash.update(bytes);
  out.csv.push(bytes);
  await ctx.opts.file.contained(contained);
}

/**
 * The closed courses with end_date in the period and the not-started ones with referral_date in it, validated, in
 * one pass in id order (in pages; never all courses at once). A creation streams the CSV while hashing it.
 */
async function collect(db: Knex, cprKey: Buffer, input: SubmissionInput, lang: Lang, opts: CollectOptions): Promise<Contents> {
  const out: Contents = { count: 0, excluded: [], warnings: [], patients: new Map(), csv: [], sha256: '' };
  const hash = crypto.createHash('sha256');
  if (opts.file) {
    const header = Buffer.from(CSV_HEADER, 'utf8');
    hash.update(header);
    out.csv.push(header);
  }
  const ctx = { day: today(), lang, hash, fields: new FieldVerdicts(), opts };
  for await (const rows of courseRowPages(db, { scope: input.scope, where: inPeriod(input) })) {
    await collectBatch(out, rows.map((r) => toStoredCourse(r, cprKey)), ctx);
  }
  out.sha256 = hash.digest('hex');
  return out;
}

/**
 * The earlier, not yet replaced submissions this one replaces (scope and period inside its own); one that
 * overlaps it in scope and period without being inside it refuses the creation (409 overlap).
 */
async function replacements(db: Knex, input: SubmissionInput, lang: Lang): Promise<number[]> {
  const replaces: number[] = [];
  for (const s of await openSubmissions(db)) {
    const scope = await resolveScope(db, s.scope);
    if (!scope) continue;
    const scopeInside = scopeContains(input.scope, scope);
    const scopesMeet = scopeInside || scopeContains(scope, input.scope);
    const periodInside = s.period_from >= input.from && s.period_to <= input.to;
    const periodsMeet = s.period_from <= input.to && input.from <= s.period_to;
    if (scopeInside && periodInside) replaces.push(s.id);
    else if (scopesMeet && periodsMeet) {
      throw new Conflict('overlap', t(lang, 'submissions.overlap', {
        id: s.id, scope: s.scope, from: s.period_from, to: s.period_to,
      }));
    }
  }
  return replaces;
}

export interface DryRunReport {
  dry_run: true;
  record_count: number;
  excluded: CourseReasons[];
  withdrawn: number[];
  warnings: CourseReasons[];
  replaces: number[];
}

/** The validation report of a submission that is not created: nothing is stored. */
export async function validateSubmission(db: Knex, cprKey: Buffer, actor: Actor, input: SubmissionInput, lang: Lang = 'da'): Promise<DryRunReport> {
  const replaces = await replacements(db, input, lang);
  // A transaction for PostgreSQL's cursor (read only: nothing is written but the audit row after it).
  const contents = await db.transaction((trx) => collect(trx, cprKey, input, lang, { warnings: true }));
  const withdrawn = await annulledRowsOf(db, replaces);
  await recordAudit(db, actor, {
    action: 'submission_validate', entity: 'submission',
    detail: { scope: input.scope.code, period: { from: input.from, to: input.to }, record_count: contents.count, excluded: contents.excluded.length },
  });
  return { dry_run: true, record_count: contents.count, excluded: contents.excluded, withdrawn, warnings: contents.warnings, replaces };
}

/**
 * Create, store (encrypted) and audit a submission in one transaction; returns its manifest. The stored manifest's
 * messages are Danish (the national file's language); `lang` is only for a refusal shown to the user.
 */
export async function createSubmission(db: Knex, cprKey: Buffer, actor: Actor & { email: string }, input: SubmissionInput,
  now = new Date(), lang: Lang = 'da'): Promise<Manifest> {
  return db.transaction(async (trx) => {
    await lockSubmissions(trx);
    const replaces = await replacements(trx, input, lang);
    const createdAt = secondsIso(now);
    const names = fileNames(input.scope.code, input.from, input.to, createdAt);
    const empty = Buffer.alloc(0);
    // Stored first, so that each batch's contained courses are written as it is read; counts and files follow.
    const id = await insertSubmission(trx, {
      scope: input.scope.code, period_from: input.from, period_to: input.to, created_at: createdAt,
      created_by: actor.userId, created_by_email: actor.email, record_count: 0, sha256: '',
      csv_name: names.csv, manifest_name: names.manifest, zip_name: names.zip, csv_enc: empty, manifest_enc: empty, zip_enc: empty,
    });
    const contents = await collect(trx, cprKey, input, 'da', { warnings: false, file: { contained: (rows) => insertSubmissionCourses(trx, id, rows) } });
    const withdrawn = await annulledRowsOf(trx, replaces);
    const manifest: Manifest = {
      id, format: MANIFEST_FORMAT, format_version: MANIFEST_FORMAT_VERSION, scope: input.scope.code,
      period: { from: input.from, to: input.to }, created_at: createdAt, created_by: actor.email,
      record_count: contents.count, replaces, excluded: contents.excluded, withdrawn, sha256: contents.sha256,
    };
    await storeFiles(trx, cprKey, manifest, names, contents.csv);
    await markReplaced(trx, replaces, id);
    await auditContained(trx, actor, 'submission_create', id, [...contents.patients].map(([patient_id, municipality_code]) => ({ patient_id, municipality_code })), {
      scope: input.scope.code, period: manifest.period, record_count: manifest.record_count,
      excluded: contents.excluded.length, replaces, withdrawn: withdrawn.length, sha256: contents.sha256,
    });
    return manifest;
  });
}

/** The CSV (its chunks let go once joined), the manifest and their ZIP, encrypted, with the counts of the manifest. */
async function storeFiles(trx: Knex.Transaction, cprKey: Buffer, manifest: Manifest, names: FileNames, chunks: Buffer[]): Promise<void> {
  const csv = Buffer.concat(chunks);
  chunks.length = 0;
  const manifestFile = manifestBytes(manifest);
  const zip = await zipBytes([{ name: names.csv, data: csv }, { name: names.manifest, data: manifestFile }], manifest.created_at);
  await setFiles(trx, manifest.id, {
    record_count: manifest.record_count, sha256: manifest.sha256,
    csv_enc: encryptBytes(cprKey, csv), manifest_enc: encryptBytes(cprKey, manifestFile), zip_enc: encryptBytes(cprKey, zip),
  });
}

/** One summary row with the counts, then one row per patient contained. */
export async function auditContained(
  db: Knex, actor: Actor, action: string, submissionId: number,
  rows: { patient_id: number; municipality_code: string }[], detail: unknown,
): Promise<void> {
  const seen = new Set<number>();
  const perPatient = rows.filter((r) => !seen.has(r.patient_id) && seen.add(r.patient_id)).map((r) => ({
    action, entity: 'submission', entityId: submissionId, patientId: r.patient_id, municipalityCode: r.municipality_code,
  }));
  await recordAudit(db, actor, { action, entity: 'submission', entityId: submissionId, detail }, ...perPatient);
}

const CONTENT_TYPES: Record<Part, string> = {
  csv: 'text/csv; charset=utf-8', manifest: 'application/json; charset=utf-8', zip: 'application/zip',
};

/**
 * The stored bytes of one part, decrypted; audited with one row per patient contained. 404 outside the scope; the
 * part may be given as a reader that throws its 400, called only after the 404 check.
 */
export async function downloadPart(db: Knex, cprKey: Buffer, actor: Actor, scope: Scope, id: number, partOrReader: Part | (() => Part)):
  Promise<{ name: string; contentType: string; bytes: Buffer }> {
  const s = await findSubmission(db, scope, id);
  if (!s) throw new NotFound({ entity: 'submission', entityId: id });
  // The part is read only now: a submission outside the scope is 404 before a bad part's 400 (order of answers).
  const part = typeof partOrReader === 'function' ? partOrReader() : partOrReader;
  const bytes = decryptBytes(cprKey, await storedPart(db, id, part));
  await auditContained(db, actor, 'submission_download', id, await patientsOf(db, id), { part });
  const name = part === 'csv' ? s.csv_name : part === 'manifest' ? s.manifest_name : s.zip_name;
  return { name, contentType: CONTENT_TYPES[part], bytes };
}

export type LogItem = Manifest & { replaced_by: number | null; csv_name: string; manifest_name: string; zip_name: string };

/** The log: the submissions whose scope lies inside the user's scope, each as its stored manifest. */
export async function submissionLog(db: Knex, cprKey: Buffer, scope: Scope): Promise<LogItem[]> {
  return (await listSubmissions(db, scope)).map((s) => ({
    ...(JSON.parse(decryptBytes(cprKey, s.manifest_enc).toString('utf8')) as Manifest),
    replaced_by: s.replaced_by, csv_name: s.csv_name, manifest_name: s.manifest_name, zip_name: s.zip_name,
  }));
}

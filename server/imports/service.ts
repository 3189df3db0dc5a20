import type { Knex } from 'knex';
import { recordAudit, type Actor } from '../audit/record';
import type { CurrentUser } from '../access';
import { isPostgres } from '../db/connect';
import { Forbidden } from '../http/errors';
import type { Lang } from '../i18n';
import { finishWrites, newWriteState, writeBatch, type WriteState } from './commit';
import { overlapErrors } from './overlap';
import { newPlanState, planBatch, type PlannedRow, type PlanState, type ReportCourse } from './plan';
import { dataRows, type DataRow, type ReadState } from './read';
import type { ImportIssue } from './rows';

/** The import report of formats.md (the page shows the same). */
export interface ImportReport {
  dry_run: boolean;
  rows: number;
  created: number;
  updated: number;
  courses: ReportCourse[];
  errors: ImportIssue[];
  warnings: ImportIssue[];
}

export interface ImportContext {
  db: Knex; cprKey: Buffer; maxBytes: number; lang: Lang;
  /** rows planned together (default PLAN_ROWS; the tests vary it: the report and what is stored do not depend on it) */
  planRows?: number;
}

/** Rows written together (one INSERT of their courses, their audit rows): rows 1–500, 501–1000, … of the file. */
const WRITE_ROWS = 500;

/**
 * Rows read and validated together (one lookup of their external ids and stored spans); a divisor of WRITE_ROWS.
 * Few, so that rows and their garbage die young: at 500 they outlived the young generation and the heap of a
 * 100 000-row import grew by some 200 MB of dead rows.
 */
const PLAN_ROWS = 100;

type Writer = (rows: PlannedRow[], plan: PlanState) => Promise<void>;

/**
 * One pass over the upload: rows read and planned in batches and, while the file has no error so far, handed to
 * `write` WRITE_ROWS at a time; then the overlap rule over the whole file. Planning a batch only reads, and what it
 * reads is the same whether the rows before it are written yet or not (a row's stored course by external_id leaves
 * out those the import created; the stored spans of a patient are read at the patient's first row). Holds the report, the errors and one span per row.
 */
async function pass(db: Knex, ctx: ImportContext, municipality: string, source: AsyncIterable<Buffer | string>, write?: Writer):
  Promise<{ read: ReadState; plan: PlanState }> {
  const read: ReadState = { header: [], count: 0, errors: [] };
  const plan = newPlanState(ctx.cprKey, municipality, [], ctx.lang);
  let batch: DataRow[] = [];
  let pending: PlannedRow[] = [];
  const planRows = async () => {
    plan.header = read.header;
    const planned = await planBatch(db, plan, batch);
    batch = [];
    if (write) for (const p of planned) pending.push(p);
  };
  const writeRows = async () => {
    if (write && read.errors.length === 0 && plan.errors.length === 0) await write(pending, plan);
    pending = [];
  };
  let n = 0;
  for await (const row of dataRows(source, ctx, read)) {
    batch.push(row);
    const boundary = ++n % WRITE_ROWS === 0;
    if (boundary || batch.length >= (ctx.planRows ?? PLAN_ROWS)) await planRows();
    if (boundary) await writeRows();
  }
  if (batch.length > 0) await planRows();
  if (pending.length > 0) await writeRows();
  for (const e of overlapErrors(plan, ctx.lang)) plan.errors.push(e);
  return { read, plan };
}

/** The report; when nothing was written, a created row has no id. Errors by line (a line's own order kept). */
function report(dryRun: boolean, read: ReadState, plan: PlanState, written: boolean): ImportReport {
  let created = 0;
  for (const c of plan.courses) {
    if (c.action !== 'create') continue;
    created++;
    if (!written) c.id = null;
  }
  return {
    dry_run: dryRun, rows: read.count, created, updated: plan.courses.length - created, courses: plan.courses,
    errors: [...read.errors, ...plan.errors].sort((a, b) => a.line - b.line), warnings: plan.warnings,
  };
}

/**
 * The upload's bytes, read before the transaction so that a slow upload holds no lock: at most maxBytes + 1 bytes
 * (the reader then answers TooLarge at the same place as before), about 200 bytes a row.
 */
async function buffered(source: AsyncIterable<Buffer | string>, maxBytes: number): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    chunks.push(chunk);
    bytes += chunk.length;
    if (bytes > maxBytes) break;
  }
  return chunks;
}

/** The buffered chunks again, each let go once read. */
async function* replay(chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i];
    chunks[i] = Buffer.alloc(0);
    yield chunk;
  }
}

/** Thrown inside the transaction to roll back what the batches wrote once the file turned out to hold an error. */
class RolledBack extends Error {
  constructor(readonly report: ImportReport) { super('import rolled back'); }
}

/** Commit: every batch written while no error is known, rolled back at the end when one is. */
async function commitImport(ctx: ImportContext, user: CurrentUser, actor: Actor, chunks: Buffer[], audit: (db: Knex, r: ImportReport) => Promise<void>): Promise<ImportReport> {
  const municipality = user.scope.code;
  try {
    return await ctx.db.transaction(async (trx) => {
      // The overlap and external_id checks must see no concurrent course write until this commits.
      if (isPostgres(ctx.db)) await trx.raw('LOCK TABLE courses IN SHARE ROW EXCLUSIVE MODE');
      let state: WriteState | undefined;
      const write: Writer = async (rows, plan) => {
        state ??= newWriteState(plan.createdIds);
        await writeBatch(trx, { cprKey: ctx.cprKey, userId: user.id, actor, lang: ctx.lang, municipality, header: plan.header }, state, rows);
      };
      const { read, plan } = await pass(trx, ctx, municipality, replay(chunks), write);
      if (read.errors.length > 0 || plan.errors.length > 0) throw new RolledBack(report(false, read, plan, false));
      if (state) await finishWrites(trx, state);
      const r = report(false, read, plan, true);
      await audit(trx, r);
      return r;
    });
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
    await audit(ctx.db, err.report);
    return err.report;
  }
}

/**
 * Import a course CSV into the user's municipality, streamed in batches of 500 rows: every row valid or nothing
 * written (one transaction, rolled back at the first error found anywhere in the file), one audit row per course
 * created or changed and one summary row. A dry run writes nothing but its summary audit row. Memory: the report,
 * the errors and warnings, a small span per row; the commit also holds the upload's bytes (not its rows).
 */
export async function runImport(ctx: ImportContext, user: CurrentUser, actor: Actor, source: AsyncIterable<Buffer | string>,
  opts: { dryRun: boolean }): Promise<ImportReport> {
  if (user.scope.kind !== 'municipality') throw new Forbidden();
  const municipality = user.scope.code;
  const audit = (db: Knex, r: ImportReport) => recordAudit(db, actor, {
    action: opts.dryRun ? 'import_dry_run' : 'import', entity: 'import', municipalityCode: municipality,
    detail: { rows: r.rows, created: r.created, updated: r.updated, errors: r.errors.length, committed: !opts.dryRun && r.errors.length === 0 },
  });
  if (!opts.dryRun) return commitImport(ctx, user, actor, await buffered(source, ctx.maxBytes), audit);
  const { read, plan } = await pass(ctx.db, ctx, municipality, source);
  const r = report(true, read, plan, false);
  await audit(ctx.db, r);
  return r;
}

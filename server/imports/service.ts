import type { Knex } from 'knex';
import { recordAudit, type Actor } from '../audit/record';
import type { CurrentUser } from '../access';
import { isPostgres } from '../db/connect';
import { hasControlChar, normaliseText } from '../http/input';
import { unguardFormula } from '../http/spreadsheet-safety';
import { Forbidden } from '../http/errors';
import type { Lang } from '../i18n';
import { commitPlan } from './commit';
import { FileFault, readCsv, type CsvRecord } from './parse';
import { isVariableName } from '../courses';
import { planRows, type PlannedRow, type ReadRows } from './plan';
import { checkHeader, fault, type ImportIssue } from './rows';

/** The import report of formats.md (the page shows the same). */
export interface ImportReport {
  dry_run: boolean;
  rows: number;
  created: number;
  updated: number;
  courses: { line: number; action: 'create' | 'update'; external_id: string | null; id: number | null }[];
  errors: ImportIssue[];
  warnings: ImportIssue[];
}

export interface ImportContext { db: Knex; cprKey: Buffer; maxBytes: number; lang: Lang }

/** A header cell as a variable name: surrounding spaces dropped, and capitals where the lower-case name is known. */
function headerName(cell: string): string {
  const name = cell.trim();
  return isVariableName(name.toLowerCase()) ? name.toLowerCase() : name;
}

/** A row with another number of fields than the header: the other separator, if that explains it, else field_count. */
function fieldCountFault(rec: CsvRecord, expected: number, lang: Lang): ImportIssue {
  const other = rec.delimiter === ';' ? ',' : ';';
  if (rec.cells.join(rec.delimiter).split(other).length === expected) {
    return fault(rec.line, null, 'separator_mismatch', lang, { sep: other, header: rec.delimiter });
  }
  return fault(rec.line, null, 'field_count', lang, { got: rec.cells.length, expected });
}

/**
 * Read the whole upload into compact rows (no database): header checks, field counts, file faults. Each row is
 * kept as its line number and one JSON string of its cells, so 100 000 rows stay small. TooLarge propagates.
 */
async function readRows(source: AsyncIterable<Buffer | string>, ctx: ImportContext): Promise<{ rows: ReadRows; count: number; errors: ImportIssue[] }> {
  const rows: ReadRows = { header: [], lines: [], cells: [] };
  const errors: ImportIssue[] = [];
  let header: string[] | undefined;
  let headerOk = false;
  let lastLine = 1;
  let count = 0;
  try {
    for await (const rec of readCsv(source, ctx.maxBytes)) {
      lastLine = rec.line;
      if (!header) {
        header = rec.cells.map(headerName);
        errors.push(...checkHeader(header, ctx.lang));
        headerOk = errors.length === 0;
        rows.header = header;
        continue;
      }
      // After a bad header the rest is still read, for the file faults it may hold, but not interpreted.
      if (!headerOk) continue;
      // Lines of separators or spaces only (what a spreadsheet leaves below the data) are empty lines.
      if (rec.cells.every((c) => c.trim() === '')) continue;
      count++;
      const controlAt = rec.cells.findIndex((c) => hasControlChar(c));
      if (controlAt >= 0) {
        errors.push(fault(rec.line, header[controlAt] ?? null, 'control_char', ctx.lang));
        continue;
      }
      if (rec.cells.length !== header.length) {
        errors.push(fieldCountFault(rec, header.length, ctx.lang));
        continue;
      }
      rows.lines.push(rec.line);
      rows.cells.push(JSON.stringify(rec.cells.map((c) => unguardFormula(normaliseText(c)))));
    }
    if (header && count === 0 && errors.length === 0) errors.push(fault(lastLine + 1, null, 'no_data_row', ctx.lang));
  } catch (err) {
    if (!(err instanceof FileFault)) throw err;
    errors.push(fault(err.line, null, err.code, ctx.lang, err.params));
  }
  return { rows, count, errors };
}

function report(dryRun: boolean, rowCount: number, planned: PlannedRow[], errors: ImportIssue[], warnings: ImportIssue[]): ImportReport {
  return {
    dry_run: dryRun,
    rows: rowCount,
    created: planned.filter((p) => p.action === 'create').length,
    updated: planned.filter((p) => p.action === 'update').length,
    courses: planned.map((p) => ({ line: p.line, action: p.action, external_id: p.external_id, id: p.id })),
    errors: [...errors].sort((a, b) => a.line - b.line),
    warnings,
  };
}

/**
 * Import a course CSV into the user's municipality: every row valid or nothing written, in one transaction with one
 * audit row per course created or changed. A dry run writes nothing but its summary audit row.
 */
export async function runImport(ctx: ImportContext, user: CurrentUser, actor: Actor, source: AsyncIterable<Buffer | string>,
  opts: { dryRun: boolean }): Promise<ImportReport> {
  if (user.scope.kind !== 'municipality') throw new Forbidden();
  const municipality = user.scope.code;
  const read = await readRows(source, ctx);
  const rowCount = read.count;
  const summary = (r: ImportReport) => ({
    action: opts.dryRun ? 'import_dry_run' : 'import', entity: 'import', municipalityCode: municipality,
    detail: { rows: r.rows, created: r.created, updated: r.updated, errors: r.errors.length, committed: !opts.dryRun && r.errors.length === 0 },
  });
  if (opts.dryRun || read.errors.length > 0) {
    const plan = await planRows(ctx.db, ctx.cprKey, municipality, read.rows, ctx.lang);
    const r = report(opts.dryRun, rowCount, plan.planned, [...read.errors, ...plan.errors], plan.warnings);
    await recordAudit(ctx.db, actor, summary(r));
    return r;
  }
  return ctx.db.transaction(async (trx) => {
    // The overlap and external_id checks must see no concurrent course write until this commits.
    if (isPostgres(ctx.db)) await trx.raw('LOCK TABLE courses IN SHARE ROW EXCLUSIVE MODE');
    const plan = await planRows(trx, ctx.cprKey, municipality, read.rows, ctx.lang);
    if (plan.errors.length === 0) {
      await commitPlan(trx, { cprKey: ctx.cprKey, userId: user.id, actor, lang: ctx.lang }, municipality, read.rows.header, plan.planned);
    }
    const r = report(false, rowCount, plan.planned, plan.errors, plan.warnings);
    await recordAudit(trx, actor, summary(r));
    return r;
  });
}

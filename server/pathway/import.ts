import { recordAudit, type Actor } from '../audit/record';
import { HttpError, Invalid } from '../http/errors';
import { t } from '../i18n';
import { FileFault, readCsv } from '../imports/parse';
import { fault, type ImportIssue } from '../imports/rows';
import { REFERRAL_VARIABLES } from './referral-rules';
import { submitInTrx, type ReferralAction, type ReferralCtx } from './referrals';

/**
 * The referral import (pathway.md §7): the course import's rules (formats.md) and report, with unchanged, withdrawn
 * and skipped counts and one line per referral. All rows or none, in one transaction.
 */

export interface ReferralImportReport {
  dry_run: boolean; rows: number; created: number; updated: number; unchanged: number; withdrawn: number; skipped: number;
  referrals: { line: number; action: ReferralAction; sor_code: string | null; referral_id: string | null; id: number | null }[];
  errors: ImportIssue[]; warnings: ImportIssue[];
}

const REQUIRED = ['referral_id', 'cpr', 'municipality_code', 'referral_date', 'diagnosis_group'];

function checkHeader(names: string[], ctx: ReferralCtx): ImportIssue[] {
  const errors: ImportIssue[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (!(REFERRAL_VARIABLES as readonly string[]).includes(name)) errors.push(fault(1, name, 'unknown_column', ctx.lang, { name }));
    else if (seen.has(name)) errors.push(fault(1, name, 'duplicate_column', ctx.lang, { name }));
    seen.add(name);
  }
  const required = ctx.user.scope.kind === 'department' ? REQUIRED : [...REQUIRED, 'sor_code'];
  for (const name of required) if (!seen.has(name)) errors.push(fault(1, name, 'missing_column', ctx.lang, { name }));
  return errors;
}

class Rollback extends Error {}

/** Import a referral CSV as this user; a dry run or a file with errors writes nothing but the summary audit row. */
export async function importReferrals(ctx: ReferralCtx, actor: Actor, source: AsyncIterable<Buffer | string>, maxBytes: number,
  dryRun: boolean): Promise<ReferralImportReport> {
  const r: ReferralImportReport = { dry_run: dryRun, rows: 0, created: 0, updated: 0, unchanged: 0, withdrawn: 0, skipped: 0, referrals: [], errors: [], warnings: [] };
  try {
    await ctx.db.transaction(async (trx) => {
      let header: string[] | undefined;
      const seen = new Set<string>();
      try {
        for await (const rec of readCsv(source, maxBytes)) {
          if (!header) {
            header = rec.cells.map((c) => c.trim());
            r.errors.push(...checkHeader(header, ctx));
            continue;
          }
          if (r.errors.some((e) => e.line === 1)) continue;
          r.rows += 1;
          if (rec.cells.length !== header.length) {
            r.errors.push(fault(rec.line, null, 'field_count', ctx.lang, { got: rec.cells.length, expected: header.length }));
            continue;
          }
          const raw: Record<string, unknown> = Object.fromEntries(header.map((h, i) => [h, rec.cells[i]]));
          if (raw.sor_code === '' && ctx.user.scope.kind === 'department') delete raw.sor_code;
          const key = `${raw.sor_code ?? ctx.user.scope.code}\u0000${raw.referral_id}`;
          if (seen.has(key)) {
            r.errors.push({ line: rec.line, column: 'referral_id', code: 'duplicate_key', message: t(ctx.lang, 'pathway.errors.duplicate_key') });
            continue;
          }
          seen.add(key);
          await importRow(trx, ctx, raw, rec.line, dryRun || r.errors.length > 0, r);
        }
        if (header && r.rows === 0 && r.errors.length === 0) r.errors.push(fault(2, null, 'no_data_row', ctx.lang));
      } catch (err) {
        if (!(err instanceof FileFault)) throw err;
        r.errors.push(fault(err.line, null, err.code, ctx.lang, err.params));
      }
      if (dryRun || r.errors.length) throw new Rollback();
      await recordAudit(trx, actor, summary(r, dryRun));
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    await recordAudit(ctx.db, actor, summary(r, dryRun));
  }
  r.errors.sort((a, b) => a.line - b.line);
  return r;
}

function summary(r: ReferralImportReport, dryRun: boolean) {
  return { action: dryRun ? 'referral_import_dry_run' : 'referral_import', entity: 'referral_import',
    detail: { rows: r.rows, created: r.created, updated: r.updated, unchanged: r.unchanged, withdrawn: r.withdrawn, skipped: r.skipped,
      errors: r.errors.length, committed: !dryRun && r.errors.length === 0 } };
}

async function importRow(trx: Parameters<typeof submitInTrx>[0], ctx: ReferralCtx, raw: Record<string, unknown>, line: number,
  dryRun: boolean, r: ReferralImportReport): Promise<void> {
  try {
    const res = await submitInTrx(trx, { ...ctx, actor: ctx.actor }, raw, dryRun);
    const counter = { create: 'created', update: 'updated', unchanged: 'unchanged', withdraw: 'withdrawn', skip: 'skipped' } as const;
    r[counter[res.action]] += 1;
    r.referrals.push({ line, action: res.action, sor_code: (raw.sor_code as string) ?? ctx.user.scope.code, referral_id: (raw.referral_id as string) ?? null,
      id: res.action === 'skip' || (dryRun && res.action === 'create') ? null : res.id });
    for (const w of res.warnings) r.warnings.push({ line, column: 'municipality_code', code: w.code, message: w.message });
  } catch (e) {
    if (!(e instanceof Invalid) && !(e instanceof HttpError)) throw e;
    const fields = Object.entries(e.fields);
    if (fields.length === 0) r.errors.push({ line, column: null, code: e.code, message: e.message });
    for (const [column, message] of fields) r.errors.push({ line, column, code: 'invalid', message });
  }
}

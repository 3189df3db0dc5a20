import { Router, type Request, type Response } from 'express';
import { actorOf } from '../audit/record';
import { requireAccess, userOf } from '../access';
import type { AppContext } from '../http/context';
import { Invalid, TooLarge } from '../http/errors';
import { renderRefusal } from '../http/refusal';
import { t } from '../i18n';
import { queryFlag, refuseDeclaredTooLarge } from './api';
import { runImport, type ImportReport } from './service';
import { BrokenUpload, guardedUpload, uploadedFile } from './upload';
import { logClientFault } from '../http/error-handler';

/** Pages: Import (upload, dry run, commit). The Eksport page is the courses feature's. */
export function importsRoutes(ctx: AppContext): Router {
  const r = Router();
  const importGate = requireAccess(ctx, 'courses.import');

  const renderImport = (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) =>
    res.status(status).render('imports/index', { title: t(req.lang, 'imports.title'), maxMb: Math.round(ctx.config.maxUploadBytes / 1048576), ...extra });

  r.get('/import', importGate, (req, res) => renderImport(req, res, 200));

  r.post('/import', importGate, async (req, res) => {
    const dryRun = queryFlag(req, 'dry_run');
    const done = await renderRefusal(async (): Promise<ImportReport> => {
      refuseDeclaredTooLarge(req, ctx.config.maxUploadBytes + 64 * 1024);
      const file = await uploadedFile(req, ctx.config.maxUploadBytes);
      return runImport({ db: ctx.db, cprKey: ctx.config.cprKey, maxBytes: ctx.config.maxUploadBytes, lang: req.lang },
        userOf(req), actorOf(req), guardedUpload(file, req.lang), { dryRun });
    }, (err) => {
      if (err instanceof TooLarge) return renderImport(req, res, 413, { alert: t(req.lang, 'imports.too_large', { mb: Math.round(ctx.config.maxUploadBytes / 1048576) }) });
      if (err instanceof BrokenUpload) logClientFault(ctx, req, err);
      return renderImport(req, res, 400, { alert: Object.values(err.fields).join(' ') });
    }, [TooLarge, Invalid]);
    if (done.refused) return;
    const report = done.value;
    const failed = report.errors.length > 0;
    const outcome = failed ? (dryRun ? 'dry_run_errors' : 'errors') : dryRun ? 'dry_run_ok' : 'committed';
    // With errors nothing is written: the rows are what the file would do, and a row with an error is marked so.
    const errorLines = new Set(report.errors.map((e) => e.line));
    const courses = report.courses.map((c) => ({ ...c, hasError: errorLines.has(c.line) }));
    renderImport(req, res, !dryRun && failed ? 400 : 200, { report, courses, failed, outcome, outcomeText: t(req.lang, `imports.outcome_${outcome}`, {
      rows: report.rows, created: report.created, updated: report.updated, errors: report.errors.length,
    }) });
  });

  return r;
}

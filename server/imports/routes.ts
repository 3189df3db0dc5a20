import busboy from 'busboy';
import { Router, type Request, type Response } from 'express';
import type { Readable } from 'node:stream';
import { actorOf } from '../audit/record';
import { checkMultipartCsrf, requireAccess } from '../auth/middleware';
import type { AppContext } from '../http/context';
import { Invalid, TooLarge } from '../http/errors';
import { userOf } from '../http/request';
import { t } from '../i18n';
import { queryFlag, refuseDeclaredTooLarge, sendCourseExport } from './api';
import { runImport, type ImportReport } from './service';

/** The first file part of a multipart upload, as a stream (busboy: parsed as it arrives, never buffered whole). */
function uploadedFile(req: Request, maxBytes: number): Promise<Readable> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      // One byte over the limit reaches the import's counter, which answers 413.
      bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes + 1, fields: 20 } });
    } catch {
      return reject(new Invalid({ file: t(req.lang, 'imports.no_file') }));
    }
    const broken = () => new Invalid({ file: t(req.lang, 'imports.upload_broken') });
    let file: Readable | undefined;
    let csrf: string | undefined;
    bb.on('field', (name, value) => { if (name === '_csrf') csrf = value; });
    bb.on('file', (_name, stream) => {
      // The page form's CSRF token comes as a field before the file (never in the query string).
      try {
        checkMultipartCsrf(req, csrf);
      } catch (err) {
        stream.resume();
        return reject(err);
      }
      file = stream;
      resolve(stream);
    });
    // A truncated or malformed multipart body is the client's fault: a 400, also when the file is half read.
    bb.on('error', () => { if (file) file.destroy(broken()); else reject(broken()); });
    bb.on('close', () => reject(new Invalid({ file: t(req.lang, 'imports.no_file') })));
    req.pipe(bb);
  });
}

/** Pages: Import (upload, dry run, commit) and Eksport (the course export download). */
export function importsRoutes(ctx: AppContext): Router {
  const r = Router();
  const importGate = requireAccess(ctx, 'courses.import');

  const renderImport = (req: Request, res: Response, status: number, extra: Record<string, unknown> = {}) =>
    res.status(status).render('imports/index', { title: t(req.lang, 'imports.title'), maxMb: Math.round(ctx.config.maxUploadBytes / 1048576), ...extra });

  r.get('/import', importGate, (req, res) => renderImport(req, res, 200));

  r.post('/import', importGate, async (req, res) => {
    const dryRun = queryFlag(req, 'dry_run');
    let report: ImportReport;
    try {
      refuseDeclaredTooLarge(req, ctx.config.maxUploadBytes + 64 * 1024);
      const file = await uploadedFile(req, ctx.config.maxUploadBytes);
      report = await runImport({ db: ctx.db, cprKey: ctx.config.cprKey, maxBytes: ctx.config.maxUploadBytes, lang: req.lang },
        userOf(req), actorOf(req), file, { dryRun });
    } catch (err) {
      if (err instanceof TooLarge) return renderImport(req, res, 413, { alert: t(req.lang, 'imports.too_large', { mb: Math.round(ctx.config.maxUploadBytes / 1048576) }) });
      if (err instanceof Invalid) return renderImport(req, res, 400, { alert: Object.values(err.fields).join(' ') });
      throw err;
    }
    const failed = report.errors.length > 0;
    const outcome = failed ? (dryRun ? 'dry_run_errors' : 'errors') : dryRun ? 'dry_run_ok' : 'committed';
    // With errors nothing is written: the rows are what the file would do, and a row with an error is marked so.
    const errorLines = new Set(report.errors.map((e) => e.line));
    const courses = report.courses.map((c) => ({ ...c, hasError: errorLines.has(c.line) }));
    renderImport(req, res, !dryRun && failed ? 400 : 200, { report, courses, failed, outcome, outcomeText: t(req.lang, `imports.outcome_${outcome}`, {
      rows: report.rows, created: report.created, updated: report.updated, errors: report.errors.length,
    }) });
  });

  r.get('/eksport', requireAccess(ctx, 'courses.export'), (req, res) => {
    res.render('imports/export', { title: t(req.lang, 'imports.export_title') });
  });

  r.get('/eksport/forloeb.csv', requireAccess(ctx, 'courses.export'), async (req, res) => {
    await sendCourseExport(ctx, req, res, queryFlag(req, 'pseudonymise'));
  });

  return r;
}

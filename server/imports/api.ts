import { Router, type Request, type Response } from 'express';
import { actorOf, recordAudit } from '../audit/record';
import { requireAccess } from '../auth/middleware';
import { exportSnapshot, writeCourseExport } from '../courses';
import type { AppContext } from '../http/context';
import { Invalid, TooLarge, UnsupportedMediaType } from '../http/errors';
import { userOf } from '../http/request';
import { t } from '../i18n';
import { today } from '../time';
import { runImport } from './service';
import { guardedUpload } from './upload';

/** `?dry_run=1` / `?pseudonymise=1`: a yes/no flag in the query; anything else than 1/0/true/false is a 400. */
export function queryFlag(req: Request, name: string): boolean {
  const v = req.query[name];
  if (v === undefined || v === '' || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  throw new Invalid({ [name]: t(req.lang, 'imports.flag_invalid', { name }) });
}

/** Refuse an upload whose declared length is above MAX_UPLOAD_MB before reading it (streamed uploads are counted). */
export function refuseDeclaredTooLarge(req: Request, maxBytes: number): void {
  const declared = Number(req.get('content-length') ?? 0);
  if (declared > maxBytes) throw new TooLarge();
}

/**
 * The course export (formats.md) as a download: audited first (one row per patient, for the snapshot of course
 * ids it covers), then streamed in batches with backpressure.
 */
export async function sendCourseExport(ctx: AppContext, req: Request, res: Response, pseudonymise: boolean): Promise<void> {
  const scope = userOf(req).scope;
  const snapshot = await exportSnapshot(ctx.db, scope);
  await recordAudit(ctx.db, actorOf(req),
    { action: 'course_export', entity: 'export', municipalityCode: scope.code, detail: { pseudonymise, patients: snapshot.patientIds.length } },
    ...snapshot.patientIds.map((patientId) => ({ action: 'course_export', entity: 'export', patientId, municipalityCode: scope.code })));
  const name = `forloeb-${scope.code}-${today().replace(/-/g, '')}${pseudonymise ? '-pseudonymiseret' : ''}.csv`;
  res.set('Content-Type', 'text/csv; charset=utf-8');
  res.set('Content-Disposition', `attachment; filename="${name}"`);
  res.set('Cache-Control', 'no-store');
  const write = (chunk: string) => (res.write(chunk) || res.destroyed ? Promise.resolve()
    : new Promise<void>((resolve) => { res.once('drain', resolve); res.once('close', resolve); }));
  await writeCourseExport(ctx.db, ctx.config.cprKey, { scope, pseudonymise, maxId: snapshot.maxId }, write);
  res.end();
}

/** /api/v1/imports (text/csv body) and /api/v1/courses.csv. */
export function importsApi(ctx: AppContext): Router {
  const r = Router();

  r.post('/api/v1/imports', requireAccess(ctx, 'courses.import'), async (req, res) => {
    if (!req.is('text/csv')) throw new UnsupportedMediaType();
    const dryRun = queryFlag(req, 'dry_run');
    refuseDeclaredTooLarge(req, ctx.config.maxUploadBytes);
    const report = await runImport({ db: ctx.db, cprKey: ctx.config.cprKey, maxBytes: ctx.config.maxUploadBytes, lang: req.lang },
      userOf(req), actorOf(req), guardedUpload(req, req.lang), { dryRun });
    res.status(!dryRun && report.errors.length > 0 ? 400 : 200).json(report);
  });

  r.get('/api/v1/courses.csv', requireAccess(ctx, 'courses.export'), async (req, res) => {
    await sendCourseExport(ctx, req, res, queryFlag(req, 'pseudonymise'));
  });

  return r;
}

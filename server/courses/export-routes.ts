import { Router, type Request, type Response } from 'express';
import { actorOf, recordAudit } from '../audit/record';
import { requireAccess, userOf } from '../access';
import type { AppContext } from '../http/context';
import { Invalid } from '../http/errors';
import { t } from '../i18n';
import { today } from '../time';
import { exportSnapshot, writeCourseExport } from './export';

/** `?pseudonymise=1`: a yes/no flag in the query; anything else than 1/0/true/false (or empty) is a 400. */
function pseudonymiseFlag(req: Request): boolean {
  const v = req.query.pseudonymise;
  if (v === undefined || v === '' || v === '0' || v === 'false') return false;
  if (v === '1' || v === 'true') return true;
  throw new Invalid({ pseudonymise: t(req.lang, 'imports.flag_invalid', { name: 'pseudonymise' }) });
}

/**
 * The course export (formats.md) as a download: audited first (one row per patient, for the snapshot of course
 * ids it covers), then streamed in batches with backpressure.
 */
async function sendCourseExport(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const pseudonymise = pseudonymiseFlag(req);
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

/** The course export: the Eksport page, its download, and GET /api/v1/courses.csv (the same file). */
export function courseExportRoutes(ctx: AppContext): Router {
  const r = Router();
  const gate = requireAccess(ctx, 'courses.export');
  r.get('/eksport', gate, (req, res) => {
    res.render('courses/export', { title: t(req.lang, 'imports.export_title') });
  });
  r.get('/eksport/forloeb.csv', gate, (req, res) => sendCourseExport(ctx, req, res));
  r.get('/api/v1/courses.csv', gate, (req, res) => sendCourseExport(ctx, req, res));
  return r;
}

import { requireAccess, userOf } from '../access';
import { Router, type Request } from 'express';
import { actorOf } from '../audit/record';
import type { AppContext } from '../http/context';
import { Invalid, TooLarge, UnsupportedMediaType } from '../http/errors';
import { t } from '../i18n';
import { runImport } from './service';
import { guardedUpload } from './upload';

/** `?dry_run=1`: a yes/no flag in the query; anything else than 1/0/true/false is a 400. */
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

/** /api/v1/imports (text/csv body). The course export (/api/v1/courses.csv) is the courses feature's. */
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

  return r;
}

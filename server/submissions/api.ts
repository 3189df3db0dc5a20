import { Router, type Response } from 'express';
import { actorOf } from '../audit/record';
import { requireAccess, userOf } from '../access';
import type { AppContext } from '../http/context';
import { Invalid } from '../http/errors';
import { t } from '../i18n';
import { parseSubmissionRequest, readId, readPart } from './schemas';
import { createSubmission, downloadPart, submissionLog, validateSubmission } from './service';

/** Send stored bytes as an attachment under their file name. */
export function sendFile(res: Response, file: { name: string; contentType: string; bytes: Buffer }): void {
  res.set('Content-Type', file.contentType);
  res.set('Content-Disposition', `attachment; filename="${file.name}"`);
  res.set('Cache-Control', 'no-store');
  res.send(file.bytes);
}

/** /api/v1/submissions: the log, validation (dry_run) and creation, and the stored files. */
export function submissionsApi(ctx: AppContext): Router {
  const r = Router();
  const gate = requireAccess(ctx, 'submissions');

  r.get('/api/v1/submissions', gate, async (req, res) => {
    const items = await submissionLog(ctx.db, ctx.config.cprKey, userOf(req).scope);
    res.json({ items: items.map(({ csv_name, manifest_name, zip_name, ...item }) => item) });
  });

  r.post('/api/v1/submissions', gate, async (req, res) => {
    const user = userOf(req);
    const body = req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? req.body : {};
    const dryRunFault: Record<string, string> = body.dry_run !== undefined && typeof body.dry_run !== 'boolean'
      ? { dry_run: t(req.lang, 'submissions.dry_run_invalid') } : {};
    const input = await parseSubmissionRequest(ctx.db, user.scope, body, 'json', req.lang, dryRunFault);
    if (body.dry_run === true) {
      const { replaces, ...report } = await validateSubmission(ctx.db, ctx.config.cprKey, actorOf(req), input, req.lang);
      void replaces;
      res.json(report);
      return;
    }
    const manifest = await createSubmission(ctx.db, ctx.config.cprKey, { ...actorOf(req), email: user.email }, input, new Date(), req.lang);
    res.status(201).json(manifest);
  });

  r.get('/api/v1/submissions/:id/file', gate, async (req, res) => {
    const file = await downloadPart(ctx.db, ctx.config.cprKey, actorOf(req), userOf(req).scope, readId(req.params.id),
      () => readPart(req.query.part ?? 'zip', req.lang));
    sendFile(res, file);
  });

  return r;
}

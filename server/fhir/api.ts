import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { actorOf } from '../audit/record';
import { requireAccess, userOf } from '../access';
import type { AppContext } from '../http/context';
import { auditRefusal, type RefusalRecorder } from '../http/error-handler';
import { HttpError, Invalid, TooLarge, UnsupportedMediaType } from '../http/errors';
import { t, type Lang } from '../i18n';
import { queryFlag, refuseDeclaredTooLarge } from '../imports/api';
import { SYSTEM } from './codes';
import { addToReport, emptyReport, operationOutcome } from './outcome';
import { importBundle, type BundleResult } from './service';

/** POST /api/v1/fhir/Bundle (fhir.md "Interfaces"): the only FHIR interaction. */

const MEDIA_TYPES = ['application/fhir+json', 'application/json'];

function refuseMediaType(req: Request): void {
  const header = req.get('content-type') ?? '';
  const [type, ...params] = header.split(';').map((s) => s.trim().toLowerCase());
  if (!MEDIA_TYPES.includes(type)) throw new UnsupportedMediaType();
  const charset = params.find((p) => p.startsWith('charset='))?.slice(8).replace(/"/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new UnsupportedMediaType();
}

/** The body as bytes, at most maxBytes (413); an aborted or broken upload is a 400. */
function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new TooLarge());
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('aborted', () => reject(new Invalid({}, 'bad_request')));
    req.on('error', () => reject(new Invalid({}, 'bad_request')));
  });
}

const wantsReport = (req: Request) => req.accepts(['application/fhir+json', 'application/json']) === 'application/json'
  && !/fhir\+json/.test(req.get('accept') ?? '');

function send(req: Request, res: Response, r: BundleResult): void {
  if (wantsReport(req)) {
    res.status(r.status).json(addToReport(emptyReport(r.dryRun), r, null, req.lang));
    return;
  }
  res.status(r.status).type('application/fhir+json; charset=utf-8').send(JSON.stringify(operationOutcome(r, req.lang)));
}

export function fhirApi(ctx: AppContext): Router {
  const r = Router();
  r.post('/api/v1/fhir/Bundle', requireAccess(ctx, 'fhir.import'), async (req, res) => {
    refuseMediaType(req);
    refuseDeclaredTooLarge(req, ctx.config.maxUploadBytes);
    const body = await readBody(req, ctx.config.maxUploadBytes);
    const dryRun = queryFlag(req, 'dry_run');
    const result = await importBundle({ db: ctx.db, cprKey: ctx.config.cprKey, lang: req.lang }, userOf(req), actorOf(req), body, { dryRun });
    send(req, res, result);
  });
  return r;
}

const FHIR_CODE: Record<number, string> = { 400: 'invalid', 401: 'login', 403: 'forbidden', 404: 'not-found', 413: 'too-costly', 415: 'not-supported' };

function outcomeOf(status: number, code: string, message: string): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: FHIR_CODE[status] ?? 'exception', details: { coding: [{ system: SYSTEM.issue, code }] }, diagnostics: message }],
  };
}

/** Errors on /api/v1/fhir/ (401, 403, 413, 415, a bad flag) answered as an OperationOutcome; other paths pass on. */
export function fhirErrorHandler(ctx: AppContext, recordRefusal: RefusalRecorder): ErrorRequestHandler {
  return async (err, req, res, next) => {
    if (!req.originalUrl.startsWith('/api/v1/fhir/') || res.headersSent) return next(err);
    const typed = err instanceof HttpError ? err : err?.type === 'entity.too.large' ? new TooLarge() : undefined;
    if (!typed) return next(err);
    const lang: Lang = req.lang ?? 'da';
    const message = Object.values(typed.fields)[0]
      ?? (typed.message !== typed.code && typed.message !== 'bad_request' ? typed.message : t(lang, `errors.${typed.message === 'bad_request' ? 'bad_request' : typed.code}`));
    ctx.logger.debug({ status: typed.status }, 'fhir request refused');
    await auditRefusal(ctx, recordRefusal, req, typed, typed.status);
    res.status(typed.status).type('application/fhir+json; charset=utf-8').send(JSON.stringify(outcomeOf(typed.status, typed.code, message)));
  };
}

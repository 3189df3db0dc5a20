import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { t } from '../i18n';
import type { AppContext } from './context';
import { type AuditHint, Conflict, HttpError, Invalid, NotFound, TooLarge, Unauthenticated, UnsupportedMediaType } from './errors';
import { isApiRequest, pathWithoutQuery } from './request';

/** Body-parser and similar library errors carry a status and a type; map them to our typed errors. */
function fromLibraryError(err: { type?: string; status?: number }): HttpError | undefined {
  if (err.type === 'entity.too.large') return new TooLarge();
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') return new UnsupportedMediaType();
  if (err.type === 'entity.parse.failed' || err.type === 'request.aborted' || err.type === 'request.size.invalid') {
    return new Invalid({}, 'bad_request');
  }
  if (err.status && err.status >= 400 && err.status < 500) return new Invalid({}, 'bad_request');
  return undefined;
}

const CLIENT_FAULT_TYPES = new Set(['request.aborted', 'entity.parse.failed', 'request.size.invalid']);

/**
 * A body that broke off, was aborted or malformed on the way is the client's fault: one warning line (path without
 * query, the cause's message), never "unhandled error".
 */
export function logClientFault(ctx: AppContext, req: Request, err: unknown): void {
  const cause = (err as { cause?: unknown }).cause ?? err;
  ctx.logger.warn({ path: pathWithoutQuery(req.originalUrl), cause: (cause as Error)?.message }, 'client fault: broken request body');
}

function isClientFault(err: unknown): boolean {
  return (err as { clientFault?: boolean }).clientFault === true || CLIENT_FAULT_TYPES.has((err as { type?: string }).type ?? '');
}

/** Unknown paths: anonymous callers are sent to log in first, so nothing about the URL space leaks. */
export function notFoundHandler(): RequestHandler {
  return (req) => { throw req.user ? new NotFound() : new Unauthenticated(); };
}

/** Writes the `access_denied` audit row of a refused patient-level request (audit/record.ts's recordRefusal). */
export type RefusalRecorder = (req: Request, hint: AuditHint, status: number) => Promise<void>;

/**
 * Writes the audit row a refusal carries (its hint), before any error handler answers; a failing audit write is
 * logged and the refusal still answered. Every handler of typed errors (this one, the FHIR intake's) calls it.
 */
export async function auditRefusal(
  ctx: AppContext, recordRefusal: RefusalRecorder, req: Request, typed: HttpError | undefined, status: number,
): Promise<void> {
  if (!typed?.audit) return;
  try {
    await recordRefusal(req, typed.audit, status);
  } catch (auditErr) {
    ctx.logger.error({ err: auditErr }, 'could not audit a refused access');
  }
}

/**
 * The one error handler: typed errors become a page or {error:{code,message,fields}}; the rest are logged as 500.
 * A 403/404 carrying an audit hint is written by `recordRefusal` first (given by app.ts, so http/ needs no feature).
 */
export function errorHandler(ctx: AppContext, recordRefusal: RefusalRecorder): ErrorRequestHandler {
  return async (err, req, res, _next) => {
    const typed: HttpError | undefined = err instanceof HttpError ? err : fromLibraryError(err);
    if (!typed) {
      ctx.logger.error({ err, path: pathWithoutQuery(req.originalUrl) }, 'unhandled error');
    } else if (isClientFault(err)) logClientFault(ctx, req, err);
    const status = typed?.status ?? 500;
    const lang = req.lang ?? 'da';
    const csrf = (err as { csrf?: boolean }).csrf === true;
    const messageKey = csrf ? 'errors.csrf' : typed ? `errors.${typed.message === 'bad_request' ? 'bad_request' : typed.code}` : 'errors.server_error';
    const message = typed && typed.message !== typed.code && typed.message !== 'bad_request' ? typed.message : t(lang, messageKey);

    await auditRefusal(ctx, recordRefusal, req, typed, status);
    // A download that fails half way must not look complete: the connection is cut, not left hanging.
    if (res.headersSent) {
      if (!res.writableEnded) res.destroy();
      return;
    }
    if (isApiRequest(req)) {
      const body: Record<string, unknown> = { code: typed?.code ?? 'internal', message, fields: typed?.fields ?? {} };
      if (typed instanceof Conflict && typed.current !== undefined) body.current = typed.current;
      res.status(status).json({ error: body });
      return;
    }
    if (status === 401) {
      // The expired session row is gone by the next request, so the reason travels in the URL.
      res.redirect(303, '/log-ind?next=' + encodeURIComponent(req.originalUrl) + (req.sessionExpired ? '&udloebet=1' : ''));
      return;
    }
    const titleKey = status === 404 ? 'errors.not_found_title' : status === 403 ? 'errors.forbidden_title' : 'errors.server_error_title';
    res.status(status).render('errors/error', { title: t(lang, titleKey), message, status });
  };
}

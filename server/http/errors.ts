/** Typed errors thrown by services and routes; the one error handler decides page or JSON. */
export type ErrorCode =
  | 'invalid' | 'unauthenticated' | 'forbidden' | 'not_found' | 'version_conflict' | 'overlap'
  | 'duplicate_external_id' | 'too_large' | 'unsupported_media_type' | 'rate_limited';

/** When a 403/404 concerns patient-level data, the error handler writes this audit row. */
export interface AuditHint {
  entity: string;
  entityId?: string | number | null;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message?: string,
    readonly fields: Record<string, string> = {},
    readonly audit?: AuditHint,
  ) {
    super(message ?? code);
  }
}

export class Unauthenticated extends HttpError {
  constructor() { super(401, 'unauthenticated'); }
}

export class Forbidden extends HttpError {
  constructor(audit?: AuditHint) { super(403, 'forbidden', undefined, {}, audit); }
}

export class NotFound extends HttpError {
  constructor(audit?: AuditHint) { super(404, 'not_found', undefined, {}, audit); }
}

export class Invalid extends HttpError {
  constructor(fields: Record<string, string> = {}, message?: string) { super(400, 'invalid', message, fields); }
}

export class Conflict extends HttpError {
  constructor(code: 'version_conflict' | 'overlap' | 'duplicate_external_id', message?: string,
    fields: Record<string, string> = {}, readonly current?: unknown) {
    super(409, code, message, fields);
  }
}

export class TooLarge extends HttpError {
  constructor() { super(413, 'too_large'); }
}

export class UnsupportedMediaType extends HttpError {
  constructor() { super(415, 'unsupported_media_type'); }
}

export class RateLimited extends HttpError {
  constructor(message?: string) { super(429, 'rate_limited', message); }
}

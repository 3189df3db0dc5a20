import type { Request } from 'express';
import type { Lang } from '../i18n';

declare global {
  namespace Express {
    interface Request {
      /** the CSRF token this request's forms and X-CSRF-Token must carry */
      csrfToken: string;
      lang: Lang;
      /** hash of the session cookie's id, when logged in by session */
      sessionIdHash?: string;
      /** set when the request's session had expired (the login page says so) */
      sessionExpired?: boolean;
      /** a multipart page form whose _csrf field its route must check (auth/middleware checkMultipartCsrf) */
      csrfPending?: boolean;
    }
  }
}

export function isApiRequest(req: Request): boolean {
  return req.originalUrl.startsWith('/api/');
}

/** The requested path without its query string: what logs and audit rows may keep (a query could hold a CPR). */
export function pathWithoutQuery(url: string): string {
  return url.split('?')[0];
}

import type { Request, Response } from 'express';
import { Invalid, NotFound } from '../http/errors';
import { formErrorView } from '../http/forms';
import { t } from '../i18n';
import type { FieldError } from './schemas';

/** A route's numeric :id, or 404 (an id that cannot exist is as unknown as one outside the scope). */
export function idParam(req: Request): number {
  const id = String(req.params.id ?? '');
  if (!/^\d{1,9}$/.test(id)) throw new NotFound();
  return Number(id);
}

/** Translated field errors for formErrorView. */
export function fieldMessages(req: Request, errors: FieldError[]) {
  return formErrorView(errors.map((e) => ({ field: e.field, message: t(req.lang, 'admin.errors.' + e.key) })));
}

export function invalidToErrors(err: Invalid): FieldError[] {
  return Object.entries(err.fields).map(([field, key]) => ({ field, key }));
}

/** Pages that show a secret once must not be kept by the browser or a proxy. */
export function noStore(res: Response): void {
  res.set('Cache-Control', 'no-store');
}

/** `?page=`: a whole number from 1 (at most 6 digits); anything else (1.5, 1e309, -1, text) is the first page. */
export function pageParam(raw: unknown): number {
  return typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Math.max(1, Number(raw)) : 1;
}

export function pager(page: number, total: number, pageSize: number) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return { page, pages, total, prev: page > 1 ? page - 1 : null, next: page < pages ? page + 1 : null };
}

import type { Request, RequestHandler } from 'express';
import { t } from '../i18n';
import { Invalid } from './errors';
import { isApiRequest } from './request';

declare global {
  namespace Express {
    interface Request {
      /** body or query fields (top-level names) holding a control character or nested too deep: refused with 400 */
      inputFaults?: Record<string, 'control_char' | 'too_deep'>;
    }
  }
}

/** Fields whose text may span lines (a textarea): tab, CR and LF are allowed there, no other control character. */
export const MULTI_LINE_FIELDS: ReadonlySet<string> = new Set(['reason']);

const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F]/;
const CONTROL_MULTI_LINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const MAX_DEPTH = 32;

/** Whether `s` holds a control character (C0 or DEL) not allowed in its kind of field. */
export function hasControlChar(s: string, multiLine = false): boolean {
  return (multiLine ? CONTROL_MULTI_LINE : CONTROL_SINGLE_LINE).test(s);
}

const NON_ASCII = /[^\u0000-\u007F]/;

/** Text as both engines store it: Unicode NFC (a decomposed "å" from a Mac equals the composed one). ASCII is NFC. */
export function normaliseText(s: string): string {
  return NON_ASCII.test(s) ? s.normalize('NFC') : s;
}

/** Walks a parsed body or query: strings NFC, faults recorded under the top-level field name. */
function clean(value: unknown, field: string, faults: NonNullable<Request['inputFaults']>, depth: number): unknown {
  if (typeof value === 'string') {
    if (hasControlChar(value, MULTI_LINE_FIELDS.has(field))) faults[field] ??= 'control_char';
    return normaliseText(value);
  }
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) {
    faults[field] ??= 'too_deep';
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => clean(v, field, faults, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = depth === 0 ? k : field;
    if (hasControlChar(k)) faults[name] ??= 'control_char';
    const key = normaliseText(k);
    const cleaned = clean(v, name, faults, depth + 1);
    // defineProperty: a key "__proto__" (JSON.parse makes it an own key) stays a key and never becomes a prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: cleaned, enumerable: true, writable: true, configurable: true });
    else out[key] = cleaned;
  }
  return out;
}

/**
 * The one edge for text from forms, API JSON and query strings (after body parsing): every string Unicode NFC, and
 * every field holding a control character recorded in req.inputFaults (refused by refuseInputFaults). Import cells
 * use the same hasControlChar/normaliseText.
 */
export function normaliseInput(): RequestHandler {
  return (req, _res, next) => {
    const faults: NonNullable<Request['inputFaults']> = {};
    if (req.body && typeof req.body === 'object') req.body = clean(req.body, '', faults, 0);
    const query = clean(req.query, '', faults, 0);
    // express 5 computes req.query from the URL on every read: pin the normalised copy.
    Object.defineProperty(req, 'query', { value: query, writable: true, configurable: true, enumerable: true });
    if (Object.keys(faults).length) req.inputFaults = faults;
    next();
  };
}

/**
 * 400 for a request whose input holds a control character, with a Danish (or English) message at each field. Runs
 * after authentication, so a caller who is not logged in still gets 401 / the login page first; an anonymous API
 * call is left to its route's 401.
 */
export function refuseInputFaults(): RequestHandler {
  return (req, _res, next) => {
    const faults = req.inputFaults;
    if (!faults || (!req.user && isApiRequest(req))) return next();
    const fields: Record<string, string> = {};
    for (const [field, code] of Object.entries(faults)) fields[field || 'query'] = t(req.lang, `input.${code}`);
    const [first] = Object.keys(fields);
    throw new Invalid(fields, t(req.lang, 'input.refused', { field: first, message: fields[first] }));
  };
}

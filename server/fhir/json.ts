import { at, type Finding } from './findings';

/** The body as JSON: UTF-8 (fatal), parseable, and no control characters in any string or key. */
export function readJson(body: Buffer): { ok: true; value: unknown } | { ok: false; finding: Finding } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, finding: at('not_json', null) };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, finding: at('not_json', null) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, finding: at('not_json', null) };
  const bad = clean(value, 0) ? null : controlCharacterAt(value, 'Bundle', 0);
  if (bad !== null) return { ok: false, finding: at(bad.endsWith(DEEP) ? 'not_json' : 'control_character', bad.replace(DEEP, '')) };
  return { ok: true, value };
}

const DEEP = '#deep';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** No control character in any string or key, and no nesting deeper than 64 (no paths built: the usual case). */
function clean(v: unknown, depth: number): boolean {
  if (depth > 64) return false;
  if (typeof v === 'string') return !CONTROL.test(v);
  if (Array.isArray(v)) {
    for (const x of v) if (!clean(x, depth + 1)) return false;
  } else if (v && typeof v === 'object') {
    for (const k in v) {
      if (CONTROL.test(k) || !clean((v as Record<string, unknown>)[k], depth + 1)) return false;
    }
  }
  return true;
}

/** The first string (or key) holding a control character other than tab, LF and CR; deep nesting counts as one. */
function controlCharacterAt(v: unknown, path: string, depth: number): string | null {
  if (depth > 64) return path + DEEP;
  if (typeof v === 'string') return CONTROL.test(v) ? path : null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const r = controlCharacterAt(v[i], `${path}[${i}]`, depth + 1);
      if (r) return r;
    }
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (CONTROL.test(k)) return path;
      const r = controlCharacterAt(x, `${path}.${k}`, depth + 1);
      if (r) return r;
    }
  }
  return null;
}

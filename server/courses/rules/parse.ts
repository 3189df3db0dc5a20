import { z } from 'zod';
import { isIsoDate } from '../../time';
import { VARIABLES, type Value, type VariableDef, type VariableName } from '../variables';

/** form: what a person types (dd.mm.åååå, decimal comma, CPR with hyphen); csv: file cells; json: API bodies. */
export type InputMode = 'form' | 'csv' | 'json';

type Failure = { code: string; params?: Record<string, string | number> };

const DANISH_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function typeFailure(def: VariableDef, mode: InputMode): Failure {
  switch (def.kind) {
    case 'cpr': return { code: 'cpr_format' };
    case 'text': return { code: 'invalid_text' };
    case 'code': return { code: 'invalid_code', params: { got: '' } };
    case 'date': return { code: 'invalid_date', params: { format: mode === 'form' ? 'ui' : 'iso' } };
    default: return { code: 'invalid_number' };
  }
}

function parseDate(s: string, mode: InputMode): string | null {
  const m = mode === 'form' ? DANISH_DATE.exec(s) : null;
  const iso = m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : s;
  return ISO_DATE.test(iso) && isIsoDate(iso) ? iso : null;
}

/** The typed value of one raw input, or why it cannot be read. Ranges and code lists are validateCourse's job. */
function parseValue(def: VariableDef, mode: InputMode, raw: unknown): Value | Failure {
  if (raw === null) return null;
  if (mode === 'json' && (def.kind === 'integer' || def.kind === 'decimal')) {
    return typeof raw === 'number' && Number.isFinite(raw) ? raw : { code: 'invalid_number' };
  }
  if (typeof raw !== 'string') return typeFailure(def, mode);
  const s = raw.trim();
  if (s === '') return null;
  switch (def.kind) {
    case 'cpr':
      return mode === 'form' && /^\d+-\d+$/.test(s) ? s.replace('-', '') : s;
    case 'date':
      return parseDate(s, mode) ?? typeFailure(def, mode);
    case 'integer':
      return /^[+-]?\d+$/.test(s) ? Number(s) : { code: 'invalid_number' };
    case 'decimal': {
      const m = (mode === 'form' ? /^[+-]?\d+(?:[.,](\d+))?$/ : /^[+-]?\d+(?:\.(\d+))?$/).exec(s);
      if (!m) {
        return mode === 'csv' && /^[+-]?\d+,\d+$/.test(s) ? { code: 'invalid_number', params: { format: 'dot' } } : { code: 'invalid_number' };
      }
      // Checked on the typed text: "72,30" has two decimals even though the number has one.
      if ((m[1]?.length ?? 0) > def.decimals!) return { code: 'too_many_decimals', params: { decimals: def.decimals! } };
      return Number(s.replace(',', '.'));
    }
    default:
      return s;
  }
}

const isFailure = (v: Value | Failure): v is Failure => v !== null && typeof v === 'object';

/** What reading one raw input gives: its typed value (undefined = absent), or the issue zod reports for it. */
export type RawReading = { ok: true; value: Value | undefined } | { ok: false; issue: z.core.$ZodRawIssue };

/**
 * One variable's raw input in a mode, read: the typed value, or the issue (stable code as message) that the
 * variable's input schema reports. The schema runs this; parseCourseInput calls it directly (same result, no
 * schema machinery per cell, which was most of an import's time).
 */
export function readRawInput(def: VariableDef, mode: InputMode, raw: unknown): RawReading {
  if (raw === undefined) return { ok: true, value: undefined };
  const v = parseValue(def, mode, raw);
  if (!isFailure(v)) return { ok: true, value: v };
  const params = v.code === 'invalid_code' ? { got: String(raw) } : v.params;
  return { ok: false, issue: { code: 'custom', message: v.code, input: raw, params } };
}

/** Zod schema reading one variable's raw input in a mode; failures become issues with the stable code as message. */
function inputSchema(def: VariableDef, mode: InputMode) {
  return z.unknown().transform((raw, ctx) => {
    const r = readRawInput(def, mode, raw);
    if (r.ok) return r.value;
    ctx.issues.push(r.issue);
    return z.NEVER;
  });
}

type InputSchemas = Readonly<Record<VariableName, z.ZodType<Value | undefined>>>;
const inputSchemas = new Map<InputMode, InputSchemas>();

/** Per-variable schemas reading raw input in a mode (read one by one, so one bad value never hides the others). */
export function inputSchemasFor(mode: InputMode): InputSchemas {
  let s = inputSchemas.get(mode);
  if (!s) {
    s = Object.fromEntries(VARIABLES.map((def) => [def.name, inputSchema(def, mode)])) as unknown as InputSchemas;
    inputSchemas.set(mode, s);
  }
  return s;
}

/** version as sent back by PATCH/annul bodies and forms: a positive integer. */
export function parseVersion(raw: unknown, mode: InputMode): number | null {
  if (mode === 'json') return typeof raw === 'number' && Number.isInteger(raw) && raw > 0 ? raw : null;
  const s = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
  return /^\d+$/.test(s) && Number(s) > 0 ? Number(s) : null;
}

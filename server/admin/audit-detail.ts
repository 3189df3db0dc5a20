import { isVariableName, label, readableValue, VARIABLE } from '../courses';
import { hasKey, t, type Lang } from '../i18n';
import { formatDateDanish, formatDateTimeDanish } from '../time';

/**
 * An audit row's detail (JSON) in the reader's language, as short lines: "Henvist fra: Sygehus → Almen praksis",
 * "Navn: A → B", "Status: 403 · GET /forloeb/5". Course variables are named by their label and their codes by
 * their label; other keys by audit.details.<key> (the key itself when there is none); the raw JSON never shows.
 */
export function describeDetail(lang: Lang, detail: string | null): string[] {
  if (!detail) return [];
  let data: unknown;
  try {
    data = JSON.parse(detail);
  } catch {
    return [detail];
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) return [valueText(lang, '', data)];
  const obj = data as Record<string, unknown>;
  // {old, new} at the top: one line per key that changed
  if ('old' in obj || 'new' in obj) return [...oldNewLines(lang, obj), ...entries(lang, omit(obj, ['old', 'new']))];
  return entries(lang, obj);
}

const isPlain = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const omit = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

function keyLabel(lang: Lang, key: string): string {
  if (isVariableName(key)) return label(key, lang);
  return hasKey('audit.details.' + key) ? t(lang, 'audit.details.' + key) : key;
}

function valueText(lang: Lang, key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return t(lang, 'audit.details.none');
  if (typeof v === 'boolean') return t(lang, v ? 'common.yes' : 'common.no');
  if (isPlain(v) && ('old' in v || 'new' in v)) return `${valueText(lang, key, v.old)} → ${valueText(lang, key, v.new)}`;
  if (isVariableName(key)) return readableValue(VARIABLE[key], v, lang);
  if (Array.isArray(v)) return v.map((x) => valueText(lang, '', x)).join(', ');
  if (isPlain(v)) {
    return Object.entries(v).map(([k, x]) => `${keyLabel(lang, k)} ${valueText(lang, k, x)}`).join(', ');
  }
  const s = String(v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) return lang === 'da' ? formatDateDanish(s) : s;
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) return formatDateTimeDanish(s);
  const standard = /^>=(\d)\.(\d{2})$/.exec(s);
  if (standard) return `≥ ${Number(standard[1]) * 100 + Number(standard[2])} %`;
  return s;
}

function oldNewLines(lang: Lang, obj: Record<string, unknown>): string[] {
  const before = isPlain(obj.old) ? obj.old : {};
  const after = isPlain(obj.new) ? obj.new : {};
  if (!isPlain(obj.old) && obj.old !== undefined) return [`${valueText(lang, '', obj.old)} → ${valueText(lang, '', obj.new)}`];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.map((k) => (k in before
    ? `${keyLabel(lang, k)}: ${roleText(lang, k, before[k])} → ${roleText(lang, k, after[k])}`
    : `${keyLabel(lang, k)}: ${roleText(lang, k, after[k])}`));
}

/** Role codes read as role names; everything else as valueText. */
function roleText(lang: Lang, key: string, v: unknown): string {
  if (key === 'roles' && Array.isArray(v)) return v.map((r) => (hasKey('roles.' + r) ? t(lang, 'roles.' + r) : String(r))).join(', ');
  return valueText(lang, key, v);
}

function entries(lang: Lang, obj: Record<string, unknown>): string[] {
  return Object.entries(obj).flatMap(([k, v]) => {
    if ((k === 'changes' || k === 'values') && isPlain(v)) {
      return Object.entries(v).map(([name, x]) => `${keyLabel(lang, name)}: ${valueText(lang, name, x)}`);
    }
    return [`${keyLabel(lang, k)}: ${roleText(lang, k, v)}`];
  });
}

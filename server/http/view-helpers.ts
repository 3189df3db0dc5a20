import type { HelperOptions } from 'handlebars';
import { isLang, Lang, t } from '../i18n';
import { formatDateDanish, formatDateTimeDanish } from '../time';

function langOf(options: HelperOptions): Lang {
  const lang = options?.data?.root?.lang;
  return isLang(lang) ? lang : 'da';
}

/** A number with decimal comma in Danish ("72,5"), dot in English; empty for null. */
export function formatDecimal(value: unknown, decimals: number | undefined, lang: Lang): string {
  if (value === null || value === undefined || value === '') return '';
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  const text = decimals === undefined ? String(n) : n.toFixed(decimals);
  return lang === 'da' ? text.replace('.', ',') : text;
}

export const viewHelpers = {
  t(key: string, options: HelperOptions) {
    return t(langOf(options), key, options.hash ?? {});
  },
  /** ISO date → dd.mm.åååå */
  date(iso: string | null | undefined) {
    return formatDateDanish(iso ?? null);
  },
  /** UTC instant → Danish time */
  datetime(iso: string | null | undefined) {
    return formatDateTimeDanish(iso ?? null);
  },
  decimal(value: unknown, decimals: unknown, options: HelperOptions) {
    return formatDecimal(value, typeof decimals === 'number' ? decimals : undefined, langOf(options));
  },
  /** 0.8123 → "81,2 %" */
  percent(value: unknown, options: HelperOptions) {
    if (value === null || value === undefined || value === '') return '';
    return formatDecimal(Number(value) * 100, 1, langOf(options)) + ' %';
  },
  /** JSON for a data- attribute (handlebars escapes it for the attribute). */
  json(value: unknown) {
    return JSON.stringify(value ?? null);
  },
  eq: (a: unknown, b: unknown) => a === b,
  ne: (a: unknown, b: unknown) => a !== b,
  not: (a: unknown) => !a,
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  includes: (list: unknown, item: unknown) => Array.isArray(list) && list.includes(item),
  add: (a: unknown, b: unknown) => Number(a) + Number(b),
  lookupKey: (obj: Record<string, unknown> | undefined, key: string) => obj?.[key],
};

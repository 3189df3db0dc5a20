import { Lang, t } from '../i18n';
import { Geography } from './model';

/**
 * A scope code with its name for lists and logs: "751 Aarhus", "1082 Region Midtjylland"; any other code
 * (DK, a department) as it is.
 */
export function codeAndName(geo: Geography, code: string): string {
  const name = geo.nameOf(code);
  return name === null ? code : `${code} ${name}`;
}

/** A scope as a municipal user knows it, for the page header: "Aarhus (751)", "Hele landet"; an unknown code as it is. */
export function scopeLabel(geo: Geography, code: string, lang: Lang): string {
  if (code === 'DK') return t(lang, 'common.scope_country');
  const name = geo.nameOf(code);
  return name === null ? code : t(lang, 'common.scope_named', { name, code });
}

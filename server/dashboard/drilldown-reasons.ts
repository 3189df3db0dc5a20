import { codeLabel, VARIABLE } from '../courses';
import { formatDecimal } from '../http/view-helpers';
import { Lang, t } from '../i18n';
import { columnsOf } from '../indicators/conditions';
import { IndicatorDefinition } from '../indicators/definitions';
import { DrillDownRow } from '../indicators/drilldown';
import { daysBetween } from '../time';

/** A registered value in words: a code by its label, a decimal with the UI's decimal mark, a date as is. */
export function valueText(column: string, value: string | number | null, lang: Lang): string {
  if (value === null || value === undefined) return t(lang, 'indicators.drilldown.not_registered');
  const def = (VARIABLE as Record<string, { codeList?: Parameters<typeof codeLabel>[0]; kind?: string }>)[column];
  if (def?.codeList) return codeLabel(def.codeList, String(value), lang);
  if (typeof value === 'number' && !Number.isInteger(value)) return formatDecimal(value, 1, lang);
  if (column === 'complete') return t(lang, value ? 'common.yes' : 'common.no');
  return String(value);
}

/**
 * Why a course did not meet the indicator, in the words of the variables involved (indicators.md "Drill-down"):
 * the definition's reason template ("18 af 24 træningsgange"), else each variable of the numerator as
 * "Label: value" ("Rygestatus ved afslutning: Dagligryger"). For a missing course: "Mangler: <labels>".
 */
export function reasonText(definition: IndicatorDefinition, row: DrillDownRow, lang: Lang): string {
  if (row.kind === 'missing') {
    return t(lang, 'indicators.drilldown.missing_prefix', { variables: row.missing_variables.map((v) => t(lang, `courses.labels.${v}`)).join(', ') });
  }
  const template = definition.reason?.[lang];
  if (template) {
    return template.replace(/\{(\w+)\}/g, (_, key: string) => (key === 'days' && row.start_date
      ? String(daysBetween(row.referral_date, row.start_date))
      : valueText(key, row.values[key] ?? null, lang)));
  }
  return columnsOf(definition.numerator)
    .map((col) => `${t(lang, `courses.labels.${col}`)}: ${valueText(col, row.values[col] ?? null, lang)}`).join(', ');
}

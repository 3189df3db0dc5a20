import { hasKey, t, type Lang } from '../../i18n';
import { codeLabel } from '../code-lists';
import { VARIABLE, isVariableName } from '../variables';

/** One validation finding at a variable (null: the row or file as a whole). `code` is stable snake_case. */
export interface Issue {
  variable: string | null;
  code: string;
  params?: Record<string, string | number>;
}

/** The stable error and warning codes. */
export const ISSUE_CODES = [
  'required', 'future_date', 'before_2010', 'date_order', 'discharge_too_late', 'not_applicable', 'fill_first',
  'out_of_range', 'too_many_decimals', 'invalid_code', 'invalid_date', 'invalid_number', 'invalid_text',
  'too_long', 'invalid_format', 'cpr_format', 'cpr_length', 'cpr_date', 'cpr_age', 'attended_gt_planned',
  'bp_order', 'pair_incomplete', 'smoking_end_never', 'smoking_end_former', 'long_course', 'unknown_variable',
  'output_only',
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

export function issue(variable: string | null, code: IssueCode, params?: Issue['params']): Issue {
  return params ? { variable, code, params } : { variable, code };
}

export function label(variable: string, lang: Lang): string {
  const key = `courses.labels.${variable}`;
  return hasKey(key) ? t(lang, key) : variable;
}

function formatNumber(n: number, lang: Lang): string {
  return lang === 'da' ? String(n).replace('.', ',') : String(n);
}

/** Which catalogue text (validation.<key>) renders an issue: some codes have variants chosen by params. */
function messageKey(i: Issue): string {
  const p = i.params ?? {};
  switch (i.code) {
    case 'required': return p.existing ? 'required_existing' : 'required';
    case 'not_applicable': return 'other2' in p ? 'not_applicable_below' : 'value' in p ? 'not_applicable' : 'not_applicable_given';
    case 'too_many_decimals': return p.decimals === 1 ? 'too_many_decimals_one' : 'too_many_decimals';
    case 'invalid_code': return 'allowed' in p ? 'invalid_code' : 'invalid_code_short';
    case 'invalid_date': return p.format === 'iso' ? 'invalid_date_iso' : 'invalid_date';
    case 'invalid_number': {
      if (i.variable && isVariableName(i.variable) && VARIABLE[i.variable].kind === 'integer') return 'invalid_integer';
      return p.format === 'dot' ? 'invalid_number_dot' : 'invalid_number';
    }
    case 'invalid_format': return i.variable === 'icd10' ? 'invalid_format_icd10' : 'invalid_format';
    case 'cpr_length': return p.length === 9 ? 'cpr_length_9' : 'cpr_length';
    default: return i.code;
  }
}

/** The message of an issue in lang, naming the field by its label, e.g. "Henvisningsdato kan ikke ligge i fremtiden." */
export function issueMessage(i: Issue, lang: Lang): string {
  const p = i.params ?? {};
  const vars: Record<string, string | number> = { ...p, label: i.variable ? label(i.variable, lang) : '' };
  for (const k of ['other', 'other2'] as const) {
    if (typeof p[k] === 'string') vars[k] = label(p[k] as string, lang);
  }
  if (typeof p.other === 'string' && typeof p.value === 'string' && isVariableName(p.other)) {
    const list = VARIABLE[p.other].codeList;
    if (list) vars.value = codeLabel(list, p.value, lang);
  }
  if (typeof p.pair === 'string') vars.pair = t(lang, `courses.pairs.${p.pair}`);
  for (const k of ['min', 'max'] as const) {
    if (typeof p[k] === 'number') vars[k] = formatNumber(p[k] as number, lang);
  }
  const key = `validation.${messageKey(i)}`;
  return hasKey(key) ? t(lang, key, vars) : i.code;
}

import {
  courseIssueMessage, type CourseValues, type FieldVerdicts, type Issue, isVariableName, parseCourseInput, REQUIRED_AT_CREATE,
} from '../courses';
import { hasKey, t, type Lang } from '../i18n';

export interface ImportIssue { line: number; column: string | null; code: string; message: string }

export function issueText(code: string, lang: Lang, params: Record<string, string | number> = {}, variable: string | null = null): string {
  const key = `imports.errors.${code}`;
  return hasKey(key) ? t(lang, key, params) : courseIssueMessage({ variable, code, params }, lang);
}

export function fault(line: number, column: string | null, code: string, lang: Lang, params: Record<string, string | number> = {}): ImportIssue {
  return { line, column, code, message: issueText(code, lang, params, column) };
}

export function issueAt(line: number, i: Issue, lang: Lang): ImportIssue {
  return { line, column: i.variable, code: i.code, message: issueText(i.code, lang, i.params, i.variable) };
}

/** The header: known variable names, each once, with the required columns. Header faults are at line 1. */
export function checkHeader(names: string[], lang: Lang): ImportIssue[] {
  const errors: ImportIssue[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (!isVariableName(name)) errors.push(fault(1, name, 'unknown_column', lang, { name }));
    else if (seen.has(name)) errors.push(fault(1, name, 'duplicate_column', lang, { name }));
    seen.add(name);
  }
  for (const name of REQUIRED_AT_CREATE) if (!seen.has(name)) errors.push(fault(1, name, 'missing_column', lang, { name }));
  return errors;
}

/**
 * One record's cells as typed values (null = empty cell); municipality_code must be the importer's (an empty cell
 * counts as absent, so it is left out). `fields`: the import's remembered readings of each column's texts.
 */
export function parseCells(cells: string[], header: string[], municipality: string, fields?: FieldVerdicts): { values: CourseValues; issues: Issue[] } {
  const raw: Record<string, string> = {};
  for (let i = 0; i < header.length; i++) raw[header[i]] = cells[i];
  const { values, issues } = parseCourseInput(raw, 'csv', fields);
  if (values.municipality_code === null) delete values.municipality_code;
  if (values.municipality_code !== undefined && values.municipality_code !== municipality) {
    issues.push({ variable: 'municipality_code', code: 'municipality_mismatch', params: { code: municipality } });
  }
  return { values, issues };
}

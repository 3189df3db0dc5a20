import type { Knex } from 'knex';
import { cprLookupHash } from '../courses/cpr';
import { firstOverlapping, type OccupyingCourse } from '../courses/overlap';
import { parseCourseInput, validateCourse, type Issue } from '../courses/schemas';
import { courseIssueMessage } from '../courses/service';
import { registeredValues, toRecord, type CourseRecord } from '../courses/serialize';
import type { CourseRow } from '../courses/queries';
import { REQUIRED_AT_CREATE, isVariableName, type CourseValues, type VariableName } from '../courses/variables';
import { hasKey, t, type Lang } from '../i18n';
import { today } from '../time';
import type { CsvRecord } from './parse';

export interface ImportIssue { line: number; column: string | null; code: string; message: string }

/** A row as read from the file: its present columns (null = empty cell) and the faults of its cells. */
export interface ParsedRow { line: number; values: CourseValues; issues: Issue[]; present: VariableName[] }

export interface PlannedRow {
  line: number;
  action: 'create' | 'update';
  external_id: string | null;
  id: number | null;
  /** the whole course after the import */
  course: CourseValues;
  /** the variables the file gives (an update changes only these) */
  present: VariableName[];
  current?: CourseRecord;
}

export function issueText(code: string, lang: Lang, params: Record<string, string | number> = {}, variable: string | null = null): string {
  const key = `imports.errors.${code}`;
  return hasKey(key) ? t(lang, key, params) : courseIssueMessage({ variable, code, params }, lang);
}

export function fault(line: number, column: string | null, code: string, lang: Lang, params: Record<string, string | number> = {}): ImportIssue {
  return { line, column, code, message: issueText(code, lang, params, column) };
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

/** One record's cells as typed values; municipality_code must be the importer's (an empty cell counts as absent). */
export function parseRow(rec: CsvRecord, header: string[], present: VariableName[], municipality: string): ParsedRow {
  const raw: Record<string, string> = {};
  header.forEach((name, i) => { raw[name] = rec.cells[i]; });
  const { values, issues } = parseCourseInput(raw, 'csv');
  if (values.municipality_code === null) delete values.municipality_code;
  if (values.municipality_code !== undefined && values.municipality_code !== municipality) {
    issues.push({ variable: 'municipality_code', code: 'municipality_mismatch', params: { code: municipality } });
  }
  return { line: rec.line, values, issues, present };
}

function chunks<T>(list: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The municipality's stored courses (annulled too) holding these external ids. */
async function coursesByExternalId(db: Knex, cprKey: Buffer, municipality: string, ids: string[]): Promise<Map<string, CourseRecord>> {
  const out = new Map<string, CourseRecord>();
  for (const part of chunks(ids)) {
    const rows: CourseRow[] = await db('courses').join('patients', 'patients.id', 'courses.patient_id')
      .select('courses.*', 'patients.cpr_enc', 'patients.patient_name')
      .where('courses.municipality_code', municipality).whereIn('courses.external_id', part);
    for (const r of rows) out.set(String(r.external_id), toRecord(r, cprKey));
  }
  return out;
}

type Occupant = OccupyingCourse & { id?: number; line?: number };

/** The stored, not annulled courses of the patients with these CPR numbers, by CPR. */
async function storedOccupants(db: Knex, cprKey: Buffer, municipality: string, cprs: string[]): Promise<Map<string, Occupant[]>> {
  const byHash = new Map(cprs.map((c) => [cprLookupHash(cprKey, c), c]));
  const out = new Map<string, Occupant[]>();
  for (const part of chunks([...byHash.keys()])) {
    const rows = await db('courses').join('patients', 'patients.id', 'courses.patient_id')
      .select('courses.id', 'courses.referral_date', 'courses.start_date', 'courses.not_started_reason', 'courses.end_date', 'patients.cpr_hash')
      .where('patients.municipality_code', municipality).whereIn('patients.cpr_hash', part).where('courses.annulled', false);
    for (const r of rows) {
      const cpr = byHash.get(r.cpr_hash)!;
      out.set(cpr, [...(out.get(cpr) ?? []), { ...r, id: Number(r.id) }]);
    }
  }
  return out;
}

/** The course an update row leaves: the stored values, the file's present columns laid over (empty un-registers). */
function merged(current: CourseRecord, values: CourseValues): CourseValues {
  const next = registeredValues(current);
  for (const [name, v] of Object.entries(values) as [VariableName, CourseValues[VariableName]][]) {
    if (name === 'municipality_code') continue;
    if (v === null || v === undefined) delete next[name];
    else next[name] = v;
  }
  return next;
}

/**
 * Validate every parsed row against the dictionary, the stored courses (external_id updates, overlap) and the
 * other rows of the file. Reads only; returns the rows to write and every error and warning.
 */
export async function planRows(db: Knex, cprKey: Buffer, municipality: string, rows: ParsedRow[], lang: Lang):
  Promise<{ planned: PlannedRow[]; errors: ImportIssue[]; warnings: ImportIssue[] }> {
  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const issueAt = (line: number, i: Issue) => ({ line, column: i.variable, code: i.code, message: issueText(i.code, lang, i.params, i.variable) });
  const externalIds = [...new Set(rows.map((r) => r.values.external_id).filter((x): x is string => typeof x === 'string'))];
  const existing = await coursesByExternalId(db, cprKey, municipality, externalIds);
  const seenExternal = new Map<string, number>();
  const day = today();
  const planned: (PlannedRow & { valid: boolean })[] = [];

  for (const row of rows) {
    const rowErrors: ImportIssue[] = row.issues.map((i) => issueAt(row.line, i));
    const externalId = typeof row.values.external_id === 'string' ? row.values.external_id : null;
    const current = externalId ? existing.get(externalId) : undefined;
    if (externalId && seenExternal.has(externalId)) {
      rowErrors.push(fault(row.line, 'external_id', 'duplicate_external_id_in_file', lang, { external_id: externalId, other: seenExternal.get(externalId)! }));
    }
    if (externalId) seenExternal.set(externalId, row.line);
    if (current?.annulled) rowErrors.push(fault(row.line, 'external_id', 'annulled_external_id', lang, { external_id: externalId!, id: current.id }));
    if (current && typeof row.values.cpr === 'string' && row.values.cpr !== current.cpr) {
      rowErrors.push(fault(row.line, 'cpr', 'cpr_mismatch', lang, { id: current.id }));
    }
    // A created course is the row's own values object (not a copy): 100 000 rows are held until the commit.
    const course: CourseValues = current ? merged(current, row.values) : Object.assign(row.values, { municipality_code: municipality });
    if (!current) for (const k of Object.keys(course) as VariableName[]) if (course[k] === null) delete course[k];
    const result = validateCourse(course, { today: day, existing: current !== undefined });
    const unreadable = new Set(row.issues.map((i) => i.variable));
    rowErrors.push(...result.errors.filter((e) => !unreadable.has(e.variable)).map((e) => issueAt(row.line, e)));
    warnings.push(...result.warnings.map((w) => issueAt(row.line, w)));
    errors.push(...rowErrors);
    planned.push({
      line: row.line, action: current ? 'update' : 'create', external_id: externalId, id: current?.id ?? null, course,
      present: row.present, current, valid: rowErrors.length === 0,
    });
  }
  errors.push(...await overlapErrors(db, cprKey, municipality, planned.filter((p) => p.valid), lang));
  errors.sort((a, b) => a.line - b.line);
  return { planned, errors, warnings };
}

/** The overlap rule between the valid rows of the file and against the stored courses of the same patients. */
async function overlapErrors(db: Knex, cprKey: Buffer, municipality: string, rows: PlannedRow[], lang: Lang): Promise<ImportIssue[]> {
  const stored = await storedOccupants(db, cprKey, municipality, [...new Set(rows.map((r) => String(r.course.cpr)))]);
  const updated = new Set<number>(rows.flatMap((r) => (r.id === null ? [] : [r.id])));
  const taken = new Map<string, Occupant[]>();
  for (const [cpr, list] of stored) taken.set(cpr, list.filter((o) => !updated.has(o.id!)));
  const errors: ImportIssue[] = [];
  for (const row of rows) {
    const cpr = String(row.course.cpr);
    const others = taken.get(cpr) ?? [];
    const other = firstOverlapping(row.course, others);
    if (other) {
      errors.push(other.line !== undefined
        ? fault(row.line, 'referral_date', 'overlap_row', lang, { other: other.line })
        : fault(row.line, 'referral_date', 'overlap_stored', lang, { id: other.id! }));
      continue;
    }
    taken.set(cpr, [...others, { ...row.course, line: row.line }]);
  }
  return errors;
}

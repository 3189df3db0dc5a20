import type { Knex } from 'knex';
import {
  type CourseRecord, type CourseRow, type CourseValues, registeredValues, toRecord, validateCourseInput,
  type VariableName,
} from '../courses';
import type { Lang } from '../i18n';
import { today } from '../time';
import { overlapErrors, rowSpan, type RowSpan } from './overlap';
import { fault, issueAt, packCourse, parseCells, type ImportIssue, type PackedCourse } from './rows';

export type { ImportIssue } from './rows';

/** The data rows of a file as read: physical line and cells (a JSON array of strings, one string per row). */
export interface ReadRows { header: string[]; lines: number[]; cells: string[] }

export interface PlannedRow {
  line: number;
  action: 'create' | 'update';
  external_id: string | null;
  id: number | null;
  cpr: string;
  /** the whole course after the import; an update changes only the file's columns */
  course: PackedCourse;
  current?: CourseRecord;
}

/** Rows looked up and validated together: one query for their external ids. */
const BATCH = 500;

/** The municipality's stored courses (annulled too) holding these external ids. */
async function coursesByExternalId(db: Knex, cprKey: Buffer, municipality: string, ids: string[]): Promise<Map<string, CourseRecord>> {
  const out = new Map<string, CourseRecord>();
  if (ids.length === 0) return out;
  const rows: CourseRow[] = await db('courses').join('patients', 'patients.id', 'courses.patient_id')
    .select('courses.*', 'patients.cpr_enc', 'patients.patient_name')
    .where('courses.municipality_code', municipality).whereIn('courses.external_id', ids);
  for (const r of rows) out.set(String(r.external_id), toRecord(r, cprKey));
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

/** A created course: the row's registered values in the importer's municipality. */
function created(values: CourseValues, municipality: string): CourseValues {
  const out: CourseValues = {};
  for (const [name, v] of Object.entries(values) as [VariableName, CourseValues[VariableName]][]) if (v !== null && v !== undefined) out[name] = v;
  out.municipality_code = municipality;
  return out;
}

/**
 * Validate every row in one pass against the dictionary, the stored courses (external_id updates) and the other
 * rows of the file, then the overlap rule; reads only. Each row's cells are released once planned, and a planned
 * row keeps its course packed.
 */
export async function planRows(db: Knex, cprKey: Buffer, municipality: string, rows: ReadRows, lang: Lang):
  Promise<{ planned: PlannedRow[]; errors: ImportIssue[]; warnings: ImportIssue[] }> {
  const errors: ImportIssue[] = [];
  const warnings: ImportIssue[] = [];
  const planned: PlannedRow[] = [];
  const spans: RowSpan[] = [];
  const seenExternal = new Map<string, number>();
  const day = today();
  for (let start = 0; start < rows.lines.length; start += BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(start + BATCH, rows.lines.length); i++) {
      batch.push({ line: rows.lines[i], ...parseCells(JSON.parse(rows.cells[i]) as string[], rows.header, municipality) });
      rows.cells[i] = '';
    }
    const ids = [...new Set(batch.map((r) => r.values.external_id).filter((x): x is string => typeof x === 'string'))];
    const existing = await coursesByExternalId(db, cprKey, municipality, ids);
    for (const row of batch) {
      const rowErrors = row.issues.map((i) => issueAt(row.line, i, lang));
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
      const course = current ? merged(current, row.values) : created(row.values, municipality);
      const result = validateCourseInput(course, row.issues, { today: day, existing: current !== undefined });
      for (const e of result.courseErrors) rowErrors.push(issueAt(row.line, e, lang));
      for (const w of result.warnings) warnings.push(issueAt(row.line, w, lang));
      for (const e of rowErrors) errors.push(e);
      const cpr = String(course.cpr);
      if (rowErrors.length === 0) spans.push(rowSpan(cpr, row.line, current?.id ?? null, course));
      planned.push({
        line: row.line, action: current ? 'update' : 'create', external_id: externalId, id: current?.id ?? null, cpr,
        course: packCourse(course), ...(current ? { current } : {}),
      });
    }
  }
  for (const e of await overlapErrors(db, cprKey, municipality, spans, lang)) errors.push(e);
  errors.sort((a, b) => a.line - b.line);
  return { planned, errors, warnings };
}

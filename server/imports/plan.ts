import type { Knex } from 'knex';
import {
  type CourseRecord, type CourseRow, type CourseValues, FieldVerdicts, registeredValues, toRecord, validateCourseInput,
  type VariableName,
} from '../courses';
import type { Lang } from '../i18n';
import { today } from '../time';
import { loadStoredSpans, rowSpan, type SpanState } from './overlap';
import type { DataRow } from './read';
import { fault, issueAt, parseCells, type ImportIssue } from './rows';

export type { ImportIssue } from './rows';

/** A row of the report (formats.md): what the file does with it; `id` null for a create not (yet) written. */
export interface ReportCourse { line: number; action: 'create' | 'update'; external_id: string | null; id: number | null }

/** A row of one batch, planned: the report's row, the whole course after the import, and the stored course it updates. */
export interface PlannedRow {
  report: ReportCourse;
  cpr: string;
  /** the whole course after the import; an update changes only the file's columns */
  course: CourseValues;
  current?: CourseRecord;
}

/**
 * What the planner keeps across batches: only what later rows or the end need (never the rows themselves), so an
 * import of 100 000 rows holds its report, its errors and one small span per valid row.
 */
export interface PlanState extends SpanState {
  municipality: string;
  cprKey: Buffer;
  lang: Lang;
  day: string;
  header: string[];
  errors: ImportIssue[];
  warnings: ImportIssue[];
  courses: ReportCourse[];
  /** external_id → the last line of the file so far holding it */
  seenExternal: Map<string, number>;
  /** ids of the courses this import created (so a later row with the same external_id is not taken as an update) */
  createdIds: Set<number>;
  /** each variable's own verdict per distinct value of its column (the same checks, once per value) */
  fields: FieldVerdicts;
}

export function newPlanState(cprKey: Buffer, municipality: string, header: string[], lang: Lang): PlanState {
  return {
    municipality, cprKey, lang, day: today(), header, errors: [], warnings: [], courses: [], seenExternal: new Map(),
    createdIds: new Set(), spans: [], taken: new Map(), loaded: new Set(), fields: new FieldVerdicts(),
  };
}

/** The municipality's stored courses (annulled too) holding these external ids, except those this import created. */
async function coursesByExternalId(db: Knex, state: PlanState, ids: string[]): Promise<Map<string, CourseRecord>> {
  const out = new Map<string, CourseRecord>();
  if (ids.length === 0) return out;
  const rows: CourseRow[] = await db('courses').join('patients', 'patients.id', 'courses.patient_id')
    .select('courses.*', 'patients.cpr_enc', 'patients.patient_name')
    .where('courses.municipality_code', state.municipality).whereIn('courses.external_id', ids);
  for (const r of rows) if (!state.createdIds.has(Number(r.id))) out.set(String(r.external_id), toRecord(r, state.cprKey));
  return out;
}

/** The course an update row leaves: the stored values, the file's present columns laid over (empty un-registers). */
function merged(current: CourseRecord, values: CourseValues): CourseValues {
  const next = registeredValues(current);
  for (const name of Object.keys(values) as VariableName[]) {
    const v = values[name];
    if (name === 'municipality_code') continue;
    if (v === null || v === undefined) delete next[name];
    else next[name] = v;
  }
  return next;
}

/** A created course: the row's registered values in the importer's municipality. */
function created(values: CourseValues, municipality: string): CourseValues {
  const out: CourseValues = {};
  for (const name in values) {
    const v = values[name as VariableName];
    if (v !== null && v !== undefined) out[name as VariableName] = v;
  }
  out.municipality_code = municipality;
  return out;
}

/** The faults of a row against the file (external_id twice) and the stored course it names (annulled, other CPR). */
function identityFaults(state: PlanState, line: number, values: CourseValues, externalId: string | null, current: CourseRecord | undefined): ImportIssue[] {
  const out: ImportIssue[] = [];
  const lang = state.lang;
  if (externalId && state.seenExternal.has(externalId)) {
    out.push(fault(line, 'external_id', 'duplicate_external_id_in_file', lang, { external_id: externalId, other: state.seenExternal.get(externalId)! }));
  }
  if (externalId) state.seenExternal.set(externalId, line);
  if (current?.annulled) out.push(fault(line, 'external_id', 'annulled_external_id', lang, { external_id: externalId!, id: current.id }));
  if (current && typeof values.cpr === 'string' && values.cpr !== current.cpr) out.push(fault(line, 'cpr', 'cpr_mismatch', lang, { id: current.id }));
  return out;
}

/** Plan one row: its course after the import, its errors (kept in the state) and, when valid, its span. */
function planRow(state: PlanState, row: DataRow, existing: Map<string, CourseRecord>, parsed: ReturnType<typeof parseCells>): PlannedRow & { valid: boolean } {
  const externalId = typeof parsed.values.external_id === 'string' ? parsed.values.external_id : null;
  const current = externalId ? existing.get(externalId) : undefined;
  const rowErrors = parsed.issues.map((i) => issueAt(row.line, i, state.lang));
  rowErrors.push(...identityFaults(state, row.line, parsed.values, externalId, current));
  const course = current ? merged(current, parsed.values) : created(parsed.values, state.municipality);
  const result = validateCourseInput(course, parsed.issues, { today: state.day, existing: current !== undefined, fields: state.fields });
  for (const e of result.courseErrors) rowErrors.push(issueAt(row.line, e, state.lang));
  for (const w of result.warnings) state.warnings.push(issueAt(row.line, w, state.lang));
  for (const e of rowErrors) state.errors.push(e);
  const cpr = String(course.cpr);
  if (rowErrors.length === 0) state.spans.push(rowSpan(cpr, row.line, current?.id ?? null, course));
  const report: ReportCourse = { line: row.line, action: current ? 'update' : 'create', external_id: externalId, id: current?.id ?? null };
  state.courses.push(report);
  return { report, cpr, course, ...(current ? { current } : {}), valid: rowErrors.length === 0 };
}

/**
 * Validate one batch of rows against the dictionary, the stored courses (one query for their external ids) and the
 * rows before it; reads only. The stored spans of the batch's patients not seen before are read now, before the
 * batch is written, so the overlap rule at the end sees the stored courses as they were before the import.
 */
export async function planBatch(db: Knex, state: PlanState, rows: DataRow[]): Promise<PlannedRow[]> {
  const parsed = rows.map((r) => parseCells(r.cells, state.header, state.municipality, state.fields));
  const ids = [...new Set(parsed.map((p) => p.values.external_id).filter((x): x is string => typeof x === 'string'))];
  const existing = await coursesByExternalId(db, state, ids);
  const planned = rows.map((row, i) => planRow(state, row, existing, parsed[i]));
  await loadStoredSpans(db, state, state.cprKey, state.municipality, planned.filter((p) => p.valid).map((p) => p.cpr));
  return planned;
}

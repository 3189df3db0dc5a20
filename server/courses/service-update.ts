import type { Knex } from 'knex';
import { AUDIT_COLUMNS, auditRow, auditRowValues, recordAudit } from '../audit/record';
import { dbBool, dbJson } from '../db/codecs';
import { isPostgres, readerOf } from '../db/connect';
import { inGroupCommit } from '../db/group-commit';
import { Invalid } from '../http/errors';
import { t } from '../i18n';
import { findOrCreatePatient, lockPatient, renamePatient, setPatientName } from '../patients';
import { nowIso } from '../time';
import * as q from './queries';
import { inapplicableRegistered, type Issue } from './schemas';
import { derived, type Derived } from './completeness';
import { COURSE_ROW_VARIABLES, registeredValues, type CourseRecord } from './serialize';
import {
  courseAudit, insertOrConflict, missingVersion, refuseDuplicateExternalId, refuseOverlap, stored, storedWithRow,
  validateOrThrow, versionConflict, type CourseScope,
} from './service-core';
import { moveCareRecordResources } from './service-system';
import { afterManualSave, effectiveSources, storedSources } from './sources';
import { VARIABLE, VARIABLE_NAMES, type CourseValues, type VariableName } from './variables';

/** Changing a course (a section save, a PATCH): plan the change on the stored course, then write it. */

type Db = Knex | Knex.Transaction;
type UpdateOptions = { clear?: readonly VariableName[]; inputIssues?: Issue[]; seen?: CourseValues };

/** The course after the change: present keys replace, null and `clear` un-register; municipality_code never changes. */
function applyChanges(current: CourseRecord, changes: CourseValues, clear: readonly VariableName[], issues: Issue[]): CourseValues {
  const next = registeredValues(current);
  for (const name of VARIABLE_NAMES) {
    if (!(name in changes) || name === 'municipality_code') continue;
    const v = changes[name];
    if (v === null || v === undefined) delete next[name];
    else next[name] = v;
  }
  for (const name of clear) delete next[name];
  if (changes.municipality_code !== undefined && changes.municipality_code !== current.municipality_code) {
    issues.push({ variable: 'municipality_code', code: 'municipality_fixed' });
  }
  return next;
}

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);

/**
 * A save over an older version. Without `seen` (the API) it is a 409. With `seen` (a form: the values it showed
 * at that version) only what the user changed is kept, and it applies at the current version unless someone else
 * changed one of the same variables to another value meanwhile (409, shown side by side).
 */
function mergeStale(cs: CourseScope, current: CourseRecord, sent: CourseValues, version: number, seen?: CourseValues):
  { changes: CourseValues; version: number } {
  if (current.version === version) return { changes: sent, version };
  if (!seen) throw versionConflict(current, cs.lang);
  const mine = (Object.keys(sent) as VariableName[]).filter((n) => n in seen && !same(sent[n], seen[n]));
  const clash = mine.filter((n) => !same(current[n], seen[n]) && !same(current[n], sent[n]));
  if (clash.length) throw versionConflict(current, cs.lang);
  return { changes: Object.fromEntries(mine.map((n) => [n, sent[n]])) as CourseValues, version: current.version };
}

function changedVariables(current: CourseRecord, next: CourseValues): VariableName[] {
  return VARIABLE_NAMES.filter((n) => (current[n] ?? null) !== (next[n] ?? null));
}

/** A validated change of a course, ready to be written. */
interface Planned {
  row: q.CourseRow;
  current: CourseRecord;
  next: CourseValues;
  changes: CourseValues;
  version: number;
  changed: VariableName[];
}

/** Read the course and decide the change: every refusal that needs no lock (404, 400, 409 version_conflict). */
async function planUpdate(db: Db, cs: CourseScope, id: number, sent: CourseValues, sentVersion: number | null | undefined,
  opts: UpdateOptions): Promise<Planned> {
  const { row, record: current } = await storedWithRow(db, cs, id);
  if (sentVersion === null || sentVersion === undefined) throw missingVersion(cs, opts.inputIssues);
  const { changes, version } = mergeStale(cs, current, sent, sentVersion, opts.seen);
  if (current.annulled) throw new Invalid({}, t(cs.lang, 'courses.service.annulled'));
  const issues = [...(opts.inputIssues ?? [])];
  const next = applyChanges(current, changes, opts.clear ?? [], issues);
  const inapplicable = inapplicableRegistered(next).filter((v) => !(v in changes));
  validateOrThrow(cs, next, issues, true, inapplicable);
  return { row, current, next, changes, version, changed: changedVariables(current, next) };
}

/** Thrown inside a write's transaction (rolling it back) when another save changed the course since it was read. */
class LostRace extends Error {}

/**
 * Change a course: 404 outside the scope, 400 without a version, 409 version_conflict (with `current`), 400 when
 * annulled or invalid (naming registered values the change made inapplicable; `opts.clear` un-registers them in the
 * same save), 409 duplicate_external_id / overlap. A changed cpr re-links the course to that patient.
 * The change is planned (read, merged, validated) outside the transaction, which then holds only the writes and
 * the checks against other rows (SQLite has one connection: a short transaction lets other requests through);
 * the update's version guard keeps it consistent. A change that needs no other row (a section save) is, on
 * PostgreSQL, one statement with its audit row and no transaction; on SQLite it shares a transaction with the saves
 * that arrive with it (group commit). When another save came first, it is planned again once, on the newer version,
 * inside the transaction.
 */
export async function updateCourse(cs: CourseScope, id: number, sent: CourseValues, sentVersion: number | null | undefined,
  opts: UpdateOptions = {}): Promise<CourseRecord> {
  // Planned on the reader (db/connect.ts): the committed course, not queued behind the group commit in progress.
  const plan = await planUpdate(readerOf(cs.db), cs, id, sent, sentVersion, opts);
  if (plan.changed.length === 0) return plan.current;
  try {
    if (standsAlone(plan)) {
      const saved = await writeStandingAlone(cs, id, plan);
      if (saved) return saved;
    } else {
      return await cs.db.transaction((trx) => applyPlan(trx, cs, id, plan));
    }
  } catch (err) {
    if (!(err instanceof LostRace)) throw err;
  }
  return cs.db.transaction(async (trx) => {
    const again = await planUpdate(trx, cs, id, sent, sentVersion, opts);
    if (again.changed.length === 0) return again.current;
    try {
      return await applyPlan(trx, cs, id, again);
    } catch (err) {
      if (err instanceof LostRace) throw versionConflict(await stored(trx, cs, id), cs.lang);
      throw err;
    }
  });
}

/** The planned change in the caller's transaction: patient, external id and overlap checks as needed, then the write. */
async function applyPlan(trx: Knex.Transaction, cs: CourseScope, id: number, p: Planned): Promise<CourseRecord> {
  const patientId = await relinkPatient(trx, cs, p.current, p.next, p.changes, p.changed);
  const municipality = p.current.municipality_code as string;
  if (p.changed.includes('external_id')) await refuseDuplicateExternalId(trx, cs, municipality, p.next.external_id, id);
  // The overlap rule reads only the patient and the span variables: a save that changes neither cannot break it.
  if (patientId !== p.current.patient_id || p.changed.some((n) => SPAN_VARIABLES.has(n))) {
    await lockPatient(trx, patientId, isPostgres(cs.db));
    await refuseOverlap(trx, cs, patientId, p.next, id);
  }
  if (p.changed.includes('patient_name')) await renamePatient(trx, patientId, (p.next.patient_name ?? null) as string | null, [id]);
  const saved = await writeChange(trx, cs, id, p, patientId);
  if (!saved) throw new LostRace();
  return saved;
}

/** The variables whose change makes a save read or write other rows (the patient, other courses, the referrals). */
const REACHING_VARIABLES = new Set<VariableName>(['cpr', 'patient_name', 'external_id', 'referral_date', 'start_date',
  'not_started_reason', 'end_date']);

/** A change that reads and writes no other row than its course and its audit row (as a section save of measurements). */
function standsAlone(p: Planned): boolean {
  return !p.changed.some((n) => REACHING_VARIABLES.has(n))
    && !q.changesMatching(p.row, { patient_id: p.current.patient_id, referral_date: p.next.referral_date });
}

/**
 * The course row's columns the change writes: the changed variables, the derived columns that differ from the
 * stored ones, the patient when re-linked, and the save's own (who, when, sources, version). Only these: SQLite
 * rewrites every index on a column named in an UPDATE (13 on courses), changed value or not. `d` is the derivation
 * of `p.next` (computed once for the columns and the saved record).
 */
function savedColumns(p: Planned, d: Derived, patientId: number, updatedBy: number): Record<string, unknown> {
  const columns: Record<string, unknown> = {};
  for (const name of p.changed) if (COURSE_ROW_VARIABLES.includes(name)) columns[name] = p.next[name] ?? null;
  const missing = JSON.stringify(d.missing);
  if (d.state !== p.row.state) columns.state = d.state;
  if (d.complete !== dbBool(p.row.complete)) columns.complete = d.complete;
  if (missing !== JSON.stringify(dbJson(p.row.missing, []))) columns.missing = missing;
  if (patientId !== p.current.patient_id) columns.patient_id = patientId;
  return { ...columns, updated_at: nowIso(), updated_by: updatedBy, sources: afterManualSave(p.current.sources, p.changed) };
}

/** The course_update audit entry: each changed variable's old and new value (a changed cpr as the patient's id). */
function updateAudit(id: number, p: Planned, patientId: number) {
  const { current, next, version, changed } = p;
  return courseAudit('course_update', { id, patient_id: patientId, municipality_code: current.municipality_code }, {
    version: version + 1,
    changes: Object.fromEntries(changed.map((n) => n === 'cpr'
      ? ['patient_id', { old: current.patient_id, new: patientId }]
      : [n, { old: current[n] ?? null, new: next[n] ?? null }])),
  });
}

/** A stored value as a row gives it back (serialize.ts rowValues): numbers as numbers, the rest as strings. */
function asStored(name: VariableName, v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  const kind = VARIABLE[name].kind;
  return kind === 'integer' || kind === 'decimal' ? Number(v) : String(v);
}

/**
 * The saved course, as toRecord would read it back (the patient's columns unchanged): the course as read with the
 * changed variables, the derivation `d` of the new values, the new version, time and sources; neither the row's
 * values nor the derivation are gone through again.
 */
function savedRecord(p: Planned, d: Derived, columns: Record<string, unknown>): CourseRecord {
  const record: CourseRecord = { ...p.current, version: p.version + 1, updated_at: String(columns.updated_at) };
  for (const name of p.changed) record[name] = asStored(name, p.next[name]);
  record.state = d.state;
  record.complete = d.complete;
  record.missing = d.missing;
  record.warnings = d.warnings;
  record.sources = effectiveSources(storedSources(columns.sources), record as Partial<Record<VariableName, unknown>>);
  return record;
}

/**
 * A change that stands alone: the update and its audit row, on PostgreSQL in one statement, on SQLite in the next
 * group commit (db/group-commit.ts: saves that arrive together share one transaction and one fsync, and their audit
 * rows one INSERT). Undefined when the version moved on.
 */
async function writeStandingAlone(cs: CourseScope, id: number, p: Planned): Promise<CourseRecord | undefined> {
  const d = derived(p.next);
  const columns = savedColumns(p, d, p.current.patient_id, cs.user.id);
  const audit = updateAudit(id, p, p.current.patient_id);
  const saved = await insertOrConflict(cs, () => (isPostgres(cs.db)
    ? q.updateCourseAtVersionAudited(cs.db, id, p.version, columns, auditRow(cs.actor, audit))
    : inGroupCommit(cs.db, async (trx, append) => {
      const done = await q.updateCourseAtVersion(trx, id, p.version, columns, p.row);
      if (done) append('audit_log', AUDIT_COLUMNS, auditRowValues(cs.actor, audit));
      return done;
    })));
  return saved ? savedRecord(p, d, columns) : undefined;
}

/** The update at the planned version and its audit row; the saved course, or undefined when the version moved on. */
async function writeChange(trx: Knex.Transaction, cs: CourseScope, id: number, p: Planned, patientId: number):
  Promise<CourseRecord | undefined> {
  const d = derived(p.next);
  const columns = savedColumns(p, d, patientId, cs.user.id);
  const saved = await insertOrConflict(cs, () => q.updateCourseAtVersion(trx, id, p.version, columns, p.row));
  if (!saved) return undefined;
  await recordAudit(trx, cs.actor, updateAudit(id, p, patientId));
  // The patient's columns (CPR, name) come from its row: read them again only when they changed.
  if (patientId !== p.current.patient_id || p.changed.includes('patient_name')) return stored(trx, cs, id);
  return savedRecord(p, d, columns);
}

/** The variables that decide which days a course occupies (courses/overlap.ts). */
const SPAN_VARIABLES = new Set<VariableName>(['referral_date', 'start_date', 'not_started_reason', 'end_date']);

/** A changed cpr re-links the course to that patient (found or created); the patient's id after the save. */
async function relinkPatient(trx: Knex.Transaction, cs: CourseScope, current: CourseRecord, next: CourseValues,
  changes: CourseValues, changed: readonly VariableName[]): Promise<number> {
  if (!changed.includes('cpr')) return current.patient_id;
  const municipality = current.municipality_code as string;
  const patient = await findOrCreatePatient(trx, cs.cprKey, municipality, next.cpr as string);
  // A correction of a typo: a patient created by it keeps the name the course showed.
  if (patient.created && !('patient_name' in changes)) await setPatientName(trx, patient.id, (next.patient_name ?? null) as string | null);
  if (current.fhir_referral_id) await moveCareRecordResources(trx, cs.cprKey, municipality, current.cpr as string, next.cpr as string);
  return patient.id;
}


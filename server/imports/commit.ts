import type { Knex } from 'knex';
import { recordAudit, type Actor, type AuditEntry } from '../audit/record';
import {
  afterManualSave, auditValues, courseAudit, courseColumns, updateCourseAtVersion, VARIABLE_NAMES, versionConflict,
} from '../courses';
import { insertRows } from '../db/bulk';
import { rematchPatients } from '../pathway/matching';
import { ensurePatients, renamePatient, setPatientName } from '../patients';
import type { Lang } from '../i18n';
import { nowIso } from '../time';
import type { PlannedRow } from './plan';

export interface WriteContext { cprKey: Buffer; userId: number; actor: Actor; lang: Lang; municipality: string; header: string[] }

/** What the writes keep across batches: small, per patient or per updated course, never per row's values. */
export interface WriteState {
  /** patients this import created */
  createdPatients: Set<number>;
  /** courses this import created (shared with the planner's state) */
  createdIds: Set<number>;
  /** the name the file leaves each patient with (last row wins), for patients not created in that row's batch */
  names: Map<number, string | null>;
  /** courses the file updates (their version moves with the update, not with a rename) */
  updatedIds: number[];
  /** patients with a course created by the import (the pathway rematches them) */
  rematch: Set<number>;
}

export const newWriteState = (createdIds: Set<number>): WriteState => ({ createdPatients: new Set(), createdIds, names: new Map(), updatedIds: [], rematch: new Set() });

/**
 * The batch's patients by CPR (created in bulk when new). With a patient_name column each row names its patient;
 * a patient created now gets the batch's last name, any other the file's last name at the end (finishWrites).
 */
async function batchPatients(trx: Knex.Transaction, ctx: WriteContext, state: WriteState, rows: PlannedRow[]): Promise<Map<string, number>> {
  const withNames = ctx.header.includes('patient_name');
  const names = new Map<string, string | null>();
  if (withNames) for (const r of rows) names.set(r.cpr, (r.course.patient_name ?? null) as string | null);
  const ensured = await ensurePatients(trx, rows.map((r) => r.cpr), { cprKey: ctx.cprKey, municipality: ctx.municipality, names });
  const ids = new Map<string, number>();
  for (const [cpr, p] of ensured) {
    ids.set(cpr, p.id);
    if (p.created) state.createdPatients.add(p.id);
    else if (withNames) state.names.set(p.id, names.get(cpr) ?? null);
  }
  return ids;
}

/** Insert the batch's new courses (multi-row statements) and their audit rows; sets each report row's id. */
async function insertCreates(trx: Knex.Transaction, ctx: WriteContext, state: WriteState, rows: PlannedRow[], patients: Map<string, number>): Promise<void> {
  if (rows.length === 0) return;
  const now = nowIso();
  const records = rows.map((r) => ({
    ...courseColumns(r.course), patient_id: patients.get(r.cpr), version: 1,
    created_at: now, created_by: ctx.userId, updated_at: now, updated_by: ctx.userId,
  }));
  const columns = Object.keys(records[0]);
  const inserted = await insertRows(trx, 'courses', columns, records.map((rec) => columns.map((c) => (rec as Record<string, unknown>)[c])), { returning: ['id'] });
  rows.forEach((r, i) => {
    r.report.id = Number(inserted[i].id);
    state.createdIds.add(r.report.id);
    state.rematch.add(patients.get(r.cpr)!);
  });
  await recordAudit(trx, ctx.actor, ...rows.map((r) => courseAudit('course_create',
    { id: r.report.id!, patient_id: patients.get(r.cpr)!, municipality_code: ctx.municipality },
    { values: auditValues(r.course), import_line: r.report.line })));
}

/** Update the batch's stored courses at the version planned (409 when one changed meanwhile), one audit row each. */
async function applyUpdates(trx: Knex.Transaction, ctx: WriteContext, state: WriteState, rows: PlannedRow[]): Promise<void> {
  const audits: AuditEntry[] = [];
  const now = nowIso();
  for (const r of rows) {
    const current = r.current!;
    state.updatedIds.push(current.id);
    const changed = VARIABLE_NAMES.filter((n) => (current[n] ?? null) !== (r.course[n] ?? null));
    if (changed.length === 0) continue;
    const saved = await updateCourseAtVersion(trx, current.id, current.version, {
      ...courseColumns(r.course), updated_at: now, updated_by: ctx.userId, sources: afterManualSave(current.sources, changed),
    });
    if (!saved) throw versionConflict(current, ctx.lang);
    audits.push(courseAudit('course_update', { id: current.id, patient_id: current.patient_id, municipality_code: ctx.municipality }, {
      version: current.version + 1, import_line: r.report.line,
      changes: Object.fromEntries(changed.filter((n) => n !== 'cpr').map((n) => [n, { old: current[n] ?? null, new: r.course[n] ?? null }])),
    }));
  }
  await recordAudit(trx, ctx.actor, ...audits);
}

/** Write one valid batch in the caller's transaction: patients, creates in bulk, updates at their version, audit rows. */
export async function writeBatch(trx: Knex.Transaction, ctx: WriteContext, state: WriteState, rows: PlannedRow[]): Promise<void> {
  const patients = await batchPatients(trx, ctx, state, rows);
  await insertCreates(trx, ctx, state, rows.filter((r) => !r.current), patients);
  await applyUpdates(trx, ctx, state, rows.filter((r) => r.current));
}

/** Rename a stored patient as a save would: its courses other than those the file wrote get a new version. */
async function renameStored(trx: Knex.Transaction, state: WriteState, updated: Set<number>, id: number, name: string | null): Promise<void> {
  const row = await trx('patients').where('id', id).first('patient_name');
  if ((row?.patient_name ?? null) === name) return;
  const ids: number[] = (await trx('courses').where('patient_id', id).pluck('id')).map(Number);
  await renamePatient(trx, id, name, ids.filter((c) => updated.has(c) || state.createdIds.has(c)));
}

/**
 * After the last batch: the names the file leaves its patients with (a stored patient renamed gives its other
 * courses a new version, as a save would; one created by the import just takes the name), then the pathway's
 * rematch of the patients with new courses.
 */
export async function finishWrites(trx: Knex.Transaction, state: WriteState): Promise<void> {
  const updated = new Set(state.updatedIds);
  for (const [id, name] of state.names) {
    if (state.createdPatients.has(id)) await setPatientName(trx, id, name);
    else await renameStored(trx, state, updated, id, name);
  }
  await rematchPatients(trx, [...state.rematch]);
}

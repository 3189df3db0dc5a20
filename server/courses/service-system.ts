import type { Knex } from 'knex';
import type { Scope } from '../access';
import { nowIso } from '../time';
import { coursesOverlap } from './overlap';
import { cprLookupHash, findOrCreatePatient, lockPatient, patientIdByHash } from '../patients';
import * as q from './queries';
import { COURSE_ROW_VARIABLES, courseColumns, toRecord, type CourseRecord } from './serialize';
import type { Sources } from './sources';
import { VARIABLE, type CourseValues, type VariableName } from './variables';

/**
 * Course writes by a system (the care-record intake, fhir.md): the caller validates, decides precedence and writes
 * the audit rows in its own transaction; these only store, as the form's service does.
 */

type Trx = Knex.Transaction;

export interface SystemFields { fhir_referral_id?: string | null; referral_sor?: string | null; fhir_waiting?: Record<string, unknown> }

function extra(sources: Sources, f: SystemFields): Record<string, unknown> {
  const row: Record<string, unknown> = { sources: JSON.stringify(sources) };
  if (f.fhir_referral_id !== undefined) row.fhir_referral_id = f.fhir_referral_id;
  if (f.referral_sor !== undefined) row.referral_sor = f.referral_sor;
  if (f.fhir_waiting !== undefined) row.fhir_waiting = JSON.stringify(f.fhir_waiting);
  return row;
}

/** One course of the municipality by id (annulled too), or undefined. */
export async function readCourse(trx: Trx | Knex, cprKey: Buffer, scope: Scope, id: number): Promise<CourseRecord | undefined> {
  const row = await q.findCourse(trx, scope, id);
  return row ? toRecord(row, cprKey) : undefined;
}

/** The patient (found or created, locked) and its non-annulled courses overlapping `values`. */
export async function patientAndOverlaps(trx: Trx, cprKey: Buffer, municipalityCode: string, cpr: string, values: CourseValues,
  postgres: boolean): Promise<{ patientId: number; overlapping: { id: number }[] }> {
  const patient = await findOrCreatePatient(trx, cprKey, municipalityCode, cpr);
  await lockPatient(trx, patient.id, postgres);
  const overlapping = (await q.patientCourses(trx, patient.id)).filter((c) => coursesOverlap(values, c));
  return { patientId: patient.id, overlapping };
}

/** Insert a validated course; returns its id. */
export async function insertSystemCourse(trx: Trx, c: { patientId: number; values: CourseValues; sources: Sources; userId: number | null },
  fields: SystemFields): Promise<number> {
  const now = nowIso();
  return q.insertCourse(trx, {
    ...courseColumns(c.values), ...extra(c.sources, fields), patient_id: c.patientId, version: 1,
    created_at: now, created_by: c.userId, updated_at: now, updated_by: c.userId,
  });
}

const ROW_VARIABLES = new Set<string>(COURSE_ROW_VARIABLES);

/** A course-row variable's value as rowValues reads it back (numbers as numbers, the rest as text). */
function asRead(name: VariableName, v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  const kind = VARIABLE[name].kind;
  return kind === 'integer' || kind === 'decimal' ? Number(v) : String(v);
}

/**
 * The columns of a save that differ from the course as read in this transaction: variables and derived columns
 * that keep their value are left out (SQLite rewrites every index entry of a column it sets, changed or not, and the
 * course row carries the indicators' covering indexes). The other columns (sources, waiting values, stamps) are kept.
 */
function changedColumns(course: CourseRecord, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    const same = ROW_VARIABLES.has(k) ? asRead(k as VariableName, v) === (course[k] ?? null)
      : k === 'state' ? v === course.state
        : k === 'complete' ? v === course.complete
          : k === 'missing' ? v === JSON.stringify(course.missing) : false;
    if (!same) out[k] = v;
  }
  return out;
}

/** What the referral matching reads of a course record read in this transaction (pathway.md §4). */
const matchedAs = (c: CourseRecord): q.MatchedAs => ({ patient_id: c.patient_id, referral_date: c.referral_date, annulled: c.annulled });

/**
 * Update a validated course, read in this transaction, at its version (the version increments); false when it
 * changed meanwhile. The referral matching runs again only when the change moves what it reads.
 */
export async function updateSystemCourse(trx: Trx, course: CourseRecord,
  c: { values: CourseValues; sources: Sources; userId: number | null }, fields: SystemFields): Promise<boolean> {
  return q.updateCourseAtVersion(trx, course.id, course.version, {
    ...changedColumns(course, courseColumns(c.values)), ...extra(c.sources, fields), updated_at: nowIso(), updated_by: c.userId,
  }, matchedAs(course));
}

/** Annul a course read in this transaction (the referral was entered in error in the care record). */
export async function annulSystemCourse(trx: Trx, course: CourseRecord, reason: string, userId: number | null): Promise<boolean> {
  const now = nowIso();
  return q.updateCourseAtVersion(trx, course.id, course.version, {
    annulled: true, annul_reason: reason, annulled_at: now, annulled_by: userId, updated_at: now, updated_by: userId,
  }, matchedAs(course));
}

/**
 * The municipality's courses (annulled too) linked to any of these referral ids, read whole in one statement (as
 * readCourse reads one), so a bundle does not read each linked course again.
 */
export async function coursesByReferralIds(trx: Trx | Knex, cprKey: Buffer, municipalityCode: string, ids: string[]): Promise<CourseRecord[]> {
  if (!ids.length) return [];
  const rows: q.CourseRow[] = await trx('courses').join('patients', 'patients.id', 'courses.patient_id')
    .where('courses.municipality_code', municipalityCode).whereIn('courses.fhir_referral_id', ids)
    .select('courses.*', 'patients.cpr_enc', 'patients.patient_name');
  return rows.map((row) => toRecord(row, cprKey));
}

/** The referral ids of the citizen's linked courses in the municipality (Patient.active = false withdraws them). */
export async function linkedReferralIds(trx: Trx | Knex, cprKey: Buffer, municipalityCode: string, cpr: string): Promise<string[]> {
  const patientId = await patientIdByHash(trx, municipalityCode, cprLookupHash(cprKey, cpr));
  if (patientId === undefined) return [];
  const rows = await trx('courses').where({ patient_id: patientId }).whereNotNull('fhir_referral_id').select('fhir_referral_id');
  return rows.map((r: { fhir_referral_id: string }) => r.fhir_referral_id);
}

/**
 * A CPR correction on a course linked to the care record moves the citizen's stored care-record resources with it
 * (fhir.md "Store"); the store is keyed by the keyed CPR hash only.
 */
export async function moveCareRecordResources(trx: Trx, cprKey: Buffer, municipalityCode: string, oldCpr: string, newCpr: string): Promise<void> {
  await trx('fhir_resources').where({ municipality_code: municipalityCode, cpr_hash: cprLookupHash(cprKey, oldCpr) })
    .update({ cpr_hash: cprLookupHash(cprKey, newCpr) });
}

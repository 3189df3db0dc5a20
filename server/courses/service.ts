import type { Knex } from 'knex';
import { recordAudit } from '../audit/record';
import { isPostgres } from '../db/connect';
import { Invalid } from '../http/errors';
import { t } from '../i18n';
import { nowIso } from '../time';
import { findOrCreatePatient, lockPatient, renamePatient, setPatientName } from '../patients';
import * as q from './queries';
import { inapplicableRegistered, type Issue } from './schemas';
import { courseColumns, registeredValues, toRecord, type CourseRecord } from './serialize';
import { afterManualSave } from './sources';
import { moveCareRecordResources } from './service-system';
import {
  auditValues, courseAudit, CourseValidationError, insertOrConflict, municipalityOf, refuseDuplicateExternalId,
  refuseOverlap, stored, storedWithRow, validateOrThrow, versionConflict, type CourseScope,
} from './service-core';
import { VARIABLE_NAMES, type CourseValues, type VariableName } from './variables';

export type { CourseRecord } from './serialize';
export { PAGE_SIZE } from './queries';
export { CourseValidationError, courseIssueMessage, type CourseScope } from './service-core';
export {
  annulSystemCourse, coursesByReferralIds, insertSystemCourse, linkedReferralIds, patientAndOverlaps, readCourse, updateSystemCourse,
} from './service-system';
export { effectiveSources, type Source, type Sources } from './sources';
export {
  getCourse, listCourses, worklist, worklistCounts, OVERDUE_DAYS, type CourseListFilter, type WorklistFilter, type WorklistItem,
} from './service-reads';

/** Register a new course in the user's municipality: 400 invalid, 409 duplicate_external_id or overlap. */
export async function createCourse(cs: CourseScope, values: CourseValues, opts: { inputIssues?: Issue[] } = {}): Promise<CourseRecord> {
  const municipality = municipalityOf(cs);
  const issues = [...(opts.inputIssues ?? [])];
  if (values.municipality_code != null && values.municipality_code !== municipality) {
    issues.push({ variable: 'municipality_code', code: 'municipality_mismatch', params: { code: municipality } });
  }
  const course: CourseValues = { ...values, municipality_code: municipality };
  validateOrThrow(cs, course, issues, false, []);

  return cs.db.transaction(async (trx) => {
    await refuseDuplicateExternalId(trx, cs, municipality, course.external_id);
    const patient = await findOrCreatePatient(trx, cs.cprKey, municipality, course.cpr as string);
    await lockPatient(trx, patient.id, isPostgres(cs.db));
    await refuseOverlap(trx, cs, patient.id, course);
    if ('patient_name' in values) await renamePatient(trx, patient.id, values.patient_name as string | null);
    const now = nowIso();
    const id = await insertOrConflict(cs, () => q.insertCourse(trx, {
      ...courseColumns(course), patient_id: patient.id, version: 1,
      created_at: now, created_by: cs.user.id, updated_at: now, updated_by: cs.user.id,
    }));
    await recordAudit(trx, cs.actor, courseAudit('course_create', { id, patient_id: patient.id, municipality_code: municipality },
      { values: auditValues(course), patient_created: patient.created }));
    return stored(trx, cs, id);
  });
}

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

/**
 * Change a course: 404 outside the scope, 400 without a version, 409 version_conflict (with `current`), 400 when
 * annulled or invalid (naming registered values the change made inapplicable; `opts.clear` un-registers them in the
 * same save), 409 duplicate_external_id / overlap. A changed cpr re-links the course to that patient.
 */
export async function updateCourse(cs: CourseScope, id: number, sent: CourseValues, sentVersion: number | null | undefined,
  opts: { clear?: readonly VariableName[]; inputIssues?: Issue[]; seen?: CourseValues } = {}): Promise<CourseRecord> {
  return cs.db.transaction(async (trx) => {
    const { row, record: current } = await storedWithRow(trx, cs, id);
    if (sentVersion === null || sentVersion === undefined) throw missingVersion(cs, opts.inputIssues);
    const { changes, version } = mergeStale(cs, current, sent, sentVersion, opts.seen);
    if (current.annulled) throw new Invalid({}, t(cs.lang, 'courses.service.annulled'));
    const issues = [...(opts.inputIssues ?? [])];
    const next = applyChanges(current, changes, opts.clear ?? [], issues);
    const inapplicable = inapplicableRegistered(next).filter((v) => !(v in changes));
    validateOrThrow(cs, next, issues, true, inapplicable);
    const changed = changedVariables(current, next);
    if (changed.length === 0) return current;

    const municipality = current.municipality_code as string;
    const patientId = await relinkPatient(trx, cs, current, next, changes, changed);
    if (changed.includes('external_id')) await refuseDuplicateExternalId(trx, cs, municipality, next.external_id, id);
    // The overlap rule reads only the patient and the span variables: a save that changes neither cannot break it.
    if (patientId !== current.patient_id || changed.some((n) => SPAN_VARIABLES.has(n))) {
      await lockPatient(trx, patientId, isPostgres(cs.db));
      await refuseOverlap(trx, cs, patientId, next, id);
    }
    if (changed.includes('patient_name')) await renamePatient(trx, patientId, (next.patient_name ?? null) as string | null, [id]);
    const columns = {
      ...courseColumns(next), patient_id: patientId, updated_at: nowIso(), updated_by: cs.user.id,
      sources: afterManualSave(current.sources, changed),
    };
    const saved = await insertOrConflict(cs, () => q.updateCourseAtVersion(trx, id, version, columns, row));
    if (!saved) throw versionConflict(await stored(trx, cs, id), cs.lang);
    await recordAudit(trx, cs.actor, courseAudit('course_update', { id, patient_id: patientId, municipality_code: municipality }, {
      version: version + 1,
      changes: Object.fromEntries(changed.map((n) => n === 'cpr'
        ? ['patient_id', { old: current.patient_id, new: patientId }]
        : [n, { old: current[n] ?? null, new: next[n] ?? null }])),
    }));
    // The patient's columns (CPR, name) come from its row: read them again only when they changed.
    if (patientId !== current.patient_id || changed.includes('patient_name')) return stored(trx, cs, id);
    return toRecord({ ...row, ...columns, version: version + 1 }, cs.cprKey);
  });
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

function missingVersion(cs: CourseScope, inputIssues: Issue[] = []): CourseValidationError {
  const sent = inputIssues.find((i) => i.variable === 'version');
  return new CourseValidationError([sent ?? { variable: 'version', code: 'version_required' }], [], cs.lang);
}

/** Annul a course registered by mistake: it leaves lists, worklist and indicators but stays readable by id. */
export async function annulCourse(cs: CourseScope, id: number, reason: string, version: number | null | undefined,
  opts: { inputIssues?: Issue[] } = {}): Promise<CourseRecord> {
  return cs.db.transaction(async (trx) => {
    const current = await stored(trx, cs, id);
    if (version === null || version === undefined) throw missingVersion(cs, opts.inputIssues);
    if (current.version !== version) throw versionConflict(current, cs.lang);
    if (current.annulled) throw new Invalid({}, t(cs.lang, 'courses.service.annulled'));
    const why = typeof reason === 'string' ? reason.trim() : '';
    const issues = [...(opts.inputIssues ?? [])];
    if (!why) issues.push({ variable: 'reason', code: 'reason_required' });
    if (issues.length) throw new CourseValidationError(issues, [], cs.lang);
    const now = nowIso();
    const saved = await q.updateCourseAtVersion(trx, id, version, {
      annulled: true, annul_reason: why, annulled_at: now, annulled_by: cs.user.id, updated_at: now, updated_by: cs.user.id,
    });
    if (!saved) throw versionConflict(await stored(trx, cs, id), cs.lang);
    await recordAudit(trx, cs.actor, courseAudit('course_annul', current, { version: version + 1, reason: why }));
    return stored(trx, cs, id);
  });
}

import { recordAudit } from '../audit/record';
import { isPostgres } from '../db/connect';
import { Invalid } from '../http/errors';
import { t } from '../i18n';
import { nowIso } from '../time';
import { findOrCreatePatient, lockPatient, renamePatient } from '../patients';
import * as q from './queries';
import type { Issue } from './schemas';
import { courseColumns, type CourseRecord } from './serialize';
import {
  auditValues, courseAudit, CourseValidationError, insertOrConflict, missingVersion, municipalityOf,
  refuseDuplicateExternalId, refuseOverlap, stored, validateOrThrow, versionConflict, type CourseScope,
} from './service-core';
import type { CourseValues } from './variables';

export type { CourseRecord } from './serialize';
export { updateCourse } from './service-update';
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

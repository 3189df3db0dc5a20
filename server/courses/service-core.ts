import type { Knex } from 'knex';
import type { CurrentUser } from '../access';
import type { Actor, AuditEntry } from '../audit/record';
import { Conflict, Forbidden, Invalid, NotFound } from '../http/errors';
import { hasKey, t, type Lang } from '../i18n';
import { formatDateDanish, today } from '../time';
import { firstOverlapping, occupiedDays } from './overlap';
import * as q from './queries';
import { issueMessage, validateCourseInput, type Issue } from './schemas';
import { toRecord, type CourseRecord } from './serialize';
import { VARIABLE_NAMES, type CourseValues, type VariableName } from './variables';

/** The checks and refusals shared by the course service's operations. */

/** Everything a course operation needs to know about its caller. */
export interface CourseScope { db: Knex; cprKey: Buffer; user: CurrentUser; actor: Actor; lang: Lang }

/** The message of an issue: the service's own codes (courses.service.*) or the dictionary's. */
export function courseIssueMessage(i: Issue, lang: Lang): string {
  const key = `courses.service.${i.code}`;
  return hasKey(key) ? t(lang, key, i.params ?? {}) : issueMessage(i, lang);
}

/** A refused save: `fields` holds one message per variable; `inapplicable` the values the form offers to clear. */
export class CourseValidationError extends Invalid {
  constructor(readonly issues: Issue[], readonly inapplicable: VariableName[], lang: Lang) {
    super(CourseValidationError.fieldsOf(issues, lang));
  }

  static fieldsOf(issues: Issue[], lang: Lang): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const i of issues) {
      const key = i.variable ?? '_';
      fields[key] ??= courseIssueMessage(i, lang);
    }
    return fields;
  }
}

export const notFound = (id: number) => new NotFound({ entity: 'course', entityId: id });

export function municipalityOf(cs: CourseScope): string {
  if (cs.user.scope.kind !== 'municipality') throw new Forbidden();
  return cs.user.scope.code;
}

/** Input issues (unreadable values) win over the whole-course errors at the same variable. */
export function validateOrThrow(cs: CourseScope, values: CourseValues, inputIssues: Issue[], existing: boolean,
  inapplicable: VariableName[]): void {
  const { errors } = validateCourseInput(values, inputIssues, { today: today(), existing });
  if (errors.length) throw new CourseValidationError(errors, inapplicable, cs.lang);
}

export function showDate(iso: string, lang: Lang): string {
  return lang === 'da' ? formatDateDanish(iso) : iso;
}

export async function refuseDuplicateExternalId(trx: Knex.Transaction, cs: CourseScope, municipality: string,
  externalId: unknown, exceptId?: number): Promise<void> {
  if (typeof externalId !== 'string') return;
  const other = await q.courseIdByExternalId(trx, municipality, externalId, exceptId);
  if (other === undefined) return;
  const message = t(cs.lang, 'courses.service.duplicate_external_id', { external_id: externalId, id: other });
  throw new Conflict('duplicate_external_id', message, { external_id: message });
}

export async function refuseOverlap(trx: Knex.Transaction, cs: CourseScope, patientId: number, values: CourseValues,
  exceptId?: number): Promise<void> {
  const other = firstOverlapping(values, await q.patientCourses(trx, patientId, exceptId));
  if (!other) return;
  const span = occupiedDays(other)!;
  const kind = span.to === null ? 'overlap_open' : span.to === span.from && other.end_date == null ? 'overlap_single' : 'overlap_closed';
  const message = t(cs.lang, `courses.service.${kind}`, {
    id: other.id, from: showDate(span.from, cs.lang), to: span.to ? showDate(span.to, cs.lang) : '',
  });
  throw new Conflict('overlap', message, { referral_date: message });
}

/** The course of the caller's scope as stored: 404 outside it. */
export async function stored(db: Knex | Knex.Transaction, cs: CourseScope, id: number): Promise<CourseRecord> {
  return (await storedWithRow(db, cs, id)).record;
}

/** As stored(), with the row it was read from (so a save can build the saved record without reading it again). */
export async function storedWithRow(db: Knex | Knex.Transaction, cs: CourseScope, id: number):
  Promise<{ row: q.CourseRow; record: CourseRecord }> {
  const row = await q.findCourse(db, cs.user.scope, id);
  if (!row) throw notFound(id);
  return { row, record: toRecord(row, cs.cprKey) };
}

/** Audit-safe values: everything but the CPR (a patient is named by patient_id). */
export function auditValues(values: CourseValues): Partial<Record<VariableName, unknown>> {
  const out: Partial<Record<VariableName, unknown>> = {};
  for (const name of VARIABLE_NAMES) if (name !== 'cpr' && values[name] != null) out[name] = values[name];
  return out;
}

export function courseAudit(action: string, record: { id: number; patient_id: number; municipality_code?: unknown }, detail?: unknown): AuditEntry {
  return {
    action, entity: 'course', entityId: record.id, patientId: record.patient_id,
    municipalityCode: String(record.municipality_code), detail,
  };
}

/** Saves that lose an optimistic-locking race, or carry an old version, get the course as stored. */
export function versionConflict(current: CourseRecord, lang: Lang): Conflict {
  return new Conflict('version_conflict', t(lang, 'errors.version_conflict'), {}, current);
}

export async function insertOrConflict<T>(cs: CourseScope, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!q.isUniqueViolation(err)) throw err;
    // A concurrent save took the external_id between our check and the write.
    const message = t(cs.lang, 'errors.duplicate_external_id');
    throw new Conflict('duplicate_external_id', message, { external_id: message });
  }
}


/** A change or annulment sent without the version it was made on (or with an unreadable one). */
export function missingVersion(cs: CourseScope, inputIssues: Issue[] = []): CourseValidationError {
  const sent = inputIssues.find((i) => i.variable === 'version');
  return new CourseValidationError([sent ?? { variable: 'version', code: 'version_required' }], [], cs.lang);
}

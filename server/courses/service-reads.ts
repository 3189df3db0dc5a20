import { recordAudit } from '../audit/record';
import { addDays, daysBetween, today } from '../time';
import type { CourseState } from './completeness';
import type { VariableName } from './variables';
import { cprLookupHash } from '../patients';
import * as q from './queries';
import { toRecord, type CourseRecord } from './serialize';
import { courseAudit, stored, type CourseScope } from './service-core';

/** Reads of patient-level data: each course read and each patient in a list is one audit row. */

/** One course by id (annulled ones too); 404 outside the scope. Audited as one course_read. */
export async function getCourse(cs: CourseScope, id: number): Promise<CourseRecord> {
  const record = await stored(cs.db, cs, id);
  await recordAudit(cs.db, cs.actor, courseAudit('course_read', record));
  return record;
}

export interface CourseListFilter {
  state?: CourseState; year?: number; diagnosis_group?: string; q?: string; cpr?: string; page?: number;
}

/** One audit row per patient shown, naming the courses shown of that patient. */
async function auditShown(cs: CourseScope, view: string, records: CourseRecord[]): Promise<void> {
  const byPatient = new Map<number, CourseRecord[]>();
  for (const r of records) byPatient.set(r.patient_id, [...(byPatient.get(r.patient_id) ?? []), r]);
  await recordAudit(cs.db, cs.actor, ...[...byPatient.values()].map((rs) => ({
    ...courseAudit('course_list', rs[0], { view, course_ids: rs.map((r) => r.id) }), entityId: null,
  })));
}

/** The scope's non-annulled courses, 50 a page, newest referral first then highest id. */
export async function listCourses(cs: CourseScope, f: CourseListFilter):
  Promise<{ items: CourseRecord[]; page: number; page_size: number; total: number }> {
  const page = Number.isInteger(f.page) && f.page! > 0 ? f.page! : 1;
  const { rows, total } = await q.listCourseRows(cs.db, cs.user.scope, {
    state: f.state, year: f.year, diagnosis_group: f.diagnosis_group, q: f.q,
    cprHash: f.cpr ? cprLookupHash(cs.cprKey, f.cpr) : undefined,
  }, page);
  const items = rows.map((r) => toRecord(r, cs.cprKey));
  await auditShown(cs, f.cpr || f.q ? 'search' : 'list', items);
  return { items, page, page_size: q.PAGE_SIZE, total };
}

export type WorklistItem = CourseRecord & { days_since_referral: number; overdue: boolean };

/** Referred courses not started this many days after referral are overdue. */
export const OVERDUE_DAYS = 14;

export interface WorklistFilter { state?: CourseState; missing?: VariableName; overdue?: boolean; page?: number }

/** Referred courses referred on or before this date are overdue today. */
function overdueOn(): string {
  return addDays(today(), -OVERDUE_DAYS);
}

/**
 * The worklist: incomplete, non-annulled courses, 50 a page, overdue referrals first and then by referral_date, with
 * days since referral and the overdue mark; filtered by state, a missing variable, or overdue only.
 */
export async function worklist(cs: CourseScope, f: WorklistFilter = {}):
  Promise<{ items: WorklistItem[]; page: number; page_size: number; total: number }> {
  const now = today();
  const cutoff = overdueOn();
  const page = Number.isInteger(f.page) && f.page! > 0 ? f.page! : 1;
  const { rows, total } = await q.worklistRows(cs.db, cs.user.scope, { ...f, overdueOn: cutoff }, page);
  const items = rows.map((row) => {
    const r = toRecord(row, cs.cprKey);
    const days = daysBetween(r.referral_date as string, now);
    return { ...r, days_since_referral: days, overdue: r.state === 'referred' && (r.referral_date as string) <= cutoff };
  });
  await auditShown(cs, 'worklist', items);
  return { items, page, page_size: q.PAGE_SIZE, total };
}

/** What needs action in the scope (the start page): incomplete courses and overdue referrals. Counts only: not audited. */
export async function worklistCounts(cs: CourseScope): Promise<{ incomplete: number; overdue: number }> {
  return q.worklistCounts(cs.db, cs.user.scope, overdueOn());
}


import type { Knex } from 'knex';
import type { Scope } from '../access';
import { recordAudit, type Actor } from '../audit/record';
import {
  annulSystemCourse, courseIssueMessage, type CourseRecord, type CourseValues, insertSystemCourse,
  patientAndOverlaps, readCourse, registeredValues, type Sources, updateSystemCourse, validateCourse,
  type VariableName,
} from '../courses';
import type { Lang } from '../i18n';
import { t } from '../i18n';
import { today } from '../time';
import type { ReferralDerivation } from './derive';
import { at, type Finding } from './findings';
import { together } from './linked';
import { reconcile, type Reconciled } from './reconcile';

/** One referral's course: created, adopted, updated, left unchanged or annulled (fhir.md "Created, adopted or refused"). */

export interface ApplyContext {
  trx: Knex.Transaction;
  cprKey: Buffer;
  scope: Scope;
  municipality: string;
  userId: number;
  actor: Actor;
  lang: Lang;
  cpr: string;
  postgres: boolean;
  audit: { timestamp: string; sha256: string };
}

export interface CourseAction { action: 'create' | 'update' | 'unchanged'; id: number; fhir_referral_id: string | null; variables: string[]; patientId: number }

const REFERRAL_VARS: VariableName[] = ['cpr', 'referral_date', 'diagnosis_group'];

async function audit(ctx: ApplyContext, course: { id: number; patient_id: number }, before: CourseValues, r: Reconciled,
  extra: Record<string, unknown> = {}): Promise<void> {
  const changes = Object.fromEntries(r.changed.filter((v) => v !== 'cpr').map((v) => [v, {
    old: before[v] ?? null, new: r.values[v] ?? null, source: r.sources[v] ?? null,
  }]));
  await recordAudit(ctx.trx, ctx.actor, {
    action: 'fhir_import', entity: 'course', entityId: course.id, patientId: course.patient_id, municipalityCode: ctx.municipality,
    detail: { bundle_timestamp: ctx.audit.timestamp, sha256: ctx.audit.sha256, changes, ...extra },
  });
}

const sameWaiting = (a: Record<string, unknown>, b: Record<string, unknown>) => JSON.stringify(a) === JSON.stringify(b);

/** Lay a referral's derived values over a linked course. */
async function updateLinked(ctx: ApplyContext, course: CourseRecord, ref: ReferralDerivation, findings: Finding[],
  link?: string): Promise<CourseAction> {
  const before = registeredValues(course);
  const r = reconcile(before, course.sources, ref.values, ctx.lang);
  findings.push(...r.findings);
  const sorChanged = (course.referral_sor ?? null) !== (ref.referralSor ?? null);
  const base = { id: course.id, fhir_referral_id: link ?? course.fhir_referral_id, patientId: course.patient_id };
  if (!link && !r.changed.length && !sorChanged && sameWaiting(course.fhir_waiting, r.waiting)) {
    return { ...base, action: 'unchanged', variables: [] };
  }
  // The audit row waits on nothing of the update (another table; a failed update rolls both back): sent with it.
  const [ok] = await together(updateSystemCourse(ctx.trx, course, { values: r.values, sources: r.sources, userId: ctx.userId },
    { referral_sor: ref.referralSor, fhir_waiting: r.waiting, ...(link ? { fhir_referral_id: link } : {}) }),
  audit(ctx, course, before, r, link ? { linked: link } : {}));
  if (!ok) throw new Error('course changed during a locked bundle');
  const variables = [...r.changed, ...(sorChanged ? ['referral_sor'] : [])];
  return { ...base, action: 'update', variables };
}

/** A cardiac referral without a course: not created, adopted, refused (409 overlap) or created. */
async function createOrAdopt(ctx: ApplyContext, ref: ReferralDerivation, findings: Finding[]): Promise<CourseAction | null> {
  const base: CourseValues = {
    cpr: ctx.cpr, municipality_code: ctx.municipality, referral_date: ref.values.referral_date!, diagnosis_group: ref.values.diagnosis_group!,
  };
  const refused = validateCourse(base, { today: today(), existing: false }).errors.find((e) => REFERRAL_VARS.includes(e.variable as VariableName));
  if (refused) {
    findings.push(at('not_created', null, { ref: ref.referralId, message: courseIssueMessage(refused, ctx.lang) }));
    return null;
  }
  const sources: Sources = { cpr: 'fhir', municipality_code: 'fhir', referral_date: 'fhir', diagnosis_group: 'fhir' };
  const r = reconcile(base, sources, ref.values, ctx.lang);
  const { patientId, overlapping } = await patientAndOverlaps(ctx.trx, ctx.cprKey, ctx.municipality, ctx.cpr, r.values, ctx.postgres);
  if (overlapping.length) {
    const other = overlapping.length === 1 ? await readCourse(ctx.trx, ctx.cprKey, ctx.scope, overlapping[0].id) : undefined;
    if (other && other.fhir_referral_id === null) {
      findings.push(at('linked_existing', null, { id: other.id, ref: ref.referralId }));
      return updateLinked(ctx, other, ref, findings, ref.referralId);
    }
    findings.push(at('overlap', null, { id: overlapping[0].id, ref: ref.referralId }));
    return null;
  }
  findings.push(...r.findings);
  const id = await insertSystemCourse(ctx.trx, { patientId, values: r.values, sources: r.sources, userId: ctx.userId },
    { fhir_referral_id: ref.referralId, referral_sor: ref.referralSor, fhir_waiting: r.waiting });
  await audit(ctx, { id, patient_id: patientId }, {}, { ...r, changed: Object.keys(r.values) as VariableName[] }, { created: true });
  return { action: 'create', id, fhir_referral_id: ref.referralId, variables: Object.keys(r.values).filter((v) => v !== 'cpr'), patientId };
}

/** A referral entered in error or no longer cardiac: annul its course unless a therapist has registered something. */
async function withdraw(ctx: ApplyContext, course: CourseRecord, findings: Finding[]): Promise<CourseAction | null> {
  if (course.annulled) return null;
  if (Object.values(course.sources).includes('manual')) {
    findings.push(at('referral_withdrawn', null, { id: course.id }));
    return { action: 'unchanged', id: course.id, fhir_referral_id: course.fhir_referral_id, variables: [], patientId: course.patient_id };
  }
  const ok = await annulSystemCourse(ctx.trx, course, t('da', 'fhir.annul_reason'), ctx.userId);
  if (!ok) throw new Error('course changed during a locked bundle');
  await recordAudit(ctx.trx, ctx.actor, {
    action: 'fhir_import', entity: 'course', entityId: course.id, patientId: course.patient_id, municipalityCode: ctx.municipality,
    detail: { bundle_timestamp: ctx.audit.timestamp, sha256: ctx.audit.sha256, annulled: true },
  });
  return { action: 'update', id: course.id, fhir_referral_id: course.fhir_referral_id, variables: ['annulled'], patientId: course.patient_id };
}

/** Apply one judged referral; `course` is its linked course as read in this transaction, when it has one. */
export async function applyReferral(ctx: ApplyContext, ref: ReferralDerivation, course: CourseRecord | undefined, findings: Finding[]):
  Promise<CourseAction | null> {
  findings.push(...ref.findings);
  if (!ref.cardiac) return course ? withdraw(ctx, course, findings) : null;
  if (!course) return createOrAdopt(ctx, ref, findings);
  if (course.annulled) {
    findings.push(at('annulled_course', null, { id: course.id }));
    return null;
  }
  return updateLinked(ctx, course, ref, findings);
}

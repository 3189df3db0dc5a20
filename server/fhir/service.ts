import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { CurrentUser } from '../auth/access';
import { recordAudit, type Actor } from '../audit/record';
import { cprLookupHash } from '../patients';
import { coursesByReferralIds, linkedReferralIds } from '../courses';
import { isPostgres, type Db } from '../db/connect';
import type { Lang } from '../i18n';
import { nowIso } from '../time';
import { applyReferral, type ApplyContext, type CourseAction } from './apply';
import { checkBundle, type CheckedBundle } from './check';
import { deriveReferrals, type ReferralDerivation } from './derive';
import { CONFLICTS, at, severityOf, type Finding } from './findings';
import { readJson } from './json';
import { withMunicipalityLock } from './lock';
import * as q from './queries';
import { CITIZEN_TYPE, keptForm, mergeBundle } from './store';

/** One delivery report, all or nothing (fhir.md "Interfaces"). */

export interface ImportContext { db: Db; cprKey: Buffer; lang: Lang }

export interface BundleResult {
  status: 200 | 400 | 404 | 409;
  dryRun: boolean;
  findings: Finding[];
  courses: CourseAction[];
}

class Rollback extends Error {}

const hasErrors = (f: Finding[]) => f.some((x) => severityOf(x.code) === 'error');

/** Check, store and derive one bundle (body bytes) for a therapist of a municipality. */
export async function importBundle(ctx: ImportContext, user: CurrentUser, actor: Actor, body: Buffer,
  opts: { dryRun: boolean }): Promise<BundleResult> {
  const municipality = user.scope.code;
  const sha256 = crypto.createHash('sha256').update(body).digest('hex');
  const result = await decide(ctx, user, actor, body, opts, sha256);
  if (!opts.dryRun) {
    const count = (s: string) => result.findings.filter((f) => severityOf(f.code) === s).length;
    await q.logBundle(ctx.db, {
      municipality_code: municipality, received_at: nowIso(), bundle_timestamp: null, sha256, status: result.status,
      created: result.courses.filter((c) => c.action === 'create').length,
      updated: result.courses.filter((c) => c.action === 'update').length,
      errors: count('error'), warnings: count('warning'), actor_user_id: user.id,
    });
  }
  return result;
}

async function decide(ctx: ImportContext, user: CurrentUser, actor: Actor, body: Buffer, opts: { dryRun: boolean },
  sha256: string): Promise<BundleResult> {
  const parsed = readJson(body);
  const refused = (status: BundleResult['status'], findings: Finding[]): BundleResult =>
    ({ status: opts.dryRun && status !== 404 ? 200 : status, dryRun: opts.dryRun, findings, courses: [] });
  if (!parsed.ok) return refused(400, [parsed.finding]);
  const checked = checkBundle(parsed.value);
  if (!checked.citizenKnown) return refused(400, checked.findings);
  const municipality = user.scope.code;
  if (!await q.isMunicipalitySor(ctx.db, checked.managingSor!, municipality)) {
    await recordAudit(ctx.db, actor, { action: 'fhir_import', entity: 'fhir_bundle', municipalityCode: municipality, detail: { status: 404, sha256 } });
    return { status: 404, dryRun: opts.dryRun, findings: [at('sor_not_municipality', `Bundle.entry[${checked.patientIndex}].resource.managingOrganization.identifier`)], courses: [] };
  }
  if (hasErrors(checked.findings) || !checked.cpr) return refused(400, checked.findings);
  return withMunicipalityLock(municipality, () => applyBundle(ctx, user, actor, checked, opts, sha256));
}

async function applyBundle(ctx: ImportContext, user: CurrentUser, actor: Actor, b: CheckedBundle, opts: { dryRun: boolean },
  sha256: string): Promise<BundleResult> {
  let out: BundleResult | undefined;
  try {
    await ctx.db.transaction(async (trx) => {
      if (isPostgres(ctx.db)) await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['fhir:' + user.scope.code]);
      out = await inTransaction(ctx, trx, user, actor, b, sha256, opts.dryRun);
      if (opts.dryRun || out.status !== 200) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  if (opts.dryRun) out!.status = 200;
  await recordReads(ctx.db, actor, user.scope.code, namedOnly(out!, opts.dryRun || out!.status !== 200));
  return out!;
}

/** The courses the answer names without changing them (all of them in a dry run or a refused bundle). */
function namedOnly(r: BundleResult, nothingWritten: boolean): number[] {
  const ids = new Set<number>();
  for (const c of r.courses) if (c.action === 'unchanged' || (nothingWritten && c.action === 'update')) ids.add(c.id);
  for (const f of r.findings) if (typeof f.params?.id === 'number' && f.code !== 'created') ids.add(f.params.id);
  return [...ids];
}

/** fhir.md "Audit": a read row per course the answer only names. */
async function recordReads(db: Knex, actor: Actor, municipality: string, ids: number[]): Promise<void> {
  if (!ids.length) return;
  const rows = await db('courses').whereIn('id', ids).where('municipality_code', municipality).select('id', 'patient_id');
  await recordAudit(db, actor, ...rows.map((c: { id: number; patient_id: number }) => ({
    action: 'course_read', entity: 'course', entityId: c.id, patientId: c.patient_id, municipalityCode: municipality,
    detail: { via: 'fhir_import' },
  })));
}

async function inTransaction(ctx: ImportContext, trx: Knex.Transaction, user: CurrentUser, actor: Actor, b: CheckedBundle,
  sha256: string, dryRun: boolean): Promise<BundleResult> {
  const municipality = user.scope.code;
  const cprHash = cprLookupHash(ctx.cprKey, b.cpr!);
  const citizenId = cprHash.slice(0, 64);
  if (b.withdrawn) await q.deleteCitizen(trx, municipality, cprHash);
  const keys = [...b.resources.map((r) => `${r.type}/${r.id}`), ...b.external, `${CITIZEN_TYPE}/${citizenId}`];
  const rows = b.withdrawn ? [] : await q.storedRows(trx, municipality, cprHash, keys);
  const merged = mergeBundle(rows, b, cprHash, citizenId);
  const findings: Finding[] = [...b.findings, ...merged.findings];
  if (b.withdrawn) merged.resources.serviceRequests.clear();
  const { referrals, findings: judged } = deriveReferrals(merged.resources, await q.sorLookup(trx));
  findings.push(...judged);
  if (b.withdrawn) referrals.push(...await withdrawnReferrals(trx, ctx.cprKey, municipality, b.cpr!));
  const linked = await coursesByReferralIds(trx, municipality, referrals.flatMap((r) => r.serviceRequestIds));
  const applyCtx: ApplyContext = {
    trx, cprKey: ctx.cprKey, scope: user.scope, municipality, userId: user.id, actor, lang: ctx.lang, cpr: b.cpr!,
    postgres: isPostgres(ctx.db), audit: { timestamp: b.timestamp, sha256 },
  };
  const inBundle = new Map(b.resources.filter((r) => r.type === 'ServiceRequest').map((r) => [r.id, r.index]));
  const courses: CourseAction[] = [];
  for (const ref of referrals) {
    const link = linked.find((l) => ref.serviceRequestIds.includes(l.fhir_referral_id));
    const before = findings.length;
    const action = await applyReferral(applyCtx, ref, link?.id, findings);
    if (action) {
      courses.push(action);
      findings.push({ code: action.action === 'create' ? 'created' : action.action === 'update' ? 'updated' : 'unchanged',
        expression: null, courseId: action.id, fhirReferralId: action.fhir_referral_id, variables: action.variables });
    } else if (!ref.cardiac && ref.serviceRequestIds.some((id) => inBundle.has(id)) && findings.length === before) {
      const index = inBundle.get(ref.serviceRequestIds.find((id) => inBundle.has(id))!);
      findings.push({ ...at('not_cardiac', `Bundle.entry[${index}]`, { ref: ref.referralId }), fhirReferralId: ref.referralId });
    }
  }
  if (!findings.some((f) => ['created', 'updated', 'unchanged', 'not_cardiac'].includes(f.code))) findings.push(at('nothing_to_do', null));
  const status = findings.some((f) => CONFLICTS.has(f.code)) ? 409 : 200;
  if (status === 200 && !dryRun && !b.withdrawn) await persist(trx, municipality, cprHash, citizenId, b, merged, referrals);
  return { status, dryRun, findings, courses };
}

/** Patient.active = false: every linked course of the citizen is judged as a withdrawn referral. */
async function withdrawnReferrals(trx: Knex.Transaction, cprKey: Buffer, municipality: string, cpr: string): Promise<ReferralDerivation[]> {
  const ids = await linkedReferralIds(trx, cprKey, municipality, cpr);
  return ids.map((id) => ({ referralId: id, serviceRequestIds: [id], cardiac: false, values: {}, referralSor: null, findings: [] }));
}

async function persist(trx: Knex.Transaction, municipality: string, cprHash: string, citizenId: string, b: CheckedBundle,
  merged: ReturnType<typeof mergeBundle>, referrals: ReturnType<typeof deriveReferrals>['referrals']): Promise<void> {
  const cardiacSr = new Set(referrals.filter((r) => r.cardiac).flatMap((r) => r.serviceRequestIds));
  const writes: q.ResourceWrite[] = [];
  for (const res of merged.accepted) {
    const data = keptForm(res, merged.resources, cardiacSr, cardiacSr.size > 0);
    if (data !== null) writes.push({ type: res.type, id: res.id, cprHash: res.type === 'Organization' ? null : cprHash, timestamp: b.timestamp, data });
  }
  if (merged.citizenCurrent) writes.push({ type: CITIZEN_TYPE as 'Citizen', id: citizenId, cprHash, timestamp: b.timestamp, data: { deceased: b.deceased } });
  await q.upsertResources(trx, municipality, writes);
}

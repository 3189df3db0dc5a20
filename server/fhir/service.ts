import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { CurrentUser } from '../access';
import { recordAudit, type Actor } from '../audit/record';
import { cprLookupHash } from '../patients';
import { linkedReferralIds, readCourse } from '../courses';
import { isPostgres, type Db } from '../db/connect';
import type { Lang } from '../i18n';
import { nowIso } from '../time';
import { applyReferral, type ApplyContext, type CourseAction } from './apply';
import { checkBundle, type CheckedBundle } from './check';
import { deriveReferrals, type ReferralDerivation, type SorLookup } from './derive';
import { CONFLICTS, at, severityOf, type Finding } from './findings';
import { readJson } from './json';
import { earlyLinked, linkedCourses, namedReferralIds, together } from './linked';
import { withMunicipalityLock } from './lock';
import * as q from './queries';
import { CITIZEN_TYPE, keptForm, mergeBundle } from './store';

/** One delivery report, all or nothing (fhir.md "Interfaces"). */

export interface ImportContext { db: Db; cprKey: Buffer; lang: Lang }

/** The context of one bundle's transaction: the SOR list read before it. */
interface BundleContext extends ImportContext { sor: SorLookup }

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
  const sha256 = crypto.createHash('sha256').update(body).digest('hex');
  const { result, logged } = await decide(ctx, user, actor, body, opts, sha256);
  if (!opts.dryRun && !logged) await q.logBundle(ctx.db, logRow(user, sha256, result));
  return result;
}

/** The bundle log's row (admin page): status and counts of one answer. */
function logRow(user: CurrentUser, sha256: string, r: BundleResult): q.BundleLogRow {
  const count = (s: string) => r.findings.filter((f) => severityOf(f.code) === s).length;
  return {
    municipality_code: user.scope.code, received_at: nowIso(), bundle_timestamp: null, sha256, status: r.status,
    created: r.courses.filter((c) => c.action === 'create').length,
    updated: r.courses.filter((c) => c.action === 'update').length,
    errors: count('error'), warnings: count('warning'), actor_user_id: user.id,
  };
}

interface Decided { result: BundleResult; logged: boolean }

async function decide(ctx: ImportContext, user: CurrentUser, actor: Actor, body: Buffer, opts: { dryRun: boolean },
  sha256: string): Promise<Decided> {
  const parsed = readJson(body);
  const refused = (status: BundleResult['status'], findings: Finding[]): Decided =>
    ({ result: { status: opts.dryRun && status !== 404 ? 200 : status, dryRun: opts.dryRun, findings, courses: [] }, logged: false });
  if (!parsed.ok) return refused(400, [parsed.finding]);
  const checked = checkBundle(parsed.value);
  if (!checked.citizenKnown) return refused(400, checked.findings);
  const municipality = user.scope.code;
  if (!await q.isMunicipalitySor(ctx.db, checked.managingSor!, municipality)) {
    await recordAudit(ctx.db, actor, { action: 'fhir_import', entity: 'fhir_bundle', municipalityCode: municipality, detail: { status: 404, sha256 } });
    return refused(404, [at('sor_not_municipality', `Bundle.entry[${checked.patientIndex}].resource.managingOrganization.identifier`)]);
  }
  if (!checked.cpr) return refused(400, checked.findings);
  // fhir.md "Interfaces": 409 (a conflict with stored data) comes before 400 (any other error), so a bundle with
  // errors is still merged and derived, in a transaction that is rolled back, to find its conflicts.
  // The SOR list as cached for the database (a resolved promise, read again every 30 s), outside the transaction:
  // a transaction's own handle would miss the cache and read both tables at every bundle.
  const sor = await q.sorLookup(ctx.db);
  return withMunicipalityLock(municipality, () => applyBundle({ ...ctx, sor }, user, actor, checked, opts, sha256));
}

/**
 * The bundle in one transaction: committed (with its audit rows and its bundle-log row, so one commit per bundle)
 * only when it is accepted (200) and not a dry run; rolled back otherwise.
 */
async function applyBundle(ctx: BundleContext, user: CurrentUser, actor: Actor, b: CheckedBundle, opts: { dryRun: boolean },
  sha256: string): Promise<Decided> {
  let out: BundleResult | undefined;
  let committed = false;
  try {
    await ctx.db.transaction(async (trx) => {
      if (isPostgres(ctx.db)) await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['fhir:' + user.scope.code]);
      const applied = await inTransaction(ctx, trx, user, actor, b, sha256, opts.dryRun);
      out = applied.result;
      if (opts.dryRun || out.status !== 200) throw new Rollback();
      // The last writes go to different tables and wait on nothing of each other: sent at once.
      await together(q.upsertResources(trx, user.scope.code, applied.writes),
        recordReads(trx, actor, user.scope.code, namedOnly(out, false)), q.logBundle(trx, logRow(user, sha256, out)));
      committed = true;
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  if (opts.dryRun) out!.status = 200;
  if (!committed) await recordReads(ctx.db, actor, user.scope.code, namedOnly(out!, true));
  return { result: out!, logged: committed };
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

/** A bundle judged in its transaction: its answer, and the store's writes to make if it is committed. */
interface Applied { result: BundleResult; writes: q.ResourceWrite[] }

async function inTransaction(ctx: BundleContext, trx: Knex.Transaction, user: CurrentUser, actor: Actor, b: CheckedBundle,
  sha256: string, dryRun: boolean): Promise<Applied> {
  const municipality = user.scope.code;
  const cprHash = cprLookupHash(ctx.cprKey, b.cpr!);
  const citizenId = cprHash.slice(0, 64);
  if (b.withdrawn) await q.deleteCitizen(trx, municipality, cprHash);
  const keys = [...b.resources.map((r) => `${r.type}/${r.id}`), ...b.external, `${CITIZEN_TYPE}/${citizenId}`];
  const named = b.withdrawn ? [] : namedReferralIds(b);
  const [rows, early] = await together(b.withdrawn ? Promise.resolve([]) : q.storedRows(trx, municipality, cprHash, keys),
    earlyLinked(trx, ctx.cprKey, municipality, named));
  const merged = mergeBundle(rows, b, cprHash, citizenId);
  const findings: Finding[] = [...b.findings, ...merged.findings];
  if (b.withdrawn) merged.resources.serviceRequests.clear();
  const { referrals, findings: judged } = deriveReferrals(merged.resources, ctx.sor);
  findings.push(...judged);
  if (b.withdrawn) referrals.push(...await withdrawnReferrals(trx, ctx.cprKey, municipality, b.cpr!));
  const linked = await linkedCourses(trx, ctx.cprKey, municipality, referrals.flatMap((r) => r.serviceRequestIds), named, early);
  const touched = new Set<number>();
  const applyCtx: ApplyContext = {
    trx, cprKey: ctx.cprKey, scope: user.scope, municipality, userId: user.id, actor, lang: ctx.lang, cpr: b.cpr!,
    postgres: isPostgres(ctx.db), audit: { timestamp: b.timestamp, sha256 },
  };
  const inBundle = new Map(b.resources.filter((r) => r.type === 'ServiceRequest').map((r) => [r.id, r.index]));
  const courses: CourseAction[] = [];
  for (const ref of referrals) {
    const link = linked.find((l) => ref.serviceRequestIds.includes(l.fhir_referral_id!));
    // a course this bundle already touched is read again (never written from a stale version)
    const course = link && touched.has(link.id) ? await readCourse(trx, ctx.cprKey, user.scope, link.id) : link;
    const before = findings.length;
    const action = await applyReferral(applyCtx, ref, course, findings);
    if (action) {
      touched.add(action.id);
      courses.push(action);
      findings.push({ code: action.action === 'create' ? 'created' : action.action === 'update' ? 'updated' : 'unchanged',
        expression: null, courseId: action.id, fhirReferralId: action.fhir_referral_id, variables: action.variables });
    } else if (!ref.cardiac && ref.serviceRequestIds.some((id) => inBundle.has(id)) && findings.length === before) {
      const index = inBundle.get(ref.serviceRequestIds.find((id) => inBundle.has(id))!);
      findings.push({ ...at('not_cardiac', `Bundle.entry[${index}]`, { ref: ref.referralId }), fhirReferralId: ref.referralId });
    }
  }
  if (!findings.some((f) => ['created', 'updated', 'unchanged', 'not_cardiac'].includes(f.code))) findings.push(at('nothing_to_do', null));
  const conflict = findings.some((f) => CONFLICTS.has(f.code));
  if (hasErrors(b.findings)) return { result: invalidBundle(b, findings, conflict, dryRun), writes: [] };
  const status = conflict ? 409 : 200;
  const writes = status === 200 && !dryRun && !b.withdrawn ? storeWrites(cprHash, citizenId, b, merged, referrals) : [];
  return { result: { status, dryRun, findings, courses }, writes };
}

/**
 * A bundle with errors of its own is never applied: 409 when reading it against the store also found a conflict,
 * else 400. It lists its own findings and the conflicts, not what its readable part alone would have done to courses.
 */
function invalidBundle(b: CheckedBundle, findings: Finding[], conflict: boolean, dryRun: boolean): BundleResult {
  const conflicts = findings.filter((f) => CONFLICTS.has(f.code));
  return { status: conflict ? 409 : 400, dryRun, findings: [...b.findings, ...conflicts], courses: [] };
}

/** Patient.active = false: every linked course of the citizen is judged as a withdrawn referral. */
async function withdrawnReferrals(trx: Knex.Transaction, cprKey: Buffer, municipality: string, cpr: string): Promise<ReferralDerivation[]> {
  const ids = await linkedReferralIds(trx, cprKey, municipality, cpr);
  return ids.map((id) => ({ referralId: id, serviceRequestIds: [id], cardiac: false, values: {}, referralSor: null, findings: [] }));
}

/** What an accepted bundle writes to the store: its resources in their kept form, and the citizen's flags when current. */
function storeWrites(cprHash: string, citizenId: string, b: CheckedBundle, merged: ReturnType<typeof mergeBundle>,
  referrals: ReturnType<typeof deriveReferrals>['referrals']): q.ResourceWrite[] {
  const cardiacSr = new Set(referrals.filter((r) => r.cardiac).flatMap((r) => r.serviceRequestIds));
  const writes: q.ResourceWrite[] = [];
  for (const res of merged.accepted) {
    const data = keptForm(res, merged.resources, cardiacSr, cardiacSr.size > 0);
    if (data !== null) writes.push({ type: res.type, id: res.id, cprHash: res.type === 'Organization' ? null : cprHash, timestamp: b.timestamp, data });
  }
  if (merged.citizenCurrent) writes.push({ type: CITIZEN_TYPE as 'Citizen', id: citizenId, cprHash, timestamp: b.timestamp, data: { deceased: b.deceased } });
  return writes;
}

import type { Knex } from 'knex';
import { type CurrentUser, whereInScope, whereSentFromScope, type Scope } from '../access';
import { recordAudit, type Actor, type AuditEntry } from '../audit/record';
import { cprLookupHash, encryptCpr } from '../patients';
import { Conflict, Invalid, NotFound } from '../http/errors';
import { t, type Lang } from '../i18n';
import { nowIso, today } from '../time';
import { referralIssues, type ReferralValues } from './referral-rules';
import { rematchGroups, type Group } from './matching';
import { referralJson, valuesOf, type ReferralRow } from './referral-queries';

/** Submission, correction and withdrawal of hospital referrals (pathway.md §3), idempotent by (sor_code, referral_id). */

export interface ReferralCtx { db: Knex; cprKey: Buffer; user: CurrentUser; actor: Actor; lang: Lang }
export type ReferralAction = 'create' | 'update' | 'unchanged' | 'withdraw' | 'skip';
export interface SubmitResult { action: ReferralAction; id: number | null; warnings: { code: string; message: string }[] }

/**
 * What a bulk import looked up once instead of per row: the stored row of the key (null: none), the departments in
 * the user's scope (all, and active ones), the municipalities' `registering_since` (ISO or null), the day the rules
 * judge against (today, taken once per batch); and `defer`, where a create leaves its row (values in
 * INSERT_COLUMNS order), group and audit entry for the import to insert, rematch and audit in bulk.
 */
export interface Prefetched {
  stored: ReferralRow | null;
  departments: { all: Set<string>; active: Set<string> };
  coverage: Map<string, string | null>;
  today?: string;
  defer?: Deferred;
}
export interface Deferred { rows: unknown[][]; groups: Group[]; audits: AuditEntry[] }

/** The columns of a deferred create's row, in order (sor_code and referral_id first: the key). */
export const INSERT_COLUMNS = ['sor_code', 'referral_id', 'municipality_code', 'referral_date', 'discharge_date', 'diagnosis_group',
  'ihd_treatment', 'icd10', 'withdrawn', 'withdrawal_reason', 'cpr_hash', 'cpr_enc', 'version', 'created_at', 'updated_at'] as const;

const COMPARED = ['cpr', 'municipality_code', 'referral_date', 'discharge_date', 'diagnosis_group', 'ihd_treatment',
  'icd10', 'withdrawn', 'withdrawal_reason'] as const;

/** Is the referral covered: the addressee registers here since a date ≤ referral_date? */
async function covered(db: Knex | Knex.Transaction, municipality: string, referralDate: string): Promise<boolean> {
  const m = await db('municipalities').where('code', municipality).first('registering_since');
  const since = m?.registering_since instanceof Date ? localIso(m.registering_since) : m?.registering_since;
  return !!since && String(since).slice(0, 10) <= referralDate;
}

function localIso(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The department code a submission names (a department-scope user may leave it out). */
function sorCodeOf(ctx: ReferralCtx, raw: Record<string, unknown>): string | undefined {
  const given = typeof raw.sor_code === 'string' && raw.sor_code.trim() !== '' ? raw.sor_code.trim() : undefined;
  return given ?? (ctx.user.scope.kind === 'department' ? ctx.user.scope.code : undefined);
}

/**
 * Create or update one referral within the caller's transaction. Raw is a JSON body or a CSV row: absent keys keep
 * the stored value, null/"" un-registers. Throws Invalid (400, fields by variable) or NotFound-free: an unknown or
 * out-of-reach department is a field error (§3).
 */
export async function submitInTrx(trx: Knex.Transaction, ctx: ReferralCtx, raw: Record<string, unknown>, dryRun = false,
  pre?: Prefetched): Promise<SubmitResult> {
  const sorCode = sorCodeOf(ctx, raw);
  const referralId = typeof raw.referral_id === 'string' ? raw.referral_id : undefined;
  const stored = pre ? pre.stored ?? undefined
    : sorCode && referralId ? await trx('referrals').where({ sor_code: sorCode, referral_id: referralId }).first() as ReferralRow | undefined : undefined;
  const base = stored ? { row: stored, values: valuesOf(stored, ctx.cprKey) } : undefined;
  const { values, fields } = await referralIssues(trx, ctx, { ...raw, sor_code: sorCode }, base?.values, pre);
  if (stored && base!.values.withdrawn === 'yes') {
    const same = COMPARED.every((k) => (values[k] ?? null) === (base!.values[k] ?? null));
    if (same) return { action: 'unchanged', id: stored.id, warnings: [] };
    throw new Invalid({ withdrawn: t(ctx.lang, 'pathway.errors.withdrawn') }, t(ctx.lang, 'pathway.errors.withdrawn'));
  }
  if (Object.keys(fields).length) throw new Invalid(fields, Object.values(fields)[0]);
  if (!stored) return create(trx, ctx, values, dryRun, pre);
  const changed = COMPARED.filter((k) => (values[k] ?? null) !== (base!.values[k] ?? null));
  if (changed.length === 0) return { action: 'unchanged', id: stored.id, warnings: [] };
  if (dryRun) return { action: values.withdrawn === 'yes' ? 'withdraw' : 'update', id: stored.id, warnings: [] };
  return update(trx, ctx, stored, base!.values, values, changed);
}

async function create(trx: Knex.Transaction, ctx: ReferralCtx, v: ReferralValues, dryRun: boolean, pre?: Prefetched): Promise<SubmitResult> {
  const isCovered = pre ? (pre.coverage.get(v.municipality_code!) ?? null) !== null && pre.coverage.get(v.municipality_code!)! <= v.referral_date!
    : await covered(trx, v.municipality_code!, v.referral_date!);
  if (!isCovered) {
    return { action: 'skip', id: null, warnings: [{ code: 'not_covered', message: t(ctx.lang, 'pathway.errors.not_covered') }] };
  }
  const action: ReferralAction = v.withdrawn === 'yes' ? 'withdraw' : 'create';
  if (dryRun) return { action, id: null, warnings: [] };
  const now = nowIso();
  const hash = cprLookupHash(ctx.cprKey, v.cpr!);
  // columns() gives a fresh object: completed in place, as a spread into a literal of 15 keys costs a bulk import ~8 µs a row
  const row = Object.assign(columns(v), { cpr_hash: hash, cpr_enc: encryptCpr(ctx.cprKey, v.cpr!), version: 1, created_at: now, updated_at: now });
  if (pre?.defer) {
    pre.defer.rows.push(INSERT_COLUMNS.map((c) => row[c]));
    pre.defer.groups.push({ municipality_code: v.municipality_code!, cpr_hash: hash });
    pre.defer.audits.push({ action: 'referral_create', entity: 'referral', municipalityCode: v.municipality_code, recordScope: v.sor_code,
      detail: { patient_key: hash, values: auditValues(v) } });
    return { action, id: null, warnings: [] };
  }
  const [r] = await trx('referrals').insert(row).returning('id');
  const id = typeof r === 'object' ? r.id : r;
  await rematchGroups(trx, [{ municipality_code: v.municipality_code!, cpr_hash: hash }]);
  await recordAudit(trx, ctx.actor, { action: 'referral_create', entity: 'referral', entityId: id, municipalityCode: v.municipality_code,
    recordScope: v.sor_code, detail: { patient_key: hash, values: auditValues(v) } });
  return { action, id, warnings: [] };
}

function columns(v: ReferralValues): Record<string, unknown> {
  return {
    sor_code: v.sor_code, referral_id: v.referral_id, municipality_code: v.municipality_code, referral_date: v.referral_date,
    discharge_date: v.discharge_date ?? null, diagnosis_group: v.diagnosis_group, ihd_treatment: v.ihd_treatment ?? null,
    icd10: v.icd10 ?? null, withdrawn: v.withdrawn === 'yes', withdrawal_reason: v.withdrawal_reason ?? null,
  };
}

function auditValues(v: ReferralValues): Record<string, unknown> {
  const { cpr: _cpr, ...rest } = v;
  return rest;
}

async function update(trx: Knex.Transaction, ctx: ReferralCtx, stored: ReferralRow, old: ReferralValues, v: ReferralValues,
  changed: readonly string[]): Promise<SubmitResult> {
  const hash = cprLookupHash(ctx.cprKey, v.cpr!);
  const row: Record<string, unknown> = { ...columns(v), version: stored.version + 1, updated_at: nowIso() };
  if (changed.includes('cpr')) Object.assign(row, { cpr_hash: hash, cpr_enc: encryptCpr(ctx.cprKey, v.cpr!) });
  await trx('referrals').where('id', stored.id).update(row);
  const groups: Group[] = [{ municipality_code: stored.municipality_code, cpr_hash: stored.cpr_hash }, { municipality_code: v.municipality_code!, cpr_hash: hash }];
  await rematchGroups(trx, groups);
  const withdraw = v.withdrawn === 'yes';
  await recordAudit(trx, ctx.actor, { action: withdraw ? 'referral_withdraw' : 'referral_update', entity: 'referral', entityId: stored.id,
    municipalityCode: v.municipality_code, recordScope: v.sor_code, detail: {
      version: stored.version + 1,
      changes: Object.fromEntries(changed.map((k) => k === 'cpr'
        ? ['patient_key', { old: stored.cpr_hash, new: hash }]
        : [k, { old: old[k as keyof ReferralValues] ?? null, new: v[k as keyof ReferralValues] ?? null }])),
    } });
  return { action: withdraw ? 'withdraw' : 'update', id: stored.id, warnings: [] };
}

/** POST /api/v1/referrals: one submission in its own transaction. */
export async function submitReferral(ctx: ReferralCtx, raw: Record<string, unknown>): Promise<SubmitResult> {
  return ctx.db.transaction((trx) => submitInTrx(trx, ctx, raw));
}

/** Withdraw by id with a reason at the stored version: 404 out of reach, 409 stale, 400 already withdrawn or bad input. */
export async function withdrawReferral(ctx: ReferralCtx, id: number, reason: unknown, version: unknown): Promise<number> {
  return ctx.db.transaction(async (trx) => {
    const row = await referralInReach(trx, ctx.user.scope, id);
    if (!row) throw new NotFound({ entity: 'referral', entityId: id });
    if (typeof version !== 'number' || !Number.isInteger(version)) throw new Invalid({ version: t(ctx.lang, 'pathway.errors.version') });
    if (row.version !== version) throw new Conflict('version_conflict', t(ctx.lang, 'pathway.errors.version_conflict'), {}, referralJson(row, ctx.cprKey, false));
    if (row.withdrawn) throw new Invalid({ withdrawn: t(ctx.lang, 'pathway.errors.withdrawn') }, t(ctx.lang, 'pathway.errors.withdrawn'));
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (why.length > 200) throw new Invalid({ reason: t(ctx.lang, 'pathway.errors.reason_long') });
    await trx('referrals').where('id', id).update({ withdrawn: true, withdrawal_reason: why || null, version: version + 1, updated_at: nowIso() });
    await rematchGroups(trx, [{ municipality_code: row.municipality_code, cpr_hash: row.cpr_hash }]);
    await recordAudit(trx, ctx.actor, { action: 'referral_withdraw', entity: 'referral', entityId: id, municipalityCode: row.municipality_code,
      recordScope: row.sor_code, detail: { version: version + 1, reason: why || null } });
    return id;
  });
}

/**
 * One referral within reach (pathway.md §2): a municipality reads those addressed to it while covered or withdrawn
 * no matter; a hospital user those sent from its scope. Undefined otherwise.
 */
export async function referralInReach(db: Knex | Knex.Transaction, scope: Scope, id: number): Promise<ReferralRow | undefined> {
  const q = db('referrals').where('referrals.id', id);
  if (scope.kind === 'municipality') whereInScope(q, scope, 'referrals.municipality_code');
  else whereSentFromScope(q, scope, 'referrals.sor_code');
  return q.first('referrals.*');
}

export { today };

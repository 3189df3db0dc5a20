import type { Knex } from 'knex';
import { whereSentFromScope } from '../access';
import { type CourseValues, issueMessage, parseCourseInput, validateCourseVariables } from '../courses';
import { t } from '../i18n';
import { today } from '../time';
import type { ReferralCtx } from './referrals';

/** The referral record's rules (pathway.md §3): the dictionary's where it applies, the referral's own beside them. */

export interface ReferralValues {
  sor_code?: string; referral_id?: string; cpr?: string; municipality_code?: string; referral_date?: string;
  discharge_date?: string | null; diagnosis_group?: string; ihd_treatment?: string | null; icd10?: string | null;
  withdrawn?: 'yes' | 'no'; withdrawal_reason?: string | null;
}

/** Variables taken from the course dictionary (parsed and checked by its schemas). */
const DICTIONARY = ['cpr', 'municipality_code', 'referral_date', 'discharge_date', 'diagnosis_group', 'ihd_treatment', 'icd10'] as const;
const OWN = ['sor_code', 'referral_id', 'withdrawn', 'withdrawal_reason'] as const;
export const REFERRAL_VARIABLES = [...OWN.slice(0, 2), ...DICTIONARY, ...OWN.slice(2)] as const;
const OUTPUT_ONLY = ['id', 'version', 'birth_date', 'sex', 'hospital_name', 'status', 'age_days', 'course_id'];

const empty = (v: unknown): boolean => v === null || v === '';

/** What a bulk import looked up once: the departments in the user's scope (all, and active) and the day to judge against. */
export interface KnownForRules { departments: { all: Set<string>; active: Set<string> }; today?: string }

/**
 * Parse `raw` over `base` (the stored values; absent keys keep them, null/"" un-registers) and validate the whole
 * resulting record. Returns the values and Danish messages by variable (empty when valid).
 */
export async function referralIssues(db: Knex | Knex.Transaction, ctx: ReferralCtx, raw: Record<string, unknown>,
  base: ReferralValues | undefined, known?: KnownForRules): Promise<{ values: ReferralValues; fields: Record<string, string> }> {
  const fields: Record<string, string> = {};
  const dictRaw = Object.fromEntries(Object.entries(raw).filter(([k]) => (DICTIONARY as readonly string[]).includes(k)));
  const parsed = parseCourseInput(dictRaw, typeof raw.referral_date === 'string' || raw.referral_date == null ? 'csv' : 'json');
  const values: ReferralValues = { ...(base ?? {}) };
  for (const k of DICTIONARY) if (k in raw) (values as Record<string, unknown>)[k] = empty(raw[k]) ? null : parsed.values[k] ?? null;
  for (const i of parsed.issues) if (i.variable) fields[i.variable] ??= issueMessage(i, ctx.lang);
  for (const k of Object.keys(raw)) {
    if (OUTPUT_ONLY.includes(k)) fields[k] ??= t(ctx.lang, 'pathway.errors.output_only');
    else if (!(REFERRAL_VARIABLES as readonly string[]).includes(k)) fields[k] ??= t(ctx.lang, 'pathway.errors.unknown_variable');
  }
  ownValues(raw, values, base, fields, ctx);
  if (known) {
    const code = typeof values.sor_code === 'string' ? values.sor_code : '';
    if (!(base ? known.departments.all : known.departments.active).has(code)) fields.sor_code = t(ctx.lang, 'pathway.errors.sor_code');
  } else await checkDepartment(db, ctx, values, base, fields);
  dictionaryRules(values, fields, ctx, known?.today ?? today());
  return { values: stripNulls(values), fields };
}

function ownValues(raw: Record<string, unknown>, v: ReferralValues, base: ReferralValues | undefined, fields: Record<string, string>, ctx: ReferralCtx): void {
  if (typeof raw.sor_code === 'string') v.sor_code = raw.sor_code;
  const id = raw.referral_id;
  // eslint-disable-next-line no-control-regex
  if (typeof id !== 'string' || id.length < 1 || id.length > 64 || /[\u0000-\u001f\u007f]/.test(id)) fields.referral_id = t(ctx.lang, 'pathway.errors.referral_id');
  else v.referral_id = id;
  if ('withdrawn' in raw) {
    const w = raw.withdrawn;
    if (empty(w) || w === undefined) v.withdrawn = base?.withdrawn ?? 'no';
    else if (w === 'yes' || w === 'no') v.withdrawn = w;
    else fields.withdrawn = t(ctx.lang, 'pathway.errors.withdrawn_code');
  }
  v.withdrawn ??= base?.withdrawn ?? 'no';
  if (base?.withdrawn === 'yes' && v.withdrawn === 'no' && !fields.withdrawn) v.withdrawn = 'no';
  if ('withdrawal_reason' in raw) {
    const r = raw.withdrawal_reason;
    if (empty(r)) v.withdrawal_reason = null;
    else if (typeof r !== 'string' || r.length > 200) fields.withdrawal_reason = t(ctx.lang, 'pathway.errors.reason_long');
    else v.withdrawal_reason = r;
  }
  if (v.withdrawal_reason && v.withdrawn !== 'yes') fields.withdrawal_reason ??= t(ctx.lang, 'pathway.errors.reason_not_withdrawn');
}

async function checkDepartment(db: Knex | Knex.Transaction, ctx: ReferralCtx, v: ReferralValues, base: ReferralValues | undefined, fields: Record<string, string>): Promise<void> {
  const code = v.sor_code;
  const q = db('hospitals').where('sor_code', typeof code === 'string' ? code : '');
  if (!base) q.where('active', true);
  const found = code ? await whereSentFromScope(q, ctx.user.scope, 'sor_code').first('sor_code') : undefined;
  if (!found) fields.sor_code = t(ctx.lang, 'pathway.errors.sor_code');
}

function dictionaryRules(v: ReferralValues, fields: Record<string, string>, ctx: ReferralCtx, on: string): void {
  for (const k of ['cpr', 'municipality_code', 'referral_date', 'diagnosis_group'] as const) {
    if (v[k] == null && !fields[k]) fields[k] = issueMessage({ variable: k, code: 'required' }, ctx.lang);
  }
  const course: CourseValues = Object.fromEntries(DICTIONARY.filter((k) => v[k] != null).map((k) => [k, v[k]])) as CourseValues;
  for (const e of validateCourseVariables(course, DICTIONARY, { today: on, existing: false })) {
    if (!e.variable || !(DICTIONARY as readonly string[]).includes(e.variable) || fields[e.variable]) continue;
    if (e.code === 'required' && e.variable === 'ihd_treatment') continue;
    if (e.code === 'required' && v[e.variable as keyof ReferralValues] == null) continue;
    fields[e.variable] = issueMessage(e, ctx.lang);
  }
}

/** The values without null or undefined ones, in the same key order (a loop: a bulk import calls it for every row). */
function stripNulls(v: ReferralValues): ReferralValues {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== null && x !== undefined) out[k] = x;
  }
  return out as ReferralValues;
}

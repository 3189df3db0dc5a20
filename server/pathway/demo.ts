import type { Knex } from 'knex';
import { recordAudit, type Actor } from '../audit/record';
import type { Config } from '../config';
import { cprIssue, cprLookupHash, decryptCpr, encryptCpr } from '../patients';
import { passesModulus11 } from '../demo/generate';
import { invalidateGeography } from '../geography';
import { addDays, nowIso, today } from '../time';
import { rematchAll } from './matching';
import { isoDate } from './referral-queries';

/** Demo referrals (pathway.md §9): matched ones from the demo courses, never-registered ones, open/lost/withdrawn in 751 and 730. */

const DEMO_ACTOR: Actor = { userId: null, email: 'demo-data', scope: null, ip: null };
const MIDT = '1082';
const ACROSS_REGIONS = 'P108401';

interface DemoCourseRow {
  id: number; municipality_code: string; cluster_code: string | null; cpr_enc: string; referral_date: unknown; discharge_date: unknown;
  diagnosis_group: string; ihd_treatment: string | null; icd10: string | null;
}

/** A demo CPR failing modulus 11 (formats.md), born 1950 + n mod 30, from a running number. */
function demoCpr(n: number): string {
  const d = String((n % 28) + 1).padStart(2, '0');
  const m = String((Math.floor(n / 28) % 12) + 1).padStart(2, '0');
  const yy = String(40 + (n % 35)).padStart(2, '0');
  const digits = `${d}${m}${yy}${n % 4}${String(Math.floor(n / 4) % 100).padStart(2, '0')}${n % 10}`;
  return passesModulus11(digits) ? digits.slice(0, 8) + ((Number(digits[8]) + 1) % 10) + digits[9] : digits;
}

/** Set coverage for Midtjylland, then create demo referrals when there are none (DEMO_DATA=1, never in production). */
export async function seedDemoReferralsIfEmpty(db: Knex, config: Config, log: (msg: string) => void, firstYear?: number): Promise<void> {
  if (config.production || !config.demoData) return;
  if (Number((await db('referrals').count({ n: '*' }))[0].n) > 0) return;
  const first = firstYear ?? Number(String(isoDate((await db('courses').min({ d: 'referral_date' }))[0].d) ?? today()).slice(0, 4));
  await db('municipalities').where('region_code', MIDT).update({ registering_since: `${first}-01-01` });
  invalidateGeography(db);
  const hospitals = await db('hospitals').select('sor_code', 'cluster_code').where('active', true).orderBy('sort_order');
  const byCluster = new Map<string, string>();
  for (const h of hospitals) if (h.cluster_code && !byCluster.has(h.cluster_code)) byCluster.set(h.cluster_code, h.sor_code);
  const courses: DemoCourseRow[] = await db('courses').join('patients', 'patients.id', 'courses.patient_id')
    .join('municipalities', 'municipalities.code', 'courses.municipality_code')
    .where({ 'courses.annulled': false, 'courses.referral_source': 'hospital' }).orderBy('courses.id')
    .select('courses.id', 'courses.municipality_code', 'municipalities.cluster_code', 'patients.cpr_enc', 'courses.referral_date',
      'courses.discharge_date', 'courses.diagnosis_group', 'courses.ihd_treatment', 'courses.icd10');
  const rows: Record<string, unknown>[] = [];
  const now = nowIso();
  const on = today();
  const since = `${first}-01-01`;
  const add = (sor: string | undefined, id: string, cpr: string, v: Record<string, unknown>) => {
    const date = String(v.referral_date);
    if (!sor || date < since || date > on || cprIssue(cpr, date)) return;
    rows.push({ sor_code: sor, referral_id: id, cpr_hash: cprLookupHash(config.cprKey, cpr), cpr_enc: encryptCpr(config.cprKey, cpr),
      withdrawn: false, withdrawal_reason: null, course_id: null, version: 1, created_at: now, updated_at: now, ihd_treatment: null, icd10: null,
      discharge_date: null, ...v });
  };
  for (const c of courses) {
    const date = addDays(isoDate(c.referral_date)!, -(c.id % 4));
    const discharge = isoDate(c.discharge_date);
    add(c.id % 50 === 0 ? ACROSS_REGIONS : byCluster.get(c.cluster_code ?? ''), `DEMO-${c.id}`, decryptCpr(config.cprKey, c.cpr_enc), {
      municipality_code: c.municipality_code, referral_date: date, diagnosis_group: c.diagnosis_group, ihd_treatment: c.ihd_treatment,
      icd10: c.icd10, discharge_date: discharge && discharge <= date ? discharge : null,
    });
  }
  unregistered(courses, byCluster, on, since, add);
  for (let i = 0; i < rows.length; i += 200) await db('referrals').insert(rows.slice(i, i + 200));
  const matched = await rematchAll(db);
  await recordAudit(db, DEMO_ACTOR, { action: 'demo_data', entity: 'referral', detail: { referrals: rows.length, matched: matched.matched } });
  log(`demo referrals created: ${rows.length} (${matched.matched} matched to courses)`);
}

type Add = (sor: string | undefined, id: string, cpr: string, v: Record<string, unknown>) => void;

/** Never-registered referrals: about one per ten matched over the years, and 5 open, 5 lost, 1 withdrawn in 751 and 730. */
function unregistered(courses: DemoCourseRow[], byCluster: Map<string, string>, on: string, since: string, add: Add): void {
  let n = 900_000;
  const days = Math.max(1, (Date.parse(on) - Date.parse(since)) / 86_400_000);
  courses.filter((c) => c.id % 10 === 3).forEach((c, i) => {
    n += 1;
    add(byCluster.get(c.cluster_code ?? ''), `DEMO-N${n}`, demoCpr(n), { municipality_code: c.municipality_code,
      referral_date: addDays(since, Math.floor((i * 7919) % days)), diagnosis_group: c.diagnosis_group === 'ihd' ? 'heart_failure' : c.diagnosis_group });
  });
  for (const [municipality, sor] of [['751', 'P108201'], ['730', 'P108203']]) {
    for (let k = 0; k < 11; k += 1) {
      n += 1;
      const age = k < 5 ? 2 + k * 6 : k < 10 ? 35 + (k - 5) * 17 : 50;
      add(sor, `DEMO-N${n}`, demoCpr(n), { municipality_code: municipality, referral_date: addDays(on, -age), diagnosis_group: 'heart_failure',
        ...(k === 10 ? { withdrawn: true, withdrawal_reason: 'Henvist ved en fejl (demo)' } : {}) });
    }
  }
}

import { expect } from 'chai';
import { Readable } from 'node:stream';
import { resolveScope, type CurrentUser } from '../../../server/access';
import { createCourse } from '../../../server/courses/service';
import { isPostgres, type Db } from '../../../server/db/connect';
import { mulberry32 } from '../../../server/demo/generate';
import { IMPORT_BATCH, importReferrals, type ReferralImportReport } from '../../../server/pathway/import';
import { rematchAll } from '../../../server/pathway/matching';
import type { ReferralCtx } from '../../../server/pathway/referrals';
import { addDays } from '../../../server/time';
import { createUser, randomEmail } from '../../helpers/app';
import { freshDb } from '../../helpers/db';
import { CPR_KEY, daysAgo, scopeFor } from '../courses/helpers';

/**
 * Issue 12: the referral import rematches the groups of its created referrals together (every REMATCH_GROUPS, before
 * a batch that updates, at the end) instead of after every batch. Equivalence: the same files imported with a rematch
 * after every batch (rematchGroups 1, the import before the change) and as shipped give the same report, stored
 * referrals, matches and audit rows, on twin databases; and the stored matches equal a recomputation from scratch.
 */

const HEADER = 'sor_code;referral_id;cpr;municipality_code;referral_date;discharge_date;diagnosis_group;ihd_treatment;withdrawn;withdrawal_reason';

interface Twin { db: Db; ctx: ReferralCtx; courses: number[] }

/** The same setup on a fresh database: coverage, a region hospital user, courses of the citizens `cprs` (seeded). */
async function twin(cprs: string[], municipalities: string[]): Promise<Twin> {
  const db = await freshDb();
  await db('municipalities').whereIn('code', municipalities.slice(1)).update({ registering_since: '2020-01-01' }); // the first stays uncovered
  const email = randomEmail('hospital');
  const id = await createUser(db, { email, roles: ['hospital'], scope: '1082' });
  const user: CurrentUser = { id, email, name: email, roles: ['hospital'], scope: (await resolveScope(db, '1082'))!, mustChangePassword: false, via: 'session' };
  const ctx: ReferralCtx = { db, cprKey: CPR_KEY, user, actor: { userId: id, email, scope: '1082', ip: null }, lang: 'da' };
  const rnd = mulberry32(7);
  const courses: number[] = [];
  const scopes = new Map<string, Awaited<ReturnType<typeof scopeFor>>>();
  for (const m of municipalities.slice(1)) scopes.set(m, await scopeFor(db, ['therapist'], m));
  for (const [i, cpr] of cprs.entries()) {
    if (i % 3 !== 0) continue;
    const cs = scopes.get(municipalities[1 + (i % (municipalities.length - 1))])!;
    const c = await createCourse(cs, { cpr, referral_date: addDays(daysAgo(300), Math.floor(rnd() * 80)), referral_source: 'hospital', diagnosis_group: 'heart_failure' });
    courses.push(c.id);
  }
  return { db, ctx, courses };
}

/** A 60-year-old's CPR number, distinct per n. */
const cprOf = (n: number) => `${String((n % 28) + 1).padStart(2, '0')}${String((Math.floor(n / 28) % 12) + 1).padStart(2, '0')}65${String(2000 + Math.floor(n / 336)).padStart(4, '0')}`;

interface FileSpec { rows: number; seed: number; keys?: number; bad?: boolean; withdraw?: boolean }

/**
 * A file of `rows` referrals of few citizens (several per citizen, in different batches), near the courses' dates or
 * not, some to the uncovered municipality; keys drawn from `keys` ids (so a second file updates, withdraws, leaves
 * unchanged); `bad` adds invalid rows and a repeated key.
 */
function file(spec: FileSpec, citizens: string[], municipalities: string[], departments: string[]): string {
  const rnd = mulberry32(spec.seed);
  const lines = [HEADER];
  const used = new Set<string>();
  for (let i = 0; lines.length <= spec.rows; i += 1) {
    const c = Math.floor(rnd() * citizens.length);
    const sor = departments[c % departments.length];
    const id = `R${spec.keys ? Math.floor(rnd() * spec.keys) : i}`;
    if (used.has(sor + id)) continue;
    used.add(sor + id);
    const muni = rnd() < 0.05 ? municipalities[0] : municipalities[1 + (c % (municipalities.length - 1))];
    const date = addDays(daysAgo(300), Math.floor(rnd() * 120) - 20);
    const cpr = spec.bad && i % 53 === 0 ? '123' : citizens[c];
    const withdrawn = spec.withdraw && rnd() < 0.1 ? 'yes' : '';
    const discharge = rnd() < 0.3 ? addDays(date, -Math.floor(rnd() * 5)) : '';
    const diagnosis = rnd() < 0.5 ? 'ihd' : 'heart_failure';
    const treatment = diagnosis === 'ihd' && rnd() < 0.5 ? 'pci' : '';
    lines.push([sor, id, cpr, muni, date, discharge, diagnosis, treatment, withdrawn, withdrawn && rnd() < 0.5 ? 'fejl' : ''].join(';'));
    if (spec.bad && i % 97 === 50) lines.push(lines.at(-1)!); // a repeated key
  }
  return lines.join('\r\n') + '\r\n';
}

/** What an import left: the report, the referrals by key, the matches by key and the audit rows (ids as keys). */
async function outcome(t: Twin, report: ReferralImportReport): Promise<unknown> {
  const refs = await t.db('referrals').orderBy(['sor_code', 'referral_id'])
    .select('id', 'sor_code', 'referral_id', 'cpr_hash', 'municipality_code', 'referral_date', 'discharge_date', 'diagnosis_group', 'ihd_treatment',
      'icd10', 'withdrawn', 'withdrawal_reason', 'version', 'course_id');
  const keyOf = new Map(refs.map((r) => [Number(r.id), `${r.sor_code}/${r.referral_id}`]));
  const audits = await t.db('audit_log').whereLike('action', 'referral%').orderBy('id').select('action', 'entity', 'entity_id', 'municipality_code', 'record_scope', 'detail');
  return {
    report: { ...report, referrals: report.referrals.map((e) => ({ ...e, id: e.id === null ? null : keyOf.get(e.id) })) },
    referrals: refs.map(({ id: _id, ...r }) => ({ ...r, withdrawn: Boolean(r.withdrawn) })),
    audits: audits.map((a) => ({ ...a, entity_id: a.entity_id === null ? null : keyOf.get(Number(a.entity_id)) ?? a.entity_id })),
  };
}

const run = (t: Twin, csv: string, dryRun: boolean, rematchGroups?: number) =>
  importReferrals(t.ctx, t.ctx.actor, Readable.from([Buffer.from(csv)]), 50_000_000, dryRun, { rematchGroups });

describe('referral import: created referrals rematched together (issue 12)', function () {
  this.timeout(600_000);
  const citizens = Array.from({ length: 400 }, (_, i) => cprOf(i));
  let municipalities: string[];
  let departments: string[];
  let perBatch: Twin; // a rematch after every batch
  let shipped: Twin; // REMATCH_GROUPS
  let small: Twin; // a rematch every 700 groups: the threshold met inside the import
  before(async () => {
    const probe = await freshDb();
    municipalities = (await probe('municipalities').where('region_code', '1082').orderBy('code').select('code')).map((r) => r.code as string).slice(0, 6);
    departments = (await probe('hospitals').where({ region_code: '1082', active: true }).orderBy('sor_code').select('sor_code')).map((r) => r.sor_code as string);
    perBatch = await twin(citizens, municipalities);
    shipped = await twin(citizens, municipalities);
    small = await twin(citizens, municipalities);
  });

  const expectSame = async (csv: string, dryRun: boolean) => {
    const old = await outcome(perBatch, await run(perBatch, csv, dryRun, 1));
    expect(await outcome(shipped, await run(shipped, csv, dryRun))).to.deep.equal(old);
    expect(await outcome(small, await run(small, csv, dryRun, 700))).to.deep.equal(old);
    for (const t of [perBatch, shipped, small]) expect((await rematchAll(t.db)).changed).to.equal(0);
    return old as { report: ReferralImportReport };
  };

  it('creates over several batches (citizens in many batches, matches, skips): same outcome; dry run too', async () => {
    const csv = file({ rows: 3 * IMPORT_BATCH + 321, seed: 1 }, citizens, municipalities, departments);
    const dry = await expectSame(csv, true);
    expect(dry.report.created).to.be.greaterThan(3000);
    const { report } = await expectSame(csv, false);
    expect(report.rows).to.equal(3 * IMPORT_BATCH + 321);
    expect(report.errors).to.deep.equal([]);
    expect(report.skipped).to.be.greaterThan(0);
    expect(Number((await shipped.db('referrals').whereNotNull('course_id').count({ n: '*' }))[0].n)).to.be.greaterThan(50);
  });

  it('a second file of known and new keys (updates, CPR corrections, withdrawals, unchanged, creates): same outcome', async () => {
    const csv = file({ rows: 2 * IMPORT_BATCH + 500, seed: 2, keys: 4000, withdraw: true }, citizens, municipalities, departments);
    const { report } = await expectSame(csv, false);
    expect(report.updated + report.withdrawn).to.be.greaterThan(100);
    expect(report.created).to.be.greaterThan(100);
    expect(report.unchanged + report.updated).to.be.greaterThan(0);
  });

  it('the same file again (all unchanged) and a file with invalid rows and a repeated key: same reports, nothing written', async () => {
    const again = file({ rows: 2 * IMPORT_BATCH + 500, seed: 2, keys: 4000, withdraw: true }, citizens, municipalities, departments);
    await expectSame(again, false);
    const { report } = await expectSame(file({ rows: 1500, seed: 3, bad: true }, citizens, municipalities, departments), false);
    expect(report.errors.map((e) => e.column)).to.include.members(['cpr', 'referral_id']);
  });

  it('reads the groups of a 3 000-row import once per municipality, not once per batch and municipality', async () => {
    const t = await twin([], municipalities);
    const reads: string[] = [];
    const listen = (q: { sql: string }) => { if (/from .courses. inner join .patients./i.test(q.sql)) reads.push(q.sql); };
    t.db.on('query', listen);
    const report = await run(t, file({ rows: 3 * IMPORT_BATCH, seed: 4 }, citizens, municipalities, departments), false);
    t.db.off('query', listen);
    expect(report.created).to.be.greaterThan(2500);
    expect(reads.length).to.equal(municipalities.length - 1); // the uncovered one has no created referral
  });

  it('SQLite: sends a batch\'s look-ups of stored keys together (one per department), not one after another', async function () {
    const t = await twin([], municipalities);
    if (isPostgres(t.db)) this.skip(); // node-postgres deprecates queries waiting on a client: one after another there
    const events: string[] = [];
    const stored = (q: { sql: string }) => /from .referrals. where .sor_code. = \? and .referral_id. in/i.test(q.sql);
    const sent = (q: { sql: string }) => { if (stored(q)) events.push('sent'); };
    const answered = (_r: unknown, q: { sql: string }) => { if (stored(q)) events.push('answered'); };
    t.db.on('query', sent).on('query-response', answered);
    const report = await run(t, file({ rows: 600, seed: 5 }, citizens, municipalities, departments), false);
    t.db.off('query', sent).off('query-response', answered);
    expect(report.created).to.be.greaterThan(500);
    expect(departments.length).to.be.greaterThan(2);
    expect(events).to.deep.equal([...departments.map(() => 'sent'), ...departments.map(() => 'answered')]);
  });
});

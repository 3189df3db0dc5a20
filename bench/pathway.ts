/**
 * Pathway bench (not a test), pathway.md / issue 12: COURSES synthetic courses over the 98 municipalities and
 * REFERRALS referrals (one per non-annulled course, matched, and the rest unmatched), then
 *  1. the full pathway for all hospitals and for all municipalities for one year (the service the page and API
 *     use), as a ratio to one raw `count(*) GROUP BY sor_code, municipality_code` over the referrals in the same run;
 *  2. a referral import of IMPORT rows (CSV, one transaction, streamed in batches): time and peak RSS, dry run and
 *     commit, each in a child process that opens the seeded database and imports (importChild below), so the peak
 *     RSS is the importing process's own (getrusage's maxrss), not this process's seeded data plus the import.
 * SQLite in a temporary file by default; BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL (a fresh schema).
 * BENCH_CHILD_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is passed to the importing child.
 * Run: node --expose-gc --import tsx bench/pathway.ts [courses] [referrals] [import rows]
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { toCurrentUser } from '../server/auth';
import { cprIssue } from '../server/patients';
import { demoMunicipalities, insertDemoCourses } from '../server/demo/startup';
import { createDemoUsersIfEmpty } from '../server/demo/users';
import { importReferrals } from '../server/pathway/import';
import { parsePathwayQuery, pathwayRows } from '../server/pathway/results';
import { addDays, nowIso, today } from '../server/time';
import { createDb } from '../server/db/connect';
import { BENCH_PG_URL, freshBenchDb, medianMs } from './lib';

const CHILD = process.argv[2] === '--import-child';
const COURSES = Number(process.argv[2] ?? 200_000);
const REFERRALS = Number(process.argv[3] ?? 220_000);
const IMPORT = Number(process.argv[4] ?? 100_000);
const CPR_KEY = crypto.randomBytes(32);
const mb = (bytes: number) => (bytes / 1048576).toFixed(0) + ' MB';

/** What the importing child process needs: the seeded database, the CPR key, the file, the user and the mode. */
interface ImportJob { url: string; searchPath?: string; cprKey: string; file: string; email: string; dryRun: boolean }
interface ImportFigures { seconds: number; cpuSeconds: number; startRss: number; peakRss: number; created: number; skipped: number; errors: number; firstError?: unknown }

/**
 * The child: open the seeded database, import the file as the user, and print one JSON line of figures. Peak RSS is
 * the kernel's high-water mark of this process (getrusage maxrss), so no spike between samples is missed; it covers
 * the process's whole life (node, tsx, knex, the import), which is what an import process really needs.
 */
async function importChild(job: ImportJob): Promise<void> {
  const db = createDb(job.url, { searchPath: job.searchPath });
  try {
    const userRow = await db('users').where({ email: job.email }).first();
    const user = (await toCurrentUser(db, userRow, 'session'))!;
    const ctx = { db, cprKey: Buffer.from(job.cprKey, 'hex'), user, actor: { userId: user.id, email: user.email, scope: user.scope.code, ip: null }, lang: 'da' as const };
    const startRss = process.memoryUsage().rss;
    const started = performance.now();
    const cpu = process.cpuUsage();
    const report = await importReferrals(ctx, ctx.actor, fs.createReadStream(job.file), Number.MAX_SAFE_INTEGER, job.dryRun);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const figures: ImportFigures = { seconds, cpuSeconds: (used.user + used.system) / 1e6, startRss, peakRss: process.resourceUsage().maxRSS * 1024, created: report.created,
      skipped: report.skipped, errors: report.errors.length, firstError: report.errors[0] };
    console.log(JSON.stringify(figures));
  } finally {
    await db.destroy();
  }
}

/** Run one import in a child process that did not seed; print its time and peak RSS. */
async function measureImport(label: string, job: ImportJob): Promise<ImportFigures> {
  const extra = (process.env.BENCH_CHILD_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...process.execArgv, ...extra, __filename, '--import-child', JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`${label}: the importing child exited with ${code}: ${out}`);
  const f = JSON.parse(out.trim().split('\n').at(-1)!) as ImportFigures;
  console.log(`${label}: ${f.seconds.toFixed(1)} s (this process's CPU ${f.cpuSeconds.toFixed(1)} s), peak RSS ${mb(f.peakRss)} (importing process; ${mb(f.startRss)} before the import began)`);
  console.log(`  created ${f.created}, skipped ${f.skipped}, errors ${f.errors}${f.firstError ? ' first: ' + JSON.stringify(f.firstError) : ''}`);
  return f;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** Referrals straight into the table (the bench's data, not what it measures): matched ones carry their course. */
async function seedReferrals(db: Awaited<ReturnType<typeof freshBenchDb>>['db']): Promise<number> {
  const hospitals = await db('hospitals').select('sor_code', 'region_code').where('active', true);
  const courses = await db('courses').join('patients', 'patients.id', 'courses.patient_id').join('municipalities', 'municipalities.code', 'courses.municipality_code')
    .where('courses.annulled', false).orderBy('courses.id')
    .select('courses.id', 'courses.municipality_code', 'municipalities.region_code', 'patients.cpr_hash', 'patients.cpr_enc', 'courses.referral_date', 'courses.diagnosis_group');
  const now = nowIso();
  let n = 0;
  const batch: Record<string, unknown>[] = [];
  const flush = async () => { for (let i = 0; i < batch.length; i += 50) await db('referrals').insert(batch.slice(i, i + 50)); batch.length = 0; };
  for (let round = 0; n < REFERRALS && round < 3; round += 1) {
    for (const c of courses) {
      if (n >= REFERRALS) break;
      const inRegion = hospitals.filter((h) => h.region_code === c.region_code);
      const sor = (inRegion.length ? inRegion : hospitals)[(c.id + round) % (inRegion.length || hospitals.length)].sor_code;
      const matched = round === 0;
      batch.push({ sor_code: sor, referral_id: `B${round}-${c.id}`, cpr_hash: c.cpr_hash, cpr_enc: c.cpr_enc, municipality_code: c.municipality_code,
        referral_date: addDays(iso(c.referral_date), matched ? -(c.id % 4) : 200 + round), diagnosis_group: c.diagnosis_group,
        withdrawn: false, course_id: matched ? c.id : null, version: 1, created_at: now, updated_at: now });
      n += 1;
      if (batch.length >= 5000) await flush();
    }
  }
  await flush();
  return n;
}

/** A referral CSV of `rows` new citizens to Midtjylland's municipalities from its departments. */
async function writeImportCsv(file: string, rows: number, municipalities: string[], departments: string[]): Promise<void> {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, '\uFEFFsor_code;referral_id;cpr;municipality_code;referral_date;diagnosis_group\r\n');
  const on = today();
  let written = 0;
  for (let i = 0; written < rows; i += 1) {
    const d = String((i % 28) + 1).padStart(2, '0');
    const m = String((Math.floor(i / 28) % 12) + 1).padStart(2, '0');
    const yy = String(30 + (Math.floor(i / 336) % 60)).padStart(2, '0');
    const cpr = `${d}${m}${yy}${String(Math.floor(i / 20160) % 10000).padStart(4, '0')}`;
    const date = addDays(on, -(i % 700) - 1);
    if (cprIssue(cpr, date)) continue;
    fs.writeSync(out, `${departments[i % departments.length]};IMP-${i};${cpr};${municipalities[i % municipalities.length]};${date};ihd\r\n`);
    written += 1;
  }
  fs.closeSync(out);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-bench-pathway-'));
  console.log(`engine: ${BENCH_PG_URL ? 'PostgreSQL' : 'SQLite (file)'}, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const { db, cleanup } = await freshBenchDb(dir);
  try {
    await createDemoUsersIfEmpty(db);
    const t0 = performance.now();
    await insertDemoCourses(db, CPR_KEY, { count: COURSES, municipalityCodes: await demoMunicipalities(db, 'all'), years: 5, seed: 42, today: today() });
    await db('municipalities').update({ registering_since: '2000-01-01' });
    const referrals = await seedReferrals(db);
    await db.raw('ANALYZE');
    console.log(`data: ${(await db('courses').count({ n: '*' }))[0].n} courses, ${referrals} referrals in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    const admin = (await toCurrentUser(db, await db('users').where({ email: 'admin@demo.dk' }).first(), 'session'))!;
    const year = String(Number(today().slice(0, 4)) - 1);
    const raw = await medianMs('raw count(*) GROUP BY sor_code, municipality_code', 9,
      () => db('referrals').select('sor_code', 'municipality_code').count({ n: '*' }).groupBy('sor_code', 'municipality_code'));
    const hosp = await medianMs(`pathway ${year}, every hospital`, 9, () => pathwayRows(db, admin, parsePathwayQuery({ period: year, unit_type: 'hospital' })));
    const muni = await medianMs(`pathway ${year}, every municipality`, 9, () => pathwayRows(db, admin, parsePathwayQuery({ period: year, unit_type: 'municipality' })));
    console.log(`ratio to the raw GROUP BY: hospitals ${(hosp / raw).toFixed(2)}x, municipalities ${(muni / raw).toFixed(2)}x, both ${((hosp + muni) / raw).toFixed(2)}x (goal <= 4x each)`);

    const file = path.join(dir, 'henvisninger.csv');
    const midt = (await db('municipalities').where('region_code', '1082').select('code')).map((r) => r.code as string);
    const departments = (await db('hospitals').where({ region_code: '1082', active: true }).select('sor_code')).map((r) => r.sor_code as string);
    await writeImportCsv(file, IMPORT, midt, departments);
    const job = { url: BENCH_PG_URL ?? 'sqlite:' + path.join(dir, 'bench.sqlite'), searchPath: benchSchema(db), cprKey: CPR_KEY.toString('hex'),
      file, email: 'hospital.midt@demo.dk' };
    await measureImport(`referral import of ${IMPORT} rows (dry run)`, { ...job, dryRun: true });
    await measureImport(`referral import of ${IMPORT} rows (commit)`, { ...job, dryRun: false });
    console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    await cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The PostgreSQL schema freshBenchDb made (its search path), or undefined on SQLite. */
function benchSchema(db: Awaited<ReturnType<typeof freshBenchDb>>['db']): string | undefined {
  const sp = (db.client.config as { searchPath?: string[] }).searchPath;
  return sp?.[0];
}

(CHILD ? importChild(JSON.parse(process.argv[3]) as ImportJob) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * Pathway bench (not a test), pathway.md / issue 12: COURSES synthetic courses over the 98 municipalities and
 * REFERRALS referrals (one per non-annulled course, matched, and the rest unmatched), then
 *  1. the full pathway for all hospitals and for all municipalities for one year (the service the page and API
 *     use), as a ratio to one raw `count(*) GROUP BY sor_code, municipality_code` over the referrals in the same run;
 *  2. a referral import of IMPORT rows (CSV, one transaction, streamed in batches): time and peak RSS, dry run and
 *     commit, each in a child process that opens the seeded database and imports (importChild below), so the peak
 *     RSS is the importing process's own (getrusage's maxrss), not this process's seeded data plus the import.
 * SQLite in a temporary file by default; BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL (a fresh schema).
 * BENCH_CHILD_NODE_OPTIONS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") is passed to the importing child; BENCH_THREADS=1
 * prints its CPU time by thread (Linux: the main thread, libuv's pool where SQLite works, V8's helpers).
 * BENCH_DB=<file> (SQLite) or BENCH_PG_SCHEMA=<name> (PostgreSQL) keeps the seeded database between runs (seeded when
 * empty); the import then runs on a copy of the file (SQLite), or its referrals, their audit rows and matches are
 * undone afterwards (PostgreSQL). BENCH_IMPORT_ONLY=1 skips part 1.
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
import { createDb, type Db, migrate } from '../server/db/connect';
import { rematchGroups, type Group } from '../server/pathway/matching';
import { BENCH_PG_URL, freshBenchDb, medianMs } from './lib';

const CHILD = process.argv[2] === '--import-child';
const COURSES = Number(process.argv[2] ?? 200_000);
const REFERRALS = Number(process.argv[3] ?? 220_000);
const IMPORT = Number(process.argv[4] ?? 100_000);
const KEPT = BENCH_PG_URL ? process.env.BENCH_PG_SCHEMA : process.env.BENCH_DB;
// A kept database's CPR numbers stay readable (and its keyed hashes comparable) across runs under a fixed bench key.
const CPR_KEY = KEPT ? crypto.createHash('sha256').update('hk bench pathway ' + KEPT).digest() : crypto.randomBytes(32);
const mb = (bytes: number) => (bytes / 1048576).toFixed(0) + ' MB';

/** What the importing child process needs: the seeded database, the CPR key, the file, the user and the mode. */
interface ImportJob { url: string; searchPath?: string; cprKey: string; file: string; email: string; dryRun: boolean }
interface ImportFigures { seconds: number; cpuSeconds: number; serverCpuSeconds?: number; startRss: number; peakRss: number; created: number; skipped: number; errors: number; firstError?: unknown }

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
    const serverBefore = await serverCpu(db);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const report = await importReferrals(ctx, ctx.actor, fs.createReadStream(job.file), Number.MAX_SAFE_INTEGER, job.dryRun);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const serverAfter = await serverCpu(db);
    const serverCpuSeconds = serverAfter && [...serverAfter].reduce((sum, [pid, t]) => sum + t - (serverBefore?.get(pid) ?? 0), 0);
    const figures: ImportFigures = { seconds, cpuSeconds: (used.user + used.system) / 1e6, serverCpuSeconds, startRss, peakRss: process.resourceUsage().maxRSS * 1024, created: report.created,
      skipped: report.skipped, errors: report.errors.length, firstError: report.errors[0] };
    if (process.env.BENCH_THREADS) console.error(threadCpu());
    console.log(JSON.stringify(figures));
  } finally {
    await db.destroy();
  }
}

/**
 * PostgreSQL on this machine: CPU seconds so far of each backend of this database by pid (/proc; the import's delta
 * counts backends that started meanwhile whole). Undefined on SQLite or where /proc cannot see the server.
 */
async function serverCpu(db: Db): Promise<Map<number, number> | undefined> {
  if (db.client.config.client !== 'pg') return undefined;
  const { rows } = await db.raw("select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'");
  try {
    return new Map(rows.map((r: { pid: number }) => {
      const stat = fs.readFileSync(`/proc/${r.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [r.pid, (Number(f[11]) + Number(f[12])) / 100];
    }));
  } catch {
    return undefined;
  }
}

/** CPU seconds of the main thread and of the others (Linux /proc): libuv's pool (where SQLite works) and V8's helpers. */
function threadCpu(): string {
  let main = 0;
  const others: number[] = [];
  for (const tid of fs.readdirSync('/proc/self/task')) {
    const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    if (Number(tid) === process.pid) main = ticks;
    else others.push(ticks);
  }
  others.sort((x, y) => y - x);
  return `CPU: main thread ${(main / 100).toFixed(1)} s, other threads ${others.filter((t) => t > 0).map((t) => (t / 100).toFixed(1)).join(' + ')} s`;
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
  const server = f.serverCpuSeconds === undefined ? '' : `, PostgreSQL server's CPU ${f.serverCpuSeconds.toFixed(1)} s`;
  console.log(`${label}: ${f.seconds.toFixed(1)} s (this process's CPU ${f.cpuSeconds.toFixed(1)} s${server}), peak RSS ${mb(f.peakRss)} (importing process; ${mb(f.startRss)} before the import began)`);
  console.log(`  created ${f.created}, skipped ${f.skipped}, errors ${f.errors}${f.firstError ? ' first: ' + JSON.stringify(f.firstError) : ''}`);
  return f;
}

const iso = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** Referrals straight into the table (the bench's data, not what it measures): matched ones carry their course. */
async function seedReferrals(db: Db): Promise<number> {
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

/** The seeded database: a kept one (BENCH_DB / BENCH_PG_SCHEMA, seeded when empty) or a fresh one. */
async function open(dir: string): Promise<{ db: Db; cleanup: () => Promise<void>; keptFile?: string }> {
  const keepFile = BENCH_PG_URL ? undefined : KEPT;
  const keepSchema = BENCH_PG_URL ? KEPT : undefined;
  if (!KEPT) return freshBenchDb(dir);
  if (keepSchema) {
    const admin = createDb(BENCH_PG_URL!, { poolMax: 1 });
    await admin.raw('CREATE SCHEMA IF NOT EXISTS ??', [keepSchema]);
    await admin.destroy();
  }
  const db = keepFile ? createDb('sqlite:' + path.resolve(keepFile)) : createDb(BENCH_PG_URL!, { searchPath: keepSchema });
  await migrate(db);
  return { db, cleanup: () => db.destroy(), keptFile: keepFile && path.resolve(keepFile) };
}

/** Seed the courses and referrals (a kept database that holds courses already is used as it is). */
async function seed(db: Db): Promise<void> {
  const t0 = performance.now();
  if (Number((await db('courses').count({ n: '*' }))[0].n) === 0) {
    await createDemoUsersIfEmpty(db);
    await insertDemoCourses(db, CPR_KEY, { count: COURSES, municipalityCodes: await demoMunicipalities(db, 'all'), years: 5, seed: 42, today: today() });
    await db('municipalities').update({ registering_since: '2000-01-01' });
    await seedReferrals(db);
    await db.raw('ANALYZE');
  }
  const referrals = (await db('referrals').count({ n: '*' }))[0].n;
  console.log(`data: ${(await db('courses').count({ n: '*' }))[0].n} courses, ${referrals} referrals in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

/** Part 1: the pathway's ratio to the raw GROUP BY. */
async function ratios(db: Db): Promise<void> {
  const admin = (await toCurrentUser(db, await db('users').where({ email: 'admin@demo.dk' }).first(), 'session'))!;
  const year = String(Number(today().slice(0, 4)) - 1);
  const raw = await medianMs('raw count(*) GROUP BY sor_code, municipality_code', 9,
    () => db('referrals').select('sor_code', 'municipality_code').count({ n: '*' }).groupBy('sor_code', 'municipality_code'));
  const hosp = await medianMs(`pathway ${year}, every hospital`, 9, () => pathwayRows(db, admin, parsePathwayQuery({ period: year, unit_type: 'hospital' })));
  const muni = await medianMs(`pathway ${year}, every municipality`, 9, () => pathwayRows(db, admin, parsePathwayQuery({ period: year, unit_type: 'municipality' })));
  console.log(`ratio to the raw GROUP BY: hospitals ${(hosp / raw).toFixed(2)}x, municipalities ${(muni / raw).toFixed(2)}x, both ${((hosp + muni) / raw).toFixed(2)}x (goal <= 4x each)`);
}

/** Undo a committed bench import on a kept PostgreSQL schema: its referrals and audit rows, then its groups' matches. */
async function undoImport(db: Db): Promise<void> {
  await db.transaction(async (trx) => {
    const groups: Group[] = await trx('referrals').where('referral_id', 'like', 'IMP-%').distinct('municipality_code', 'cpr_hash');
    await trx.raw('SET LOCAL session_replication_role = replica'); // past audit_log's append-only trigger (the bench's own schema)
    await trx('audit_log').whereIn('action', ['referral_create', 'referral_import', 'referral_import_dry_run']).delete(); // the seed writes none: all are the bench imports'
    await trx('referrals').where('referral_id', 'like', 'IMP-%').delete();
    await trx.raw('SET LOCAL session_replication_role = origin');
    await rematchGroups(trx, groups);
  });
  await db.raw('VACUUM ANALYZE referrals');
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-bench-pathway-'));
  console.log(`engine: ${BENCH_PG_URL ? 'PostgreSQL' : 'SQLite (file)'}, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const { db, cleanup, keptFile } = await open(dir);
  try {
    await seed(db);
    if (BENCH_PG_URL && KEPT && await db('referrals').where('referral_id', 'like', 'IMP-%').first('id')) await undoImport(db); // a run stopped before its undo
    if (!process.env.BENCH_IMPORT_ONLY) await ratios(db);
    const file = path.join(dir, 'henvisninger.csv');
    const midt = (await db('municipalities').where('region_code', '1082').select('code')).map((r) => r.code as string);
    const departments = (await db('hospitals').where({ region_code: '1082', active: true }).select('sor_code')).map((r) => r.sor_code as string);
    await writeImportCsv(file, IMPORT, midt, departments);
    const dbFile = path.join(dir, 'bench.sqlite');
    if (keptFile) {
      await db.raw('PRAGMA wal_checkpoint(TRUNCATE)'); // the copy is the main file alone
      fs.copyFileSync(keptFile, dbFile);
    }
    const job = { url: BENCH_PG_URL ?? 'sqlite:' + dbFile, searchPath: benchSchema(db), cprKey: CPR_KEY.toString('hex'),
      file, email: 'hospital.midt@demo.dk' };
    await measureImport(`referral import of ${IMPORT} rows (dry run)`, { ...job, dryRun: true });
    try {
      await measureImport(`referral import of ${IMPORT} rows (commit)`, { ...job, dryRun: false });
    } finally {
      if (BENCH_PG_URL && KEPT) await undoImport(db);
    }
    console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  } finally {
    await cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The PostgreSQL schema freshBenchDb made (its search path), or undefined on SQLite. */
function benchSchema(db: Db): string | undefined {
  const sp = (db.client.config as { searchPath?: string[] }).searchPath;
  return sp?.[0];
}

(CHILD ? importChild(JSON.parse(process.argv[3]) as ImportJob) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});

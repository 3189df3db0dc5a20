/**
 * Import and submission bench (not a test), issue 9: a course CSV of 100 000 rows imported into an empty
 * installation (one municipality, all-or-nothing in one transaction), then a national submission of those
 * courses. Every product figure is printed beside its physical limit measured in the same run, as a ratio:
 *   - import dry run        ÷ csv-parse alone over the same file;
 *   - import (commit)       ÷ the engine's own bulk load of the rows the import wrote into a fresh, migrated schema
 *                             (SQLite: prepared multi-row INSERTs, as many rows per statement as db/bulk.ts, in one
 *                             transaction; PostgreSQL: COPY through psql's \copy); printed for patients + courses,
 *                             and with the import's audit rows as well;
 *   - submission create     ÷ reading the same rows (courses ⋈ patients, same conditions) once in one query.
 * The two import steps run each in a fresh child process: their peak RSS is that process's maxRSS (the import's
 * own, with the app's modules loaded, without this process's CSV generation, earlier steps or the limits' reads,
 * whose freed heap V8 does not give back), their time the import call alone. SQLite's engine-load limits also run
 * each in a child (timed: the load alone, after reading the rows). The other steps run here.
 * Time, peak RSS (sampled every 25 ms) and the load average are printed for each step. SQLite in a temporary file
 * by default; BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL (fresh schemas, dropped afterwards).
 * Run: node --expose-gc --import tsx bench/import-submission.ts [rows] (with --expose-gc each step starts after a
 * full collection, so its peak is its own).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse';
import type { Knex } from 'knex';
import { resolveScope } from '../server/access';
import { exportColumns, formatCell, type VariableName } from '../server/courses';
import { createDb, isPostgres } from '../server/db/connect';
import { generateDemoCourses } from '../server/demo/generate';
import { createDemoUsersIfEmpty } from '../server/demo/users';
import { rowsPerStatement } from '../server/db/bulk';
import { runImport } from '../server/imports/service';
import { createSubmission } from '../server/submissions/service';
import { toCurrentUser } from '../server/auth';
import { today } from '../server/time';
import { BENCH_PG_URL, freshBenchDb } from './lib';

const ROWS = Number(process.argv[2] ?? 100_000);
const CPR_KEY = crypto.randomBytes(32);
const mb = (bytes: number) => (bytes / 1048576).toFixed(0) + ' MB';
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/** A step's wall time and CPU time (this process, all threads: user + system) in seconds, and its peak RSS. */
interface Step { seconds: number; cpu: number; peak: number }

const cpuSince = (start: NodeJS.CpuUsage) => { const u = process.cpuUsage(start); return (u.user + u.system) / 1e6; };

/** Time and peak RSS of one step, printed with the load average at its end. */
async function measure<T>(label: string, step: () => Promise<T>): Promise<Step & { result: T }> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().rss;
  const before = peak;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 25);
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    const result = await step();
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSince(cpu0);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s  cpu ${cpu.toFixed(2).padStart(6)} s  peak RSS ${mb(peak).padStart(7)} (before ${mb(before)})  load ${load()}`);
    return { seconds, cpu, peak, result };
  } finally {
    clearInterval(timer);
  }
}

function ratio(label: string, product: Step, limit: Step, goal: string): void {
  // CPU only on SQLite, whose engine runs in this process; PostgreSQL's work (and psql's COPY) is not counted here.
  const cpu = BENCH_PG_URL ? '' : `; cpu ${(product.cpu / limit.cpu).toFixed(2)}×`;
  console.log(`  → ${label}: ${(product.seconds / limit.seconds).toFixed(2)}× the limit (goal ${goal}${cpu}), peak RSS ${mb(product.peak)}`);
}

function writeCsv(file: string): number {
  const columns = exportColumns(false);
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, '\uFEFF' + columns.join(';') + '\r\n');
  let n = 0;
  for (const c of generateDemoCourses({ count: ROWS, municipalityCodes: ['751'], years: 10, today: today(), seed: 5 })) {
    const values = { ...c.values, cpr: c.cpr, patient_name: c.patient_name, municipality_code: '751' };
    fs.writeSync(out, columns.map((col) => formatCell(col as VariableName, values[col as VariableName] ?? null)).join(';') + '\r\n');
    n++;
  }
  fs.closeSync(out);
  return n;
}

/** The limit of the dry run: csv-parse alone over the file (records counted, nothing else). */
async function csvParseAlone(file: string): Promise<number> {
  let n = 0;
  for await (const rec of fs.createReadStream(file).pipe(parse({ delimiter: ';', bom: true, relax_column_count: true }))) if (rec) n++;
  return n;
}

/** The limit of the submission: the same courses read once, in one query with the submission's conditions. */
async function readOnce(db: Knex, from: string, to: string): Promise<number> {
  const rows = await db('courses as c').join('patients as p', 'p.id', 'c.patient_id').select('c.*', 'p.cpr_enc', 'p.patient_name')
    .where('c.annulled', false).where('c.municipality_code', '751')
    .where((q) => q.whereBetween('c.end_date', [from, to])
      .orWhere((w) => w.whereNull('c.start_date').whereNotNull('c.not_started_reason').whereBetween('c.referral_date', [from, to])));
  return rows.length;
}

const LOADED = ['patients', 'courses', 'audit_log'] as const;

/** What is loaded of a table: all of it, except that of the audit log only the import's rows, without their ids. */
const SOURCE: Record<string, { where: string; skip?: string }> = {
  patients: { where: 'true' }, courses: { where: 'true' }, audit_log: { where: "action = 'course_create'", skip: 'id' },
};

/**
 * SQLite: the rows of `tables` in `from`, loaded into `to` inside one transaction by prepared multi-row INSERTs (as
 * many rows per statement as db/bulk.ts puts in one, each statement prepared once and run again for every full
 * group of rows): the driver's floor, with none of the product's planning, validation or audit.
 */
async function sqliteLoad(from: Knex, to: Knex, tables: readonly string[]): Promise<() => Promise<void>> {
  const data = new Map<string, { columns: string[]; rows: unknown[][] }>();
  for (const table of tables) {
    const rows: Record<string, unknown>[] = await from(table).select('*').whereRaw(SOURCE[table].where).orderBy('id');
    const columns = Object.keys(rows[0] ?? {}).filter((c) => c !== SOURCE[table].skip);
    data.set(table, { columns, rows: rows.map((r) => columns.map((c) => r[c])) });
  }
  type Stmt = { run(v: unknown[], cb: (e: Error | null) => void): void; finalize(cb: () => void): void };
  type Conn = { run(sql: string, cb: (e: Error | null) => void): void; prepare(sql: string): Stmt };
  const conn = (await to.client.acquireConnection()) as Conn;
  const run = (sql: string) => new Promise<void>((ok, ko) => conn.run(sql, (e) => (e ? ko(e) : ok())));
  const insert = (table: string, columns: string[], n: number) => conn.prepare(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(',')}) VALUES `
    + Array.from({ length: n }, () => `(${columns.map(() => '?').join(',')})`).join(','));
  const step = (stmt: Stmt, rows: unknown[][]) => new Promise<void>((ok, ko) => stmt.run(rows.flat(), (e) => (e ? ko(e) : ok())));
  const done = (stmt: Stmt) => new Promise<void>((ok) => stmt.finalize(ok));
  return async () => {
    await run('BEGIN');
    for (const [table, { columns, rows }] of data) {
      const per = rowsPerStatement(columns.length);
      const full = insert(table, columns, per);
      let i = 0;
      for (; i + per <= rows.length; i += per) await step(full, rows.slice(i, i + per));
      await done(full);
      if (i < rows.length) {
        const rest = insert(table, columns, rows.length - i);
        await step(rest, rows.slice(i));
        await done(rest);
      }
    }
    await run('COMMIT');
    await to.client.releaseConnection(conn);
  };
}

/** PostgreSQL: the rows of `tables` copied out of one schema into CSV files, then COPY'd into the other (psql \copy). */
async function pgLoad(from: Knex, to: Knex, tables: readonly string[], dir: string): Promise<() => Promise<void>> {
  const schema = async (db: Knex) => String((await db.raw('select current_schema() as s')).rows[0].s);
  const [a, b] = [await schema(from), await schema(to)];
  const psql = (...commands: string[]) => execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', BENCH_PG_URL!, ...commands.flatMap((c) => ['-c', c])]);
  const columns = async (t: string) => (await from(t).columnInfo().then(Object.keys)).filter((c) => c !== SOURCE[t].skip).map((c) => `"${c}"`).join(',');
  const lists = new Map<string, string>();
  for (const t of tables) {
    lists.set(t, await columns(t));
    psql(`\\copy (SELECT ${lists.get(t)} FROM "${a}"."${t}" WHERE ${SOURCE[t].where} ORDER BY id) TO '${path.join(dir, t + '.csv')}' CSV`);
  }
  return async () => {
    psql('BEGIN', ...tables.map((t) => `\\copy "${b}"."${t}" (${lists.get(t)}) FROM '${path.join(dir, t + '.csv')}' CSV`), 'COMMIT');
  };
}

/** The engine's own bulk load of what the import wrote (only the import's audit rows), into a fresh schema. */
async function engineLoad(db: Knex, dir: string, tables: readonly string[]): Promise<Step> {
  const sub = fs.mkdtempSync(path.join(dir, 'limit-'));
  const target = await freshBenchDb(sub);
  try {
    await createDemoUsersIfEmpty(target.db); // the same users (same ids) the rows refer to
    const label = `limit: engine bulk load (${tables.join(' + ')})`;
    if (!isPostgres(db)) return await loadInChild(label, path.join(dir, 'bench.sqlite'), path.join(sub, 'bench.sqlite'), tables);
    return await measure(label, await pgLoad(db, target.db, tables, sub));
  } finally {
    await target.cleanup();
  }
}

/**
 * SQLite's limit in a fresh child process, as the import steps: its heap holds only the rows it loads (in this
 * process, after the earlier steps' reads, a 2 GB heap), so the floor is not raised by this process's state.
 */
async function loadInChild(label: string, from: string, to: string, tables: readonly string[]): Promise<Step> {
  const env = { ...process.env, HK_BENCH_STEP: 'load', HK_BENCH_DB: 'sqlite:' + from, HK_BENCH_TARGET: 'sqlite:' + to, HK_BENCH_TABLES: tables.join(',') };
  const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]], { env, maxBuffer: 1 << 20 }).toString();
  const r = JSON.parse(out.trim().split('\n').pop()!) as Step;
  console.log(`${label.padEnd(44)} ${r.seconds.toFixed(2).padStart(7)} s  cpu ${r.cpu.toFixed(2).padStart(6)} s  peak RSS ${mb(r.peak).padStart(7)} (child process, with the rows it loads)  load ${load()}`);
  return r;
}

/** The child's side of loadInChild: read the rows, then time their load alone. */
async function childLoad(): Promise<void> {
  const [from, to] = [createDb(process.env.HK_BENCH_DB!), createDb(process.env.HK_BENCH_TARGET!)];
  try {
    const go = await sqliteLoad(from, to, process.env.HK_BENCH_TABLES!.split(','));
    (globalThis as { gc?: () => void }).gc?.();
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    await go();
    console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, cpu: cpuSince(cpu0), peak: process.resourceUsage().maxRSS * 1024 }));
  } finally {
    await from.destroy();
    await to.destroy();
  }
}

/** What an import step run in a child process reports back (one JSON line on its stdout). */
interface ChildStep extends Step { before: number; rows: number; created: number; errors: number; warnings: number }

/** Where the child finds the bench's database: the SQLite file, or the PostgreSQL schema. */
async function location(db: Knex, dir: string): Promise<string> {
  if (!isPostgres(db)) return 'sqlite:' + path.join(dir, 'bench.sqlite');
  return String((await db.raw('select current_schema() as s')).rows[0].s);
}

/**
 * An import step in a fresh child process (this file, HK_BENCH_STEP set), so that its peak RSS is the import's own
 * (the process's maxRSS: startup included, the CSV generation, the other steps and the limits' reads not); its
 * time is the import call alone. Printed like measure().
 */
async function inChild(label: string, step: 'dry' | 'commit', db: Knex, dir: string, file: string): Promise<ChildStep> {
  const env = { ...process.env, HK_BENCH_STEP: step, HK_BENCH_DB: await location(db, dir), HK_BENCH_FILE: file, HK_BENCH_KEY: CPR_KEY.toString('hex') };
  const out = execFileSync(process.execPath, [...process.execArgv, process.argv[1]], { env, maxBuffer: 1 << 20 }).toString();
  const r = JSON.parse(out.trim().split('\n').pop()!) as ChildStep;
  console.log(`${label.padEnd(44)} ${r.seconds.toFixed(2).padStart(7)} s  cpu ${r.cpu.toFixed(2).padStart(6)} s  peak RSS ${mb(r.peak).padStart(7)} (child process; ${mb(r.before)} before the import)  load ${load()}`);
  return r;
}

/** The child's side: open the bench's database, run one import step, print its figures as JSON. */
async function childStep(step: string): Promise<void> {
  const where = process.env.HK_BENCH_DB!;
  const db = where.startsWith('sqlite:') ? createDb(where) : createDb(BENCH_PG_URL!, { searchPath: where });
  try {
    const therapist = (await toCurrentUser(db, await db('users').where({ email: 'terapeut.aarhus@demo.dk' }).first(), 'session'))!;
    const ctx = { db, cprKey: Buffer.from(process.env.HK_BENCH_KEY!, 'hex'), maxBytes: Number.MAX_SAFE_INTEGER, lang: 'da' as const };
    const actor = { userId: therapist.id, email: therapist.email, scope: '751', ip: null };
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const r = await runImport(ctx, therapist, actor, fs.createReadStream(process.env.HK_BENCH_FILE!), { dryRun: step === 'dry' });
    const seconds = (performance.now() - started) / 1000;
    const cpu = cpuSince(cpu0);
    const peak = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify({ seconds, cpu, peak, before, rows: r.rows, created: r.created, errors: r.errors.length, warnings: r.warnings.length }));
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-bench-import-'));
  const file = path.join(dir, 'forloeb.csv');
  console.log(`engine: ${BENCH_PG_URL ? 'PostgreSQL' : 'SQLite (file)'}, node ${process.version}, ${os.cpus().length} cores, load ${load()}`);
  const rows = writeCsv(file);
  console.log(`file: ${rows} rows, ${mb(fs.statSync(file).size)}`);
  const { db, cleanup } = await freshBenchDb(dir);
  try {
    await createDemoUsersIfEmpty(db);
    const exporter = await db('users').where({ email: 'indberetter.aarhus@demo.dk' }).first();

    const parsed = await measure('limit: csv-parse alone', () => csvParseAlone(file));
    const dry = await inChild('import dry run', 'dry', db, dir, file);
    console.log(`  rows ${dry.rows} (csv-parse: ${parsed.result - 1}), errors ${dry.errors}, warnings ${dry.warnings}`);
    ratio('dry run ÷ csv-parse', dry, parsed, '≤ 4×, ≤ 200 MB');
    const commit = await inChild('import (commit)', 'commit', db, dir, file);
    console.log(`  created ${commit.created}, errors ${commit.errors}`);

    const scope = (await resolveScope(db, '751'))!;
    const year = Number(today().slice(0, 4));
    const [from, to] = [`${year - 9}-01-01`, `${year}-12-31`];
    // The product first: the limit's one read holds every row, and RSS does not shrink back after it.
    const sub = await measure('submission create', () => createSubmission(db, CPR_KEY,
      { userId: exporter.id, email: exporter.email, scope: '751', ip: null }, { from, to, scope }));
    const read = await measure('limit: read the same rows once', () => readOnce(db, from, to));
    console.log(`  record_count ${sub.result.record_count}, excluded ${sub.result.excluded.length} (rows read: ${read.result})`);
    ratio('submission ÷ one read', sub, read, '≤ 5×, memory flat');

    const data = await engineLoad(db, dir, ['patients', 'courses']);
    ratio('import commit ÷ engine load (patients + courses)', commit, data, '≤ 2.5×, ≤ 300 MB');
    const all = await engineLoad(db, dir, LOADED);
    ratio('import commit ÷ engine load (with audit rows)', commit, all, '≤ 2.5×, ≤ 300 MB');
  } finally {
    await cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(process.env.HK_BENCH_STEP === 'load' ? childLoad() : process.env.HK_BENCH_STEP ? childStep(process.env.HK_BENCH_STEP) : main()).catch((err) => {
  console.error(err);
  process.exit(1);
});

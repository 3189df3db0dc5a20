/**
 * Section-save bench (issue 9, not a test): `clients` concurrent API clients, each with its own token and course,
 * save the opstart section over and over (PATCH /api/v1/courses/:id with the version the last save returned),
 * against the physical limit of the same run: the same clients calling GET /api/v1/me (token check, user, roles,
 * no transaction). Prints saves/s and p95 beside the GET's, their ratios (goal: ≥ 0.6 of the GET's rate, p95
 * ≤ 2× its p95) and the load average. Over real HTTP on a local port (keep-alive), so the concurrency is real.
 *
 * Beside each rate: the process's CPU time per request (server and clients, one process; steadier than the rate on
 * a loaded machine), on a local PostgreSQL its backends' CPU time per request, and the SQL statements per request
 * (knex's; explicit COMMITs among them: a statement alone commits itself).
 *
 * Run: npx tsx bench/saves.ts [courses=20000] [clients=20] [seconds=5]
 * BENCH_DATABASE_URL=postgres://… runs it on PostgreSQL (a fresh schema, dropped afterwards).
 * BENCH_CPU_PROFILE=<dir> writes a V8 CPU profile of each phase there (me.cpuprofile, saves.cpuprofile).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import type { Knex } from 'knex';
import { freshBenchDb, BENCH_PG_URL } from './lib';
import { createApp } from '../server/app';
import { issueToken } from '../server/auth/tokens';
import type { Config } from '../server/config';
import { demoMunicipalities, insertDemoCourses } from '../server/demo/startup';
import { createDemoUsersIfEmpty } from '../server/demo/users';
import { createLogger } from '../server/logger';
import { addDays, today } from '../server/time';

const COURSES = Number(process.argv[2] ?? 20_000);
const CLIENTS = Number(process.argv[3] ?? 20);
const SECONDS = Number(process.argv[4] ?? 5);

const config: Config = {
  port: 0, databaseUrl: BENCH_PG_URL ?? 'sqlite::memory:', isPostgres: Boolean(BENCH_PG_URL), sessionSecret: 'bench-session-secret-0123456789abcdef',
  cprKey: Buffer.alloc(32, 7), production: false, nodeEnv: 'test', demoData: false, maxUploadBytes: 50 * 1024 * 1024,
  trustProxy: false, publicUrl: 'http://127.0.0.1', localLogin: true,
};

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS * 2 });

/** One HTTP request on the keep-alive pool; the status and parsed JSON body. */
function call(port: number, method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method, path: url, agent,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try { resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }); } catch { resolve({ status: res.statusCode ?? 0, json: text }); }
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

interface Phase { rate: number; p95: number; count: number; cpuMs: number; pgCpuMs?: number; statements: number; commits: number }

/**
 * PostgreSQL on this machine: the CPU time (ms) its backends serving this bench's database have used so far, by
 * pid (/proc/<pid>/stat utime + stime, in clock ticks of 10 ms): the engine's share of a request, which the
 * process's own CPU time leaves out. Undefined on SQLite or where /proc cannot be read.
 */
async function pgBackendCpu(db: Knex): Promise<Map<number, number> | undefined> {
  if (!config.isPostgres) return undefined;
  const { rows } = await db.raw("select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend'");
  const out = new Map<number, number>();
  for (const { pid } of rows as { pid: number }[]) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10); // utime, stime (fields 14, 15 of stat)
    } catch {
      return undefined;
    }
  }
  return out;
}

function cpuSpent(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number | undefined {
  if (!before || !after) return undefined;
  let ms = 0;
  for (const [pid, t] of after) ms += t - (before.get(pid) ?? 0);
  return ms;
}

/** BENCH_CPU_PROFILE=<dir>: a V8 CPU profile of each phase (server and clients: one process) is written there. */
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;

/** Profiles `work` into PROFILE_DIR/<name>.cpuprofile when BENCH_CPU_PROFILE is set. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(path.join(PROFILE_DIR, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/**
 * Runs `step` in `CLIENTS` loops for SECONDS; requests per second, the p95 latency (ms) and the process's CPU time
 * per request (ms, user + system, server and clients alike: a figure less noisy than the rate on a loaded machine).
 */
async function phase(db: Knex, label: string, step: (client: number) => Promise<void>): Promise<Phase> {
  const pg0 = await pgBackendCpu(db);
  let statements = 0, commits = 0;
  const countStatement = (q: { sql: string }) => { statements += 1; if (/^commit/i.test(q.sql)) commits += 1; };
  db.on('query', countStatement);
  const latencies: number[] = [];
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    while (performance.now() < end) {
      const t = performance.now();
      await step(client);
      latencies.push(performance.now() - t);
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  db.off('query', countStatement);
  const pgMs = cpuSpent(pg0, await pgBackendCpu(db));
  latencies.sort((a, b) => a - b);
  const count = latencies.length;
  const result = {
    rate: count / elapsed, p95: latencies[Math.floor(count * 0.95)], count, cpuMs: (cpu.user + cpu.system) / 1000 / count,
    pgCpuMs: pgMs === undefined ? undefined : pgMs / count, statements: statements / count, commits: commits / count,
  };
  console.log(`${label.padEnd(40)} ${result.rate.toFixed(0).padStart(6)} req/s   p95 ${result.p95.toFixed(1).padStart(6)} ms   `
    + `CPU ${result.cpuMs.toFixed(2)} ms/req${result.pgCpuMs === undefined ? '' : ` + PostgreSQL ${result.pgCpuMs.toFixed(2)}`}   `
    + `${result.statements.toFixed(2)} statements/req (COMMIT ${result.commits.toFixed(2)})   (${count} requests)`);
  return result;
}

/** The opstart section as a form would send it (start_date unchanged, so each save is a plain section save). */
function opstart(start: string, i: number): Record<string, unknown> {
  return {
    start_date: start, smoking_start: 'never', height_cm: 170 + (i % 2), weight_start_kg: 82.5, waist_start_cm: 98,
    bp_sys_start: 140, bp_dia_start: 85, ldl_start: 2.8, hads_a_start: 4, hads_d_start: 3, heartqol_start: 2.15,
    test_type: '6mwt', test_start_value: 420,
  };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-saves-bench-'));
  const { db, cleanup } = await freshBenchDb(dir);
  const server = http.createServer(createApp({ db, config, logger: createLogger('test') }));
  try {
    await createDemoUsersIfEmpty(db, config.cprKey);
    const t0 = performance.now();
    const all = await demoMunicipalities(db, 'all');
    await insertDemoCourses(db, config.cprKey, { count: COURSES, municipalityCodes: all, years: 5, seed: 42, today: today() });
    await db.raw('ANALYZE');
    console.log(`${config.isPostgres ? 'PostgreSQL' : 'SQLite'}: ${COURSES} demo courses in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${CLIENTS} clients, ${SECONDS} s a phase`);

    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const user = await db('users').where('email', 'terapeut.aarhus@demo.dk').first('id');
    const tokens = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => issueToken(db, user.id, null, `bench ${i}`).then((t) => t.token)));
    const start = addDays(today(), -60);
    const versions: number[] = [];
    const ids: number[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const cpr = `${String((i % 28) + 1).padStart(2, '0')}0${(i % 9) + 1}552${String(100 + i).padStart(3, '0')}`;
      const created = await call(port, 'POST', '/api/v1/courses', tokens[i], {
        cpr, referral_date: addDays(today(), -70), referral_source: 'hospital', diagnosis_group: 'heart_failure', start_date: start,
      });
      if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.json)}`);
      ids.push(created.json.id);
      versions.push(created.json.version);
    }
    const saveCount = new Array<number>(CLIENTS).fill(0);
    const save = async (c: number) => {
      const r = await call(port, 'PATCH', `/api/v1/courses/${ids[c]}`, tokens[c], { version: versions[c], ...opstart(start, ++saveCount[c]) });
      if (r.status !== 200) throw new Error(`save: ${r.status} ${JSON.stringify(r.json).slice(0, 300)}`);
      versions[c] = r.json.version;
    };
    const me = async (c: number) => {
      const r = await call(port, 'GET', '/api/v1/me', tokens[c]);
      if (r.status !== 200) throw new Error(`me: ${r.status}`);
    };
    // Warm-up: compiled paths, prepared plans, the page cache.
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => me(c).then(() => save(c))));

    const limit = await profiled('me', () => phase(db, 'GET /api/v1/me (the limit)', me));
    const saves = await profiled('saves', () => phase(db, 'PATCH /api/v1/courses/:id (opstart)', save));
    const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    console.log(`saves/s ÷ GET/s = ${(saves.rate / limit.rate).toFixed(2)} (goal ≥ 0.6);  p95 ÷ GET p95 = ${(saves.p95 / limit.p95).toFixed(2)} (goal ≤ 2);  CPU ÷ GET CPU = ${(saves.cpuMs / limit.cpuMs).toFixed(2)}${
      saves.pgCpuMs === undefined || limit.pgCpuMs === undefined ? '' : ` (with PostgreSQL's: ${((saves.cpuMs + saves.pgCpuMs) / (limit.cpuMs + limit.pgCpuMs)).toFixed(2)})`};  load average ${load} (${os.cpus().length} cores)`);
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await cleanup();
  }
}

main().catch((err) => { console.error(err); process.exit(1); });

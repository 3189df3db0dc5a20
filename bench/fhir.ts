/**
 * FHIR intake bench (not a test): 10 000 delivery reports of 2 000 citizens (5 each: referral, CarePlan with a first
 * session, two reports of more sessions, completion), posted in sequence to POST /api/v1/fhir/Bundle over HTTP with
 * an API token (node:http, one kept-alive connection), round by round across the citizens. Prints reports per second
 * and the p50/p95/max latency, the SQL statements per report (knex `query` events, BEGIN/COMMIT included), the CPU ms
 * per report of this process (server and client, less load-sensitive than wall time) and of its main thread (on
 * PostgreSQL also of the database server's backends of this database), the load average, and the physical limit
 * measured on the same database right after: one-row transactions per second (the commit ceiling: SQLite synchronous=FULL syncs at every commit)
 * and the ratio of reports/s to it. SQLite in a temporary file by default; BENCH_DATABASE_URL=postgres://… runs it
 * on PostgreSQL. Run: npx tsx bench/fhir.ts [citizens]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../server/app';
import { issueToken } from '../server/auth/tokens';
import { createDemoUsersIfEmpty } from '../server/demo/users';
import { importSorList } from '../server/fhir';
import { createLogger } from '../server/logger';
import { testConfig } from '../test/helpers/app';
import {
  carePlan, citizen, encounter, focusCondition, organization, PI, plannedIntervention, referral, report,
} from '../test/helpers/fhir-builder';
import { BENCH_PG_URL, freshBenchDb } from './lib';

const CITIZENS = Number(process.argv[2] ?? 2000);
const SOR = 'sor_code;kind;municipality_code;name\n451000016003;municipality;316;Holbæk Kommune\n391951000016006;hospital;;Holbæk Sygehus\n';

function cprOf(i: number): string {
  const day = 1 + (i % 28), month = 1 + (Math.floor(i / 28) % 12), yy = 40 + (Math.floor(i / 336) % 40);
  return `${String(day).padStart(2, '0')}${String(month).padStart(2, '0')}${yy}${String(1000 + (i % 3000)).slice(-4).replace(/^./, '1')}`;
}

/** The five reports of citizen i. */
function reportsOf(i: number) {
  const p = `pat-${i}`, sr = `sr-${i}`, dx = `dx-${i}`, plan = `plan-${i}`, train = `pt-${i}`, edu = `pe-${i}`;
  const pat = citizen(p, cprOf(i));
  const base = [organization('hosp', '391951000016006'), focusCondition(dx, p, 'DI214'), referral(sr, p, '2025-03-03', { requester: 'hosp', reasons: [dx] })];
  const plans = (done: boolean) => [
    carePlan(plan, p, '2025-03-10', done ? { detail: 'completed', status: 'completed', end: '2025-06-02' } : {}),
    plannedIntervention(train, p, PI.training, '2025-03-10', { plan, referral: sr, detail: done ? 'completed' : 'in-progress' }),
    plannedIntervention(edu, p, PI.education, '2025-03-10', { plan, referral: sr, detail: done ? 'completed' : 'in-progress' }),
  ];
  const sessions = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) =>
    encounter(`enc-${i}-${from + k}`, p, new Date(Date.UTC(2025, 2, 10 + 3 * (from + k))).toISOString().slice(0, 10), train));
  return [
    report('2025-03-04T20:00:00Z', pat, base),
    report('2025-03-11T20:00:00Z', pat, [...base, ...plans(false), ...sessions(1, 1)]),
    report('2025-04-01T20:00:00Z', pat, [...base, ...plans(false), ...sessions(2, 8)]),
    report('2025-05-01T20:00:00Z', pat, [...base, ...plans(false), ...sessions(9, 16)]),
    report('2025-06-02T20:00:00Z', pat, [...base, ...plans(true), ...sessions(17, 22)]),
  ].map((b) => JSON.stringify(b));
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/**
 * POST one body and read the whole answer; its status. node:http on one kept-alive connection, as a care record's
 * sender would hold it: the client runs in this process, and fetch (undici, web streams) cost as much CPU per request
 * as a bare authenticated GET on the server (BENCH_CLIENT=fetch measures with fetch instead).
 */
async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  if (process.env.BENCH_CLIENT === 'fetch') {
    const res = await fetch(url, { method: 'POST', body, headers });
    await res.arrayBuffer();
    return res.status;
  }
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode!));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** CPU ms of the main (JavaScript) thread so far, from /proc on Linux (else NaN): less load-sensitive than the process's. */
function mainThreadCpuMs(): number {
  try {
    const fields = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ 100)
  } catch {
    return NaN;
  }
}

/**
 * CPU ms so far of the PostgreSQL server processes serving this database (its backends, from /proc: the server runs
 * on this machine in the bench), NaN on SQLite or elsewhere: what parsing, planning and running the statements cost
 * the server, which the load of other processes inflates far less than wall time.
 */
async function pgServerCpuMs(db: Awaited<ReturnType<typeof freshBenchDb>>['db']): Promise<number> {
  if (!BENCH_PG_URL) return NaN;
  const { rows } = await db.raw('select pid from pg_stat_activity where datname = current_database()');
  let ms = 0;
  for (const { pid } of rows as { pid: number }[]) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return NaN;
    }
  }
  return ms;
}

/** The physical limit: one-row transactions per second for 3 s on the same database (a scratch table). */
async function commitCeiling(db: Awaited<ReturnType<typeof freshBenchDb>>['db']): Promise<number> {
  await db.schema.createTable('bench_commit', (t) => { t.increments('id'); t.string('at'); });
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 3000) {
    await db.transaction((trx) => trx('bench_commit').insert({ at: new Date().toISOString() }));
    n++;
  }
  const rate = n / ((performance.now() - start) / 1000);
  await db.schema.dropTable('bench_commit');
  return rate;
}

/**
 * PostgreSQL's autovacuum keeps the planner's statistics current as the bench's tables grow from empty. Where it is
 * off (as on this machine's cluster), the planner keeps the statistics of empty tables and filters where it should
 * seek (the store read scanned every ServiceRequest of the municipality): then the bench analyzes between rounds,
 * as autovacuum would. Whether it did is printed.
 */
async function analyzeUnlessAutovacuum(db: Awaited<ReturnType<typeof freshBenchDb>>['db']): Promise<boolean> {
  if (!BENCH_PG_URL) return false;
  const { rows } = await db.raw('show autovacuum');
  if (rows[0].autovacuum === 'on') return false;
  await db.raw('analyze');
  return true;
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-bench-fhir-'));
  const { db, cleanup } = await freshBenchDb(dir);
  await createDemoUsersIfEmpty(db);
  await importSorList(db, { userId: null, email: 'bench', scope: null, ip: null }, SOR, false);
  const [row] = await db('users').insert({
    email: 'terapeut.holbaek@bench.dk', name: 'Bench', password_hash: 'x', scope: '316', active: true, must_change_password: false,
    created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
  }).returning('id');
  const userId = typeof row === 'object' ? row.id : row;
  await db('user_roles').insert({ user_id: userId, role: 'therapist' });
  const { token } = await issueToken(db, userId, null, 'bench');
  const app = createApp({ db, config: testConfig({ isPostgres: !!BENCH_PG_URL, cprKey: crypto.randomBytes(32) }), logger: createLogger('test') });
  const server = app.listen(0);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/fhir/Bundle`;
  const all = Array.from({ length: CITIZENS }, (_, i) => reportsOf(i));
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let statements = 0;
  let lastSql: string[] = [];
  const roundSql: string[][] = [];
  db.on('query', (q: { sql: string }) => { statements++; lastSql.push(q.sql); });
  const server0 = await pgServerCpuMs(db);
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const start = performance.now();
  let analyzed = false;
  for (let round = 0; round < 5; round++) {
    for (const reports of all) {
      const t0 = performance.now();
      lastSql = [];
      const status = await post(url, reports[round], { Authorization: `Bearer ${token}`, 'Content-Type': 'application/fhir+json' });
      latencies.push(performance.now() - t0);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    roundSql.push(lastSql);
    analyzed = (await analyzeUnlessAutovacuum(db)) || analyzed;
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const mainCpu = mainThreadCpuMs() - main0;
  const serverCpu = (await pgServerCpuMs(db)) - server0;
  if (process.env.BENCH_SHOW_SQL) {
    roundSql.forEach((sql, i) => console.log(`statements of the last report of round ${i + 1}:\n  ${sql.map((s) => s.slice(0, 160)).join('\n  ')}`));
  }
  const perReport = statements / latencies.length;
  for (let round = 0; round < 5; round++) {
    const part = latencies.slice(round * CITIZENS, (round + 1) * CITIZENS);
    const sum = part.reduce((a, b) => a + b, 0);
    console.log(`round ${round + 1}: ${(part.length / (sum / 1000)).toFixed(0)} reports/s`);
  }
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
  const closed = Number((await db('courses').where('state', 'closed').count({ n: '*' }))[0].n);
  console.log(`engine ${BENCH_PG_URL ? 'postgresql' : 'sqlite'}: ${latencies.length} reports of ${CITIZENS} citizens in ${seconds.toFixed(1)} s`
    + ` = ${(latencies.length / seconds).toFixed(0)} reports/s; latency p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms;`
    + ` statuses ${JSON.stringify(Object.fromEntries(statuses))}; closed courses ${closed}`
    + (analyzed ? '; autovacuum is off: ANALYZE ran between rounds' : ''));
  console.log(`statements per report ${perReport.toFixed(1)}; CPU per report ${((cpu.user + cpu.system) / 1000 / latencies.length).toFixed(2)} ms`
    + ` (user ${(cpu.user / 1000 / latencies.length).toFixed(2)}, system ${(cpu.system / 1000 / latencies.length).toFixed(2)};`
    + ` main thread ${(mainCpu / latencies.length).toFixed(2)})${BENCH_PG_URL ? `; PostgreSQL server CPU per report ${(serverCpu / latencies.length).toFixed(2)} ms` : ''}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const ceiling = await commitCeiling(db);
  console.log(`commit ceiling on the same database: ${ceiling.toFixed(0)} one-row transactions/s;`
    + ` reports/s ÷ ceiling = ${(latencies.length / seconds / ceiling).toFixed(2)}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  agent.destroy();
  server.close();
  await cleanup();
}

main().catch((e) => { console.error(e); process.exit(1); });

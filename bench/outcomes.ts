/**
 * Outcomes bench (issue 11; not a test): 200 000 synthetic courses of the demo generator over the 98
 * municipalities in a fresh SQLite file (or a fresh PostgreSQL schema with BENCH_DATABASE_URL=postgres://…), then
 * the median over several runs of all 14 indicators × 98 municipalities × one year, their strata (sex, age group,
 * diagnosis group), and the early warnings of every municipality (DK's dashboard), each as a ratio to one raw
 * `count(*) GROUP BY municipality_code` in the same run. Goals: results ≤ 3×, strata ≤ 5×, warnings ≤ 5×.
 * The load average is printed before and after (2 shared cores: read the ratios, not the milliseconds).
 * BENCH_EXPLAIN=1 also prints each engine's plan of the strata's and the warnings' grouped queries.
 * BENCH_DB=<file> or BENCH_PG_SCHEMA=<name> keeps a filled database between runs. Run: npx tsx bench/outcomes.ts [courses]
 */
import type { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { derived } from '../server/courses';
import { demographicsOf } from '../server/patients';
import { createDb, Db, isPostgres, migrate } from '../server/db/connect';
import { generateDemoCourses } from '../server/demo/generate';
import { computeResults } from '../server/indicators/results';
import { computeWarnings } from '../server/indicators/spc';
import { computeStrata, StratumType } from '../server/indicators/strata';
import { listUnits } from '../server/geography';
import { BENCH_PG_URL, freshBenchDb, medianMs } from './lib';

const COURSES = Number(process.argv[2] ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TODAY = '2025-12-31';
const CHUNK = 400;

/**
 * The demo generator's courses with their patients (sex and birth date from the CPR), inserted in batches: the
 * patients first (one per municipality and CPR), then the courses.
 */
async function fill(db: Db): Promise<void> {
  const municipalityCodes = (await db('municipalities').orderBy('sort_order').pluck('code')) as string[];
  const columns = new Set(Object.keys(await db('courses').columnInfo()));
  const createdAt = new Date().toISOString();
  const demos = [...generateDemoCourses({ count: COURSES, municipalityCodes, years: 10, today: TODAY, seed: 42 })];
  const patients = new Map<string, Record<string, unknown>>();
  for (const demo of demos) {
    const key = `${demo.values.municipality_code}:${demo.cpr}`;
    if (!patients.has(key)) {
      patients.set(key, {
        municipality_code: demo.values.municipality_code, cpr_hash: key, cpr_enc: 'bench', ...demographicsOf(demo.cpr),
        patient_name: demo.patient_name, created_at: createdAt,
      });
    }
  }
  const ids = new Map<string, number>();
  await db.transaction(async (trx) => {
    const rows = [...patients.values()];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const inserted = await trx('patients').insert(rows.slice(i, i + CHUNK)).returning(['id', 'cpr_hash']);
      for (const r of inserted as { id: number; cpr_hash: string }[]) ids.set(r.cpr_hash, Number(r.id));
    }
    for (let i = 0; i < demos.length; i += CHUNK) {
      await trx('courses').insert(demos.slice(i, i + CHUNK).map((demo) => {
        const d = derived(demo.values);
        const course: Record<string, unknown> = {
          patient_id: ids.get(`${demo.values.municipality_code}:${demo.cpr}`), state: d.state, complete: d.complete,
          missing: JSON.stringify(d.missing), created_at: createdAt, updated_at: createdAt,
        };
        for (const [k, v] of Object.entries(demo.values)) if (columns.has(k) && v !== undefined) course[k] = v;
        return course;
      }));
    }
  });
  await db.raw(BENCH_PG_URL ? 'VACUUM ANALYZE courses' : 'ANALYZE');
  if (BENCH_PG_URL) await db.raw('VACUUM ANALYZE patients');
}

/** The SQL of every query `run` sends (with its bindings), to explain them. */
async function queriesOf(db: Db, run: () => Promise<unknown>): Promise<{ sql: string; bindings: readonly unknown[] }[]> {
  const seen: { sql: string; bindings: readonly unknown[] }[] = [];
  const listen = (q: { sql: string; bindings?: readonly unknown[] }) => { seen.push({ sql: q.sql, bindings: q.bindings ?? [] }); };
  db.on('query', listen);
  try { await run(); } finally { db.off('query', listen); }
  return seen.filter((q) => /group by/i.test(q.sql) && /from "courses"|from `courses`/i.test(q.sql));
}

async function explain(db: Db, label: string, run: () => Promise<unknown>): Promise<void> {
  for (const q of await queriesOf(db, run)) {
    // the query event gives PostgreSQL's native $1, $2, …; knex.raw wants ?
    const sql = isPostgres(db) ? q.sql.replace(/\$\d+/g, '?') : q.sql;
    const rows = await db.raw(`${isPostgres(db) ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${sql}`, q.bindings as readonly Knex.Value[]);
    const lines = isPostgres(db)
      ? (rows.rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN'])
      : (rows as { detail: string }[]).map((r) => r.detail);
    console.log(`\n${label}:\n  ${lines.join('\n  ')}`);
  }
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

/** CPU seconds so far of this process (node and SQLite's threads) and, on PostgreSQL, of its one backend. */
async function cpuMs(db: Db, backendPid: number | undefined): Promise<number> {
  const own = process.cpuUsage();
  let backend = 0;
  if (backendPid !== undefined) {
    const fields = fs.readFileSync(`/proc/${backendPid}/stat`, 'utf8').split(') ')[1].split(' ');
    backend = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
  }
  return (own.user + own.system) / 1000 + backend;
}

/**
 * Wall-clock median (medianMs) and mean CPU time per run: on 2 cores shared by many sessions the wall clock
 * mostly measures the waiting, the CPU time what the work costs. PostgreSQL's CPU time is its backend's, so it is
 * taken with parallel workers off (their processes' time is not seen); the wall clock runs with the defaults.
 */
async function measure(db: Db, backendPid: number | undefined, label: string, run: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const wall = await medianMs(label, RUNS, run);
  if (backendPid !== undefined) await db.raw('SET max_parallel_workers_per_gather = 0');
  try {
    const before = await cpuMs(db, backendPid);
    for (let i = 0; i < RUNS; i++) await run();
    return { wall, cpu: ((await cpuMs(db, backendPid)) - before) / RUNS };
  } finally {
    if (backendPid !== undefined) await db.raw('RESET max_parallel_workers_per_gather');
  }
}

/**
 * The database: BENCH_DB=<file> (SQLite) or BENCH_PG_SCHEMA=<name> (PostgreSQL) keeps a filled one between runs
 * (filled when empty; migrated by each run, so the code before and after a migration can be compared on the
 * same data); otherwise a fresh one, dropped at the end.
 */
async function open(dir: string): Promise<{ db: Db; cleanup: () => Promise<void> }> {
  const keepFile = BENCH_PG_URL ? undefined : process.env.BENCH_DB;
  const keepSchema = BENCH_PG_URL ? process.env.BENCH_PG_SCHEMA : undefined;
  const done = async (db: Db) => { await db.destroy(); fs.rmSync(dir, { recursive: true, force: true }); };
  if (keepFile) {
    const db = createDb('sqlite:' + path.resolve(keepFile));
    return { db, cleanup: () => done(db) };
  }
  if (keepSchema) {
    const admin = createDb(BENCH_PG_URL!, { poolMax: 1 });
    await admin.raw('CREATE SCHEMA IF NOT EXISTS ??', [keepSchema]);
    await admin.destroy();
    const db = createDb(BENCH_PG_URL!, { searchPath: keepSchema });
    return { db, cleanup: () => done(db) };
  }
  return freshBenchDb(dir);
}

async function main(): Promise<void> {
  const { db, cleanup } = await open(fs.mkdtempSync(path.join(os.tmpdir(), 'hk-bench-outcomes-')));
  try {
    await migrate(db);
    const t0 = performance.now();
    const [{ n: before }] = await db('courses').count({ n: '*' });
    if (Number(before) === 0) await fill(db);
    // a kept database just migrated: fresh statistics, and PostgreSQL's visibility map after rewritten rows
    else await db.raw(BENCH_PG_URL ? 'VACUUM ANALYZE courses' : 'ANALYZE');
    const [{ n }] = await db('courses').count({ n: '*' });
    console.log(`${BENCH_PG_URL ? 'PostgreSQL' : 'SQLite'}: ${n} courses ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${RUNS} runs each after a warm-up; load average ${load()}\n`);

    // On PostgreSQL the work runs over one connection, so its backend's CPU time is the database's part of it.
    const work = BENCH_PG_URL ? createDb(BENCH_PG_URL, { searchPath: (db.client.config.searchPath as string[])[0], poolMax: 1 }) : db;
    try {
      await bench(work);
    } finally {
      if (work !== db) await work.destroy();
    }
  } finally {
    await cleanup();
  }
}

/** The timed runs and their ratios to the raw count; BENCH_EXPLAIN=1 adds the plans. */
async function bench(db: Db): Promise<void> {
  const country = (await listUnits(db, 'country'))[0];
  const strataOf = (stratumType: StratumType) => () => computeStrata(db, { period: '2025', unitType: 'municipality', stratumType });
  const warnings = () => computeWarnings(db, { ownUnit: country, municipalityCodes: country.municipalityCodes, inside: () => true, today: TODAY });

  const backendPid = isPostgres(db) ? Number((await db.raw('SELECT pg_backend_pid() AS pid')).rows[0].pid) : undefined;
  const m = (label: string, run: () => Promise<unknown>) => measure(db, backendPid, label, run);
  const raw = await m('raw: SELECT municipality_code, count(*) … GROUP BY', () =>
    db('courses').select('municipality_code').count({ n: '*' }).groupBy('municipality_code'));
  const timed: [string, { wall: number; cpu: number }, number][] = [
    ['results', await m('results: 14 indicators × 98 municipalities × 2025', () =>
      computeResults(db, { period: '2025', unitType: 'municipality' })), 3],
    ['strata (sex)', await m('strata: 14 × 98 × 2025 by sex', strataOf('sex')), 5],
    ['strata (age group)', await m('strata: 14 × 98 × 2025 by age group', strataOf('age_group')), 5],
    ['strata (diagnosis group)', await m('strata: 14 × 98 × 2025 by diagnosis group', strataOf('diagnosis_group')), 5],
    ['warnings', await m('warnings: DK + 98 municipalities × 14 indicators, 12 quarters', warnings), 5],
  ];
  console.log(`\nraw count: wall median ${raw.wall.toFixed(1)} ms, CPU ${raw.cpu.toFixed(1)} ms per run`);
  console.log(`ratios to the raw count (load average ${load()}):           wall     CPU`);
  for (const [label, t, goal] of timed) {
    console.log(`  ${label.padEnd(26)} (goal ≤ ${goal}×)  ${(t.wall / raw.wall).toFixed(2).padStart(6)}×  ${(t.cpu / raw.cpu).toFixed(2).padStart(6)}×`);
  }

  if (process.env.BENCH_EXPLAIN) {
    await explain(db, 'raw count', () => db('courses').select('municipality_code').count({ n: '*' }).groupBy('municipality_code'));
    await explain(db, 'strata', strataOf('age_group'));
    await explain(db, 'warnings', warnings);
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });

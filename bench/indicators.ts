/**
 * Indicator engine bench (not a test): 200 000 synthetic courses over the 98 municipalities in a fresh SQLite
 * file (or a fresh PostgreSQL schema with BENCH_DATABASE_URL=postgres://…), then the median over several runs of
 * all 14 indicators × all municipalities × one year, their strata, the early warnings of every municipality,
 * the 8-quarter trend, and a plain count per municipality as the yardstick, reported as ratios to it (with the
 * load average, since the machine may be shared). The row of issue 9 — all indicators × 98 municipalities for
 * 2025 plus the 8-quarter trend — is timed as the dashboard runs it, two passes (the year's own grouped queries,
 * then the trend's: dashboard/service.ts), and as the one pass of computeOverview (the year summed from the
 * trend's quarterly counts, which the dashboard no longer uses), and the two are checked to agree; the row is timed
 * over one connection in wall clock and CPU time (PostgreSQL's backend included, parallel workers off: on 2 shared
 * cores the CPU ratio is the steadier one).
 * Run: npx tsx bench/indicators.ts [courses]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { derived } from '../server/courses/completeness';
import { demographicsOf } from '../server/patients';
import { createDb, Db, migrate } from '../server/db/connect';
import { generateDemoCourses } from '../server/demo/generate';
import { computeResults } from '../server/indicators/results';
import { computeWarnings } from '../server/indicators/spc';
import { computeStrata } from '../server/indicators/strata';
import { computeOverview, computeTrend } from '../server/indicators/trend';
import { parsePeriod, Period } from '../server/indicators/periods';
import { geography, Unit } from '../server/geography';
import { BENCH_PG_URL, freshBenchDb, medianMs } from './lib';

const COURSES = Number(process.argv[2] ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** The issue 9 row's runs (BENCH_ROW_RUNS), more than the others: it is the one compared before and after. */
const ROW_RUNS = Number(process.env.BENCH_ROW_RUNS ?? 15);
const TODAY = '2025-12-31';
const CHUNK = 400;

async function fill(db: Db): Promise<void> {
  const municipalityCodes = (await geography(db)).country.municipalityCodes;
  const columns = new Set(Object.keys(await db('courses').columnInfo()));
  const createdAt = new Date().toISOString();
  const patients = new Map<string, number>();
  let batch: Record<string, unknown>[] = [];
  const flush = async (trx: Db) => { if (batch.length) await trx('courses').insert(batch); batch = []; };
  await db.transaction(async (trx) => {
    for (const demo of generateDemoCourses({ count: COURSES, municipalityCodes, years: 10, today: TODAY, seed: 42 })) {
      const values = demo.values as Record<string, unknown>;
      const key = `${values.municipality_code}:${demo.cpr}`;
      let patientId = patients.get(key);
      if (patientId === undefined) {
        const [row] = await trx('patients').insert({
          municipality_code: values.municipality_code, cpr_hash: key, cpr_enc: 'bench', ...demographicsOf(demo.cpr), patient_name: demo.patient_name, created_at: createdAt,
        }).returning('id');
        patientId = Number(typeof row === 'object' ? row.id : row);
        patients.set(key, patientId);
      }
      const d = derived(demo.values);
      const course: Record<string, unknown> = { patient_id: patientId, state: d.state, complete: d.complete, missing: JSON.stringify(d.missing), created_at: createdAt, updated_at: createdAt };
      for (const [k, v] of Object.entries(values)) if (columns.has(k) && v !== undefined) course[k] = v;
      batch.push(course);
      if (batch.length >= CHUNK) await flush(trx);
    }
    await flush(trx);
  });
  await db.raw(BENCH_PG_URL ? 'VACUUM ANALYZE courses' : 'ANALYZE');
  if (BENCH_PG_URL) await db.raw('VACUUM ANALYZE patients');
}

/** The one pass must give exactly the numbers of the two passes (else the bench stops). */
async function sameNumbers(db: Db, period: Period, municipalities: readonly Unit[], country: Unit): Promise<void> {
  const now = new Date();
  const overview = await computeOverview(db, { period, units: [...municipalities, country], today: TODAY, now, trendIndicatorIds: ['HK03'] });
  const year = await computeResults(db, { period, units: [...municipalities, country], now });
  const trend = await computeTrend(db, { period, unit: country, indicatorId: 'HK03', today: TODAY, now });
  if (JSON.stringify(overview.results) !== JSON.stringify(year) || JSON.stringify(overview.trend('HK03', country).quarters) !== JSON.stringify(trend)) {
    throw new Error('one pass and two passes disagree');
  }
}

/**
 * The medians of several calls timed in turn (a, b, c, a, b, c, …) after a warm-up of each, so load from other
 * work on a shared machine falls on all of them alike; prints a line each and returns them in order, with each
 * call's mean CPU time (`cpuMs`: this process's, SQLite's threads included, plus PostgreSQL's backend).
 */
async function interleavedMedians(runs: number, calls: Record<string, () => Promise<unknown>>, cpuMs: () => number): Promise<Record<string, { wall: number; cpu: number }>> {
  const times = new Map(Object.keys(calls).map((k) => [k, [] as number[]]));
  const cpu = new Map(Object.keys(calls).map((k) => [k, 0]));
  for (const call of Object.values(calls)) await call();
  for (let i = 0; i < runs; i++) {
    for (const [label, call] of Object.entries(calls)) {
      const start = performance.now();
      const cpuStart = cpuMs();
      await call();
      cpu.set(label, cpu.get(label)! + cpuMs() - cpuStart);
      times.get(label)!.push(performance.now() - start);
    }
  }
  const medians: Record<string, { wall: number; cpu: number }> = {};
  for (const [label, xs] of times) {
    xs.sort((a, b) => a - b);
    medians[label] = { wall: xs[Math.floor(xs.length / 2)], cpu: cpu.get(label)! / runs };
    console.log(`${('in turn: ' + label).padEnd(62)} median ${medians[label].wall.toFixed(1).padStart(7)} ms  (min ${xs[0].toFixed(1)}, max ${xs.at(-1)!.toFixed(1)}), CPU ${medians[label].cpu.toFixed(1)} ms`);
  }
  return medians;
}

/**
 * CPU milliseconds so far of this process (node and SQLite's threads) and, on PostgreSQL, of the one backend of
 * `db` (a pool of one connection; parallel workers off, their processes' time is not seen).
 */
async function cpuClock(db: Db): Promise<() => number> {
  const backendPid = BENCH_PG_URL ? Number((await db.raw('SELECT pg_backend_pid() AS pid')).rows[0].pid) : undefined;
  if (backendPid !== undefined) await db.raw('SET max_parallel_workers_per_gather = 0');
  return () => {
    const own = process.cpuUsage();
    let backend = 0;
    if (backendPid !== undefined) {
      const fields = fs.readFileSync(`/proc/${backendPid}/stat`, 'utf8').split(') ')[1].split(' ');
      backend = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime in ticks of 1/100 s
    }
    return (own.user + own.system) / 1000 + backend;
  };
}

async function main(): Promise<void> {
  // BENCH_DB=<file> (SQLite) or BENCH_PG_SCHEMA=<name> (PostgreSQL) keeps a filled database between runs (filled
  // when empty, migrated by each run).
  const keep = BENCH_PG_URL ? undefined : process.env.BENCH_DB;
  const keepSchema = BENCH_PG_URL ? process.env.BENCH_PG_SCHEMA : undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-bench-'));
  const done = async (db: Db) => { await db.destroy(); fs.rmSync(dir, { recursive: true, force: true }); };
  const kept = (db: Db) => ({ db, cleanup: () => done(db) });
  if (keepSchema) {
    const admin = createDb(BENCH_PG_URL!, { poolMax: 1 });
    await admin.raw('CREATE SCHEMA IF NOT EXISTS ??', [keepSchema]);
    await admin.destroy();
  }
  const { db, cleanup } = keep ? kept(createDb('sqlite:' + path.resolve(keep)))
    : keepSchema ? kept(createDb(BENCH_PG_URL!, { searchPath: keepSchema })) : await freshBenchDb(dir);
  try {
    await migrate(db);
    const t0 = performance.now();
    const [{ n: before }] = await db('courses').count({ n: '*' });
    if (Number(before) === 0) await fill(db);
    const [{ n }] = await db('courses').count({ n: '*' });
    console.log(`${BENCH_PG_URL ? 'PostgreSQL' : 'SQLite'}: ${n} courses in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${RUNS} runs each after a warm-up\n`);

    const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
    console.log(`load average before: ${load()} (${os.cpus().length} cores)`);
    const plain = await medianMs('SELECT municipality_code, count(*) … GROUP BY', RUNS, () =>
      db('courses').select('municipality_code').count({ n: '*' }).groupBy('municipality_code'));
    const geo = await geography(db);
    const period = parsePeriod('2025');
    const municipalities = geo.units('municipality');
    const country = geo.country;
    const year = await medianMs('all 14 indicators × 98 municipalities × 2025', RUNS, () =>
      computeResults(db, { period, units: municipalities }));
    // The issue 9 row, measured in turn with its yardstick so the shared machine's load falls on all three alike,
    // over one connection (on PostgreSQL its backend's CPU time is the database's part).
    const one = BENCH_PG_URL ? createDb(BENCH_PG_URL, { searchPath: (db.client.config.searchPath as string[] | undefined)?.[0], poolMax: 1 }) : db;
    let row: Record<string, { wall: number; cpu: number }>;
    try {
      row = await interleavedMedians(ROW_RUNS, {
        'raw count(*) GROUP BY municipality_code': () => one('courses').select('municipality_code').count({ n: '*' }).groupBy('municipality_code'),
        'two passes (the dashboard): the year, then the HK03 DK trend': async () => {
          await computeResults(one, { period, units: municipalities });
          await computeTrend(one, { period, unit: country, indicatorId: 'HK03', today: TODAY });
        },
        'one pass: year + the HK03 trend (computeOverview)': async () => {
          const overview = await computeOverview(one, { period, units: [...municipalities, country], today: TODAY, trendIndicatorIds: ['HK03'] });
          overview.trend('HK03', country);
        },
      }, await cpuClock(one));
    } finally {
      if (one !== db) await one.destroy();
    }
    const [rawRow, twoPasses, onePass] = Object.values(row);
    await sameNumbers(db, period, municipalities, country);
    const skip = !!process.env.BENCH_ROW_ONLY; // only the issue 9 row and the yardsticks
    const strata = skip ? NaN : await medianMs('strata: 14 indicators × 98 municipalities × 2025 (age group)', RUNS, () =>
      computeStrata(db, { period: '2025', unitType: 'municipality', stratumType: 'age_group' }));
    const warnings = skip ? NaN : await medianMs('warnings: DK + 98 municipalities × 14 indicators, 12 quarters', RUNS, () =>
      computeWarnings(db, { ownUnit: country, municipalityCodes: country.municipalityCodes, inside: () => true, today: TODAY }));
    const trend = await medianMs('trend: HK03, Danmark, 8 quarters of 2025', RUNS, () =>
      computeTrend(db, { period, unit: country, indicatorId: 'HK03', today: TODAY }));
    const ratio = (x: number) => `${(x / plain).toFixed(2)}×`;
    console.log(`\nratio to the plain count: results ${ratio(year)}, strata ${ratio(strata)} (≤ 5×), warnings ${ratio(warnings)} (≤ 5×), trend ${ratio(trend)}`);
    const rowRatio = (x: { wall: number; cpu: number }) => `${(x.wall / rawRow.wall).toFixed(2)}× wall, ${(x.cpu / rawRow.cpu).toFixed(2)}× CPU`;
    console.log(`issue 9 row (14 indicators × 98 municipalities + 8-quarter trend) to the raw scan measured in turn: two passes (the dashboard) ${rowRatio(twoPasses)}, one pass ${rowRatio(onePass)} (goal ≤ 3×)`);
    console.log(`load average after: ${load()}`);
  } finally {
    await cleanup();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });

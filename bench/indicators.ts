/**
 * Indicator engine bench (not a test): 200 000 synthetic courses over the 98 municipalities in a fresh SQLite
 * file, then the median over several runs of all indicators × all municipalities × one year, the 8-quarter
 * trend, and a plain count per municipality as the yardstick. Run: npx tsx bench/indicators.ts [courses]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { derived } from '../server/courses/completeness';
import { demographicsOf } from '../server/courses/patients';
import { createDb, Db, migrate } from '../server/db/connect';
import { generateDemoCourses } from '../server/demo/generate';
import { computeResults } from '../server/indicators/results';
import { computeTrend } from '../server/indicators/trend';
import { medianMs } from './lib';

const COURSES = Number(process.argv[2] ?? 200_000);
const RUNS = 7;
const TODAY = '2025-12-31';
const CHUNK = 400;

async function fill(db: Db): Promise<void> {
  const municipalityCodes = (await db('municipalities').orderBy('sort_order').pluck('code')) as string[];
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
  await db.raw('ANALYZE');
}

async function main(): Promise<void> {
  // BENCH_DB=<file> keeps the filled database between runs (filled when it does not exist yet).
  const keep = process.env.BENCH_DB;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-bench-'));
  const file = keep ? path.resolve(keep) : path.join(dir, 'bench.sqlite');
  const filled = fs.existsSync(file);
  const db = createDb('sqlite:' + file);
  try {
    await migrate(db);
    const t0 = performance.now();
    if (!filled) await fill(db);
    const [{ n }] = await db('courses').count({ n: '*' });
    console.log(`${n} courses in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${RUNS} runs each after a warm-up\n`);

    const plain = await medianMs('SELECT municipality_code, count(*) … GROUP BY', RUNS, () =>
      db('courses').select('municipality_code').count({ n: '*' }).groupBy('municipality_code'));
    const year = await medianMs('all 11 indicators × 98 municipalities × 2025', RUNS, () =>
      computeResults(db, { period: '2025', unitType: 'municipality' }));
    const regions = await medianMs('all 11 indicators × 5 regions × 2025', RUNS, () =>
      computeResults(db, { period: '2025', unitType: 'region' }));
    const trend = await medianMs('trend: HK03, Danmark, 8 quarters of 2025', RUNS, () =>
      computeTrend(db, { period: '2025', unitType: 'country', unitCode: 'DK', indicatorId: 'HK03', today: TODAY }));
    console.log(`\nratio to the plain count: year ${(year / plain).toFixed(2)}×, regions ${(regions / plain).toFixed(2)}×, trend ${(trend / plain).toFixed(2)}×`);
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });

/**
 * Demo-data bench (not a test): the bulk insert of server/demo/startup.ts into a fresh database, courses/second for
 * 10 000 and 200 000 courses over all 98 municipalities. SQLite in a temporary file by default; BENCH_DATABASE_URL=
 * postgres://… runs it on PostgreSQL (a fresh schema each run, dropped afterwards).
 * Run: npx tsx bench/demo-data.ts [count …]
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { demoMunicipalities, insertDemoCourses } from '../server/demo/startup';
import { BENCH_PG_URL, freshBenchDb } from './lib';

const COUNTS = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [10_000, 200_000];
const CPR_KEY = crypto.randomBytes(32);
async function main(): Promise<void> {
  console.log(`engine: ${BENCH_PG_URL ? 'PostgreSQL' : 'SQLite (file)'}, node ${process.version}`);
  for (const count of COUNTS) {
    const { db, cleanup } = await freshBenchDb(fs.mkdtempSync(path.join(os.tmpdir(), 'hk-bench-demo-')));
    const municipalityCodes = await demoMunicipalities(db, 'all');
    const started = performance.now();
    const { inserted } = await insertDemoCourses(db, CPR_KEY, { count, municipalityCodes, years: 10, seed: 42 });
    const seconds = (performance.now() - started) / 1000;
    const [{ n }] = await db('courses').count({ n: '*' });
    console.log(`${String(count).padStart(7)} courses: ${seconds.toFixed(1)} s, ${Math.round(inserted / seconds)} courses/s (stored ${n})`);
    await cleanup();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });

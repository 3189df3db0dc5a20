/**
 * Import and submission bench (not a test): a 100 000-row course CSV imported into an empty installation (one
 * municipality, all-or-nothing in one transaction), then a national submission of those courses. Reports time and
 * peak memory (RSS sampled every 25 ms). SQLite in a temporary file by default; BENCH_DATABASE_URL=postgres://…
 * runs it on PostgreSQL (a fresh schema, dropped afterwards).
 * Run: node --expose-gc --import tsx bench/import-submission.ts [rows] (with --expose-gc each step starts after a
 * full collection, so its peak is its own).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveScope } from '../server/access';
import { exportColumns, formatCell } from '../server/courses/export';
import type { VariableName } from '../server/courses/variables';
import { generateDemoCourses } from '../server/demo/generate';
import { createDemoUsersIfEmpty } from '../server/demo/users';
import { runImport } from '../server/imports/service';
import { createSubmission } from '../server/submissions/service';
import { toCurrentUser } from '../server/auth/users';
import { today } from '../server/time';
import { BENCH_PG_URL, freshBenchDb } from './lib';

const ROWS = Number(process.argv[2] ?? 100_000);
const CPR_KEY = crypto.randomBytes(32);
const mb = (bytes: number) => (bytes / 1048576).toFixed(0) + ' MB';

/** Time and peak RSS of one step. */
async function measure<T>(label: string, step: () => Promise<T>): Promise<T> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = process.memoryUsage().rss;
  const before = peak;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 25);
  const started = performance.now();
  try {
    return await step();
  } finally {
    clearInterval(timer);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${mb(peak)} (before ${mb(before)})`);
  }
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

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-bench-import-'));
  const file = path.join(dir, 'forloeb.csv');
  console.log(`engine: ${BENCH_PG_URL ? 'PostgreSQL' : 'SQLite (file)'}, node ${process.version}`);
  const rows = writeCsv(file);
  console.log(`file: ${rows} rows, ${mb(fs.statSync(file).size)}`);
  const { db, cleanup } = await freshBenchDb(dir);
  try {
    await createDemoUsersIfEmpty(db);
    const therapist = (await toCurrentUser(db, await db('users').where({ email: 'terapeut.aarhus@demo.dk' }).first(), 'session'))!;
    const exporter = await db('users').where({ email: 'indberetter.aarhus@demo.dk' }).first();
    const ctx = { db, cprKey: CPR_KEY, maxBytes: Number.MAX_SAFE_INTEGER, lang: 'da' as const };
    const actor = { userId: therapist.id, email: therapist.email, scope: '751', ip: null };

    const dry = await measure('import dry run', () => runImport(ctx, therapist, actor, fs.createReadStream(file), { dryRun: true }));
    console.log(`  rows ${dry.rows}, errors ${dry.errors.length}, warnings ${dry.warnings.length}`);
    const report = await measure('import (commit)', () => runImport(ctx, therapist, actor, fs.createReadStream(file), { dryRun: false }));
    console.log(`  created ${report.created}, errors ${report.errors.length}`);

    const scope = (await resolveScope(db, '751'))!;
    const year = Number(today().slice(0, 4));
    const manifest = await measure('submission create', () => createSubmission(db, CPR_KEY,
      { userId: exporter.id, email: exporter.email, scope: '751', ip: null }, { from: `${year - 9}-01-01`, to: `${year}-12-31`, scope }));
    console.log(`  record_count ${manifest.record_count}, excluded ${manifest.excluded.length}`);
  } finally {
    await cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/** Shared pieces of the benches: a fresh database and median timing. */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb, type Db, isPostgresUrl, migrate } from '../server/db/connect';

/** BENCH_DATABASE_URL=postgres://… runs a bench on PostgreSQL; SQLite in a file otherwise. */
export const BENCH_PG_URL = process.env.BENCH_DATABASE_URL;

/** A fresh migrated database: a new PostgreSQL schema (dropped by cleanup) or an SQLite file in `dir`. */
export async function freshBenchDb(dir: string): Promise<{ db: Db; cleanup: () => Promise<void> }> {
  if (BENCH_PG_URL && isPostgresUrl(BENCH_PG_URL)) {
    const schema = 'bench_' + crypto.randomBytes(4).toString('hex');
    const admin = createDb(BENCH_PG_URL, { poolMax: 1 });
    await admin.raw('CREATE SCHEMA ??', [schema]);
    const db = createDb(BENCH_PG_URL, { searchPath: schema });
    await migrate(db);
    return { db, cleanup: async () => { await db.destroy(); await admin.raw('DROP SCHEMA ?? CASCADE', [schema]); await admin.destroy(); } };
  }
  const db = createDb('sqlite:' + path.join(dir, 'bench.sqlite'));
  await migrate(db);
  return { db, cleanup: async () => { await db.destroy(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** The median of `runs` timed calls after one warm-up call; prints a line and returns the median in ms. */
export async function medianMs(label: string, runs: number, run: () => Promise<unknown>, digits = 1): Promise<number> {
  await run(); // warm-up: page cache, prepared plans, compiled templates
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const m = times[Math.floor(times.length / 2)];
  console.log(`${label.padEnd(62)} median ${m.toFixed(digits).padStart(7)} ms  (min ${times[0].toFixed(digits)}, max ${times.at(-1)!.toFixed(digits)})`);
  return m;
}

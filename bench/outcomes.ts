/**
 * Outcomes bench (issue 11; not a test): 200 000 synthetic courses of the demo generator over the 98
 * municipalities in a fresh SQLite file (or a fresh PostgreSQL schema with BENCH_DATABASE_URL=postgres://…), then
 * the median over several runs of all 14 indicators × 98 municipalities × one year, their strata (sex, age group,
 * diagnosis group), and the early warnings of every municipality (DK's dashboard), each as a ratio to one raw
 * `count(*) GROUP BY municipality_code` in the same run. Goals: results ≤ 3×, strata ≤ 5×, warnings ≤ 5×.
 * The load average is printed before and after (2 shared cores: read the ratios, not the milliseconds).
 * BENCH_EXPLAIN=1 also prints each engine's plan of the strata's and the warnings' grouped queries.
 * BENCH_DB=<file> keeps a filled SQLite database between runs. Run: npx tsx bench/outcomes.ts [courses]
 */
import type { Knex } from 'knex';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { derived } from '../server/courses/completeness';
import { demographicsOf } from '../server/courses/patients';
import { createDb, Db, isPostgres, migrate } from '../server/db/connect';
import { generateDemoCourses } from '../server/demo/generate';
import { computeResults } from '../server/indicators/results';
import { computeWarnings } from '../server/indicators/spc';
import { computeStrata, StratumType } from '../server/indicators/strata';
import { listUnits } from '../server/indicators/units';
import { BENCH_PG_URL, freshBenchDb, medianMs } from './lib';

const COURSES = Number(process.argv[2] ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TODAY = '2025-12-31';
const CHUNK = 400;

/** The demo generator's courses, each with its patient (sex and birth date from the CPR), inserted in batches. */
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
          municipality_code: values.municipality_code, cpr_hash: key, cpr_enc: 'bench', ...demographicsOf(demo.cpr),
          patient_name: demo.patient_name, created_at: createdAt,
        }).returning('id');
        patientId = Number(typeof row === 'object' ? row.id : row);
        patients.set(key, patientId);
      }
      const d = derived(demo.values);
      const course: Record<string, unknown> = {
        patient_id: patientId, state: d.state, complete: d.complete, missing: JSON.stringify(d.missing), created_at: createdAt, updated_at: createdAt,
      };
      for (const [k, v] of Object.entries(values)) if (columns.has(k) && v !== undefined) course[k] = v;
      batch.push(course);
      if (batch.length >= CHUNK) await flush(trx);
    }
    await flush(trx);
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
    const rows = await db.raw(`${isPostgres(db) ? 'EXPLAIN' : 'EXPLAIN QUERY PLAN'} ${q.sql}`, q.bindings as readonly Knex.Value[]);
    const lines = isPostgres(db)
      ? (rows.rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN'])
      : (rows as { detail: string }[]).map((r) => r.detail);
    console.log(`\n${label}:\n  ${lines.join('\n  ')}`);
  }
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const keep = BENCH_PG_URL ? undefined : process.env.BENCH_DB;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-bench-outcomes-'));
  const filled = !!keep && fs.existsSync(path.resolve(keep));
  const { db, cleanup } = keep
    ? { db: createDb('sqlite:' + path.resolve(keep)), cleanup: async () => { await db.destroy(); fs.rmSync(dir, { recursive: true, force: true }); } }
    : await freshBenchDb(dir);
  try {
    await migrate(db);
    const t0 = performance.now();
    if (!filled) await fill(db);
    const [{ n }] = await db('courses').count({ n: '*' });
    console.log(`${BENCH_PG_URL ? 'PostgreSQL' : 'SQLite'}: ${n} courses ready in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${RUNS} runs each after a warm-up; load average ${load()}\n`);

    const country = (await listUnits(db, 'country'))[0];
    const strataOf = (stratumType: StratumType) => () => computeStrata(db, { period: '2025', unitType: 'municipality', stratumType });
    const warnings = () => computeWarnings(db, { ownUnit: country, municipalityCodes: country.municipalityCodes, inside: () => true, today: TODAY, fresh: true });

    const raw = await medianMs('raw: SELECT municipality_code, count(*) … GROUP BY', RUNS, () =>
      db('courses').select('municipality_code').count({ n: '*' }).groupBy('municipality_code'));
    const timed: [string, number, number][] = [
      ['results', await medianMs('results: 14 indicators × 98 municipalities × 2025', RUNS, () =>
        computeResults(db, { period: '2025', unitType: 'municipality' })), 3],
      ['strata (sex)', await medianMs('strata: 14 × 98 × 2025 by sex', RUNS, strataOf('sex')), 5],
      ['strata (age group)', await medianMs('strata: 14 × 98 × 2025 by age group', RUNS, strataOf('age_group')), 5],
      ['strata (diagnosis group)', await medianMs('strata: 14 × 98 × 2025 by diagnosis group', RUNS, strataOf('diagnosis_group')), 5],
      ['warnings', await medianMs('warnings: DK + 98 municipalities × 14 indicators, 12 quarters', RUNS, warnings), 5],
    ];
    console.log(`\nratios to the raw count (load average ${load()}):`);
    for (const [label, ms, goal] of timed) console.log(`  ${label.padEnd(26)} ${(ms / raw).toFixed(2).padStart(6)}×  (goal ≤ ${goal}×)`);

    if (process.env.BENCH_EXPLAIN) {
      await explain(db, 'raw count', () => db('courses').select('municipality_code').count({ n: '*' }).groupBy('municipality_code'));
      await explain(db, 'strata', strataOf('age_group'));
      await explain(db, 'warnings', warnings);
    }
  } finally {
    await cleanup();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });

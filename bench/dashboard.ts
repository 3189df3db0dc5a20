/**
 * Dashboard bench (not a test): 200 000 synthetic courses over the 98 municipalities in a fresh SQLite file, then
 * the median response time of the dashboard page and the indicator detail page, in-process through supertest,
 * for a DK, a region and a municipality user. Run: npx tsx bench/dashboard.ts [courses]
 * BENCH_DB=<file> keeps the filled database between runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { medianMs } from './lib';
import { createApp } from '../server/app';
import { Config } from '../server/config';
import { createDb, migrate } from '../server/db/connect';
import { demoMunicipalities, insertDemoCourses } from '../server/demo/startup';
import { createDemoUsersIfEmpty, DEMO_PASSWORD } from '../server/demo/users';
import { createLogger } from '../server/logger';
import { today } from '../server/time';

const COURSES = Number(process.argv[2] ?? 200_000);
const RUNS = 9;

const config: Config = {
  port: 0, databaseUrl: 'sqlite::memory:', isPostgres: false, sessionSecret: 'bench-session-secret-0123456789abcdef',
  cprKey: Buffer.alloc(32, 7), production: false, nodeEnv: 'test', demoData: false, maxUploadBytes: 50 * 1024 * 1024, trustProxy: false,
  publicUrl: 'http://127.0.0.1', localLogin: true,
};

async function login(app: ReturnType<typeof createApp>, email: string) {
  const agent = request.agent(app);
  const page = await agent.get('/log-ind');
  const csrf = /name="csrf-token" content="([^"]*)"/.exec(page.text)![1];
  const res = await agent.post('/log-ind').type('form').send({ email, password: DEMO_PASSWORD, _csrf: csrf });
  if (res.status !== 303) throw new Error(`login ${email}: ${res.status}`);
  return agent;
}

/** A page request that must answer 200. */
async function ok(res: Promise<request.Response>): Promise<request.Response> {
  const r = await res;
  if (r.status !== 200) throw new Error(`${r.status} ${r.text.slice(0, 200)}`);
  return r;
}

async function main(): Promise<void> {
  const keep = process.env.BENCH_DB;
  const file = keep ? path.resolve(keep) : path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hk-dash-bench-')), 'bench.sqlite');
  const filled = fs.existsSync(file);
  const db = createDb('sqlite:' + file);
  try {
    await migrate(db);
    await createDemoUsersIfEmpty(db);
    const t0 = performance.now();
    if (!filled) {
      const all = await demoMunicipalities(db, 'all');
      await insertDemoCourses(db, config.cprKey, { count: COURSES, municipalityCodes: all, years: 10, seed: 42, today: today() });
      await db.raw('ANALYZE');
    }
    const [{ n }] = await db('courses').count({ n: '*' });
    console.log(`${n} courses (filled in ${((performance.now() - t0) / 1000).toFixed(1)} s); ${RUNS} runs each after a warm-up\n`);

    const app = createApp({ db, config, logger: createLogger('test') });
    const year = String(Number(today().slice(0, 4)) - 1);
    for (const [email, who] of [['admin@demo.dk', 'DK'], ['kvalitet.midt@demo.dk', 'region 1082'], ['terapeut.aarhus@demo.dk', 'municipality 751']]) {
      const agent = await login(app, email);
      await medianMs(`GET /indikatorer (${who}, default ${year})`, RUNS, () => ok(agent.get('/indikatorer')), 0);
      await medianMs(`GET /indikatorer/HK03 (${who}: trend, comparison, funnel)`, RUNS, () => ok(agent.get(`/indikatorer/HK03?period=${year}`)), 0);
    }
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/**
 * Saves per second on SQLite with synchronous=NORMAL (before) and FULL (after, the setting in use): one course saved
 * per request through the course service (validation, overlap check, patient, audit row: one transaction each),
 * sequentially, as one app server does. Run: npx tsx bench/sqlite-durability.ts [seconds per setting, default 10]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { resolveScope } from '../server/access';
import { createCourse } from '../server/courses/service';
import { createDb, migrate, type SqliteSynchronous } from '../server/db/connect';
import { createDemoUsersIfEmpty } from '../server/demo/users';

const SECONDS = Number(process.argv[2] ?? 10);
const CPR_KEY = Buffer.alloc(32, 9);

/** A valid CPR number (born 1940–1999) for the i-th save, so no two saves overlap. */
function cpr(i: number): string {
  const day = String(1 + (i % 28)).padStart(2, '0');
  const month = String(1 + (Math.floor(i / 28) % 12)).padStart(2, '0');
  const year = String(40 + (Math.floor(i / 336) % 60)).padStart(2, '0');
  return `${day}${month}${year}${String(1000 + Math.floor(i / 20160)).padStart(4, '0')}`;
}

/** Bare commits per second (one audit row each, its own transaction): the fsync cost without the service's CPU work. */
async function commitsPerSecond(mode: SqliteSynchronous): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-durability-'));
  const db = createDb('sqlite:' + path.join(dir, 'bench.sqlite'), { sqliteSynchronous: mode });
  try {
    await migrate(db);
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < 3000) {
      await db.transaction((trx) => trx('audit_log').insert({ at: new Date().toISOString(), action: 'bench' }));
      n++;
    }
    return n / ((performance.now() - start) / 1000);
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function savesPerSecond(mode: SqliteSynchronous): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-durability-'));
  const db = createDb('sqlite:' + path.join(dir, 'bench.sqlite'), { sqliteSynchronous: mode });
  try {
    await migrate(db);
    await createDemoUsersIfEmpty(db);
    const row = await db('users').where({ email: 'terapeut.aarhus@demo.dk' }).first();
    const user = { id: Number(row.id), email: row.email, name: row.name, roles: ['therapist' as const], scope: (await resolveScope(db, '751'))!, mustChangePassword: false, via: 'session' as const };
    const cs = { db, cprKey: CPR_KEY, user, actor: { userId: user.id, email: user.email, scope: '751', ip: null }, lang: 'da' as const };
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < SECONDS * 1000) {
      await createCourse(cs, { cpr: cpr(n), referral_date: '2024-01-10', diagnosis_group: 'ihd', referral_source: 'hospital' });
      n++;
    }
    const rate = n / ((performance.now() - start) / 1000);
    const [{ synchronous }] = await db.raw('PRAGMA synchronous');
    console.log(`synchronous=${mode.padEnd(6)} (PRAGMA ${synchronous}): ${n} saves in ${SECONDS} s = ${rate.toFixed(0)} saves/s`);
    return rate;
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  // Alternating rounds, so a change in the machine's load hits both settings alike.
  const normal: number[] = [];
  const full: number[] = [];
  for (let round = 0; round < 3; round++) {
    normal.push(await savesPerSecond('NORMAL'));
    full.push(await savesPerSecond('FULL'));
  }
  const [n, f] = [median(normal), median(full)];
  console.log(`median: NORMAL ${n.toFixed(0)} saves/s, FULL ${f.toFixed(0)} saves/s: FULL costs ${(100 * (1 - f / n)).toFixed(0)} % (disk: ${os.tmpdir()})`);
  const bare: Record<SqliteSynchronous, number[]> = { NORMAL: [], FULL: [] };
  for (let round = 0; round < 3; round++) {
    bare.NORMAL.push(await commitsPerSecond('NORMAL'));
    bare.FULL.push(await commitsPerSecond('FULL'));
  }
  console.log(`bare commits (one row each): NORMAL ${median(bare.NORMAL).toFixed(0)}/s, FULL ${median(bare.FULL).toFixed(0)}/s`);
})();

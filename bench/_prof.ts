import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportColumns, formatCell } from '../server/courses/export';
import type { VariableName } from '../server/courses/variables';
import { generateDemoCourses } from '../server/demo/generate';
import { createDemoUsersIfEmpty } from '../server/demo/users';
import { runImport } from '../server/imports/service';
import { toCurrentUser } from '../server/auth/users';
import { today } from '../server/time';
import { freshBenchDb } from './lib';
async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-prof-'));
  const file = path.join(dir, 'f.csv');
  const columns = exportColumns(false);
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, columns.join(';') + '\r\n');
  for (const c of generateDemoCourses({ count: Number(process.argv[2]), municipalityCodes: ['751'], years: 10, today: today(), seed: 5 })) {
    const values = { ...c.values, cpr: c.cpr, patient_name: c.patient_name, municipality_code: '751' };
    fs.writeSync(out, columns.map((col) => formatCell(col as VariableName, values[col as VariableName] ?? null)).join(';') + '\r\n');
  }
  fs.closeSync(out);
  const { db, cleanup } = await freshBenchDb(dir);
  await createDemoUsersIfEmpty(db);
  const t = (await toCurrentUser(db, await db('users').where({ email: 'terapeut.aarhus@demo.dk' }).first(), 'session'))!;
  const ctx = { db, cprKey: crypto.randomBytes(32), maxBytes: 1e12, lang: 'da' as const };
  const actor = { userId: t.id, email: t.email, scope: '751', ip: null };
  let s = Date.now();
  await runImport(ctx, t, actor, fs.createReadStream(file), { dryRun: process.argv[3] !== 'commit' });
  console.log('took', Date.now() - s);
  await cleanup();
}
main();

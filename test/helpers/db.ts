import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, Db, migrate } from '../../server/db/connect';

/**
 * A fresh, migrated database for one test file. SQLite (default): a copy of a template migrated once per run.
 * With TEST_ENGINE=pg: a new schema in TEST_DATABASE_URL, migrated.
 */
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-test-'));
let template: Promise<string> | undefined;
const opened: Db[] = [];
const schemas: string[] = [];

export const testEngine: 'sqlite' | 'pg' = process.env.TEST_ENGINE === 'pg' ? 'pg' : 'sqlite';

async function sqliteTemplate(): Promise<string> {
  const file = path.join(tmpDir, 'template.sqlite');
  const db = createDb('sqlite:' + file);
  await migrate(db);
  await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
  await db.raw('PRAGMA journal_mode = DELETE');
  await db.destroy();
  return file;
}

/** The database URL of a fresh database (SQLite file copy or PostgreSQL schema). */
export async function freshDatabaseUrl(): Promise<{ url: string; searchPath?: string }> {
  if (testEngine === 'pg') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_ENGINE=pg needs TEST_DATABASE_URL');
    const schema = 't_' + crypto.randomBytes(6).toString('hex');
    const admin = createDb(url, { poolMax: 1 });
    await admin.raw('CREATE SCHEMA ??', [schema]);
    await admin.destroy();
    schemas.push(schema);
    return { url, searchPath: schema };
  }
  template ??= sqliteTemplate();
  const file = path.join(tmpDir, crypto.randomBytes(6).toString('hex') + '.sqlite');
  fs.copyFileSync(await template, file);
  return { url: 'sqlite:' + file };
}

export async function freshDb(): Promise<Db> {
  const { url, searchPath } = await freshDatabaseUrl();
  // Idle PostgreSQL connections close quickly: a run opens hundreds of test databases.
  // Throwaway test files need no power-cut durability: NORMAL spares an fsync per commit (the product runs FULL,
  // which test/integration/db.test.ts checks).
  const db = createDb(url, { searchPath, poolMax: 4, idleTimeoutMillis: 300, sqliteSynchronous: 'NORMAL' });
  if (testEngine === 'pg') await migrate(db);
  opened.push(db);
  return db;
}

/** Closes every database opened by freshDb and drops the PostgreSQL schemas (mocha root hook). */
export async function closeAllTestDbs(): Promise<void> {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
  if (testEngine === 'pg' && schemas.length) {
    const admin = createDb(process.env.TEST_DATABASE_URL!, { poolMax: 1 });
    for (const s of schemas.splice(0)) await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [s]);
    await admin.destroy();
  }
  fs.rmSync(tmpDir, { recursive: true, force: true });
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDb, Db, migrate } from '../../server/db/connect';

/**
 * A fresh, migrated database for one test file. SQLite (default): a copy of a template file migrated once per run.
 * With TEST_ENGINE=pg: a new database in TEST_DATABASE_URL's cluster, created from a template database migrated once
 * per run (CREATE DATABASE … TEMPLATE copies it in ~50 ms; running the 32 migrations took 0.5–1.5 s each time).
 */
const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-test-'));
let template: Promise<string> | undefined;
let creating: Promise<unknown> = Promise.resolve();
const opened: Db[] = [];
const pgDatabases: string[] = [];

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

function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_ENGINE=pg needs TEST_DATABASE_URL');
  return url;
}

/** TEST_DATABASE_URL with another database name. */
function pgUrlOf(database: string): string {
  const url = new URL(testDatabaseUrl());
  url.pathname = '/' + database;
  return url.toString();
}

/** Runs `work` with a handle on TEST_DATABASE_URL's own database (to create and drop databases). */
async function withPgAdmin<T>(work: (admin: Db) => Promise<T>, poolMax = 1): Promise<T> {
  const admin = createDb(testDatabaseUrl(), { poolMax });
  try { return await work(admin); } finally { await admin.destroy(); }
}

const runId = `${process.pid}_${crypto.randomBytes(3).toString('hex')}`;

async function pgTemplate(): Promise<string> {
  const name = `hk_tpl_${runId}`;
  await withPgAdmin((admin) => admin.raw('CREATE DATABASE ??', [name]));
  pgDatabases.push(name);
  const db = createDb(pgUrlOf(name), { poolMax: 1 });
  try { await migrate(db); } finally { await db.destroy(); }
  return name;
}

/** A new database copied from the run's migrated template (one CREATE DATABASE at a time: the copy needs the template idle). */
async function pgFreshDatabase(): Promise<string> {
  const tpl = (template ??= pgTemplate());
  const name = `hk_t_${runId}_${crypto.randomBytes(4).toString('hex')}`;
  const created = creating.then(async () => withPgAdmin(async (admin) => admin.raw('CREATE DATABASE ?? TEMPLATE ??', [name, await tpl])));
  creating = created.catch(() => undefined);
  await created;
  pgDatabases.push(name);
  return name;
}

/** The database URL of a fresh, migrated database (SQLite file copy or PostgreSQL database copy). */
export async function freshDatabaseUrl(): Promise<{ url: string; searchPath?: string }> {
  if (testEngine === 'pg') return { url: pgUrlOf(await pgFreshDatabase()) };
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
  opened.push(db);
  return db;
}

/** Closes every database opened by freshDb and drops the PostgreSQL databases of the run (mocha root hook). */
export async function closeAllTestDbs(): Promise<void> {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
  if (testEngine === 'pg' && pgDatabases.length) {
    // Four at a time; WITH (FORCE): a test that left a handle open must not keep its database alive after the run.
    const names = pgDatabases.splice(0);
    await withPgAdmin(async (admin) => {
      const next = async (): Promise<void> => {
        for (let name = names.pop(); name; name = names.pop()) await admin.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]);
      };
      await Promise.all([next(), next(), next(), next()]);
    }, 4);
  }
  fs.rmSync(tmpDir, { recursive: true, force: true });
}

import fs from 'node:fs';
import path from 'node:path';
import knex, { Knex } from 'knex';
import pg from 'pg';
import { ROOT } from '../paths';

export type Db = Knex;

// DATE stays an ISO string and timestamptz an ISO instant, so both engines give the same row values.
pg.types.setTypeParser(1082, (v: string) => v);
pg.types.setTypeParser(1184, (v: string) => new Date(v).toISOString());
pg.types.setTypeParser(1114, (v: string) => new Date(v + 'Z').toISOString());
pg.types.setTypeParser(20, (v: string) => Number(v)); // count(*) is bigint; our counts fit in a double

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** knex for sqlite:<path> or postgres://…; SQLite with WAL, foreign keys and a busy timeout. */
/**
 * SQLite's `synchronous` setting. FULL (the default) syncs the WAL at every commit, so an acknowledged save survives a
 * power cut; NORMAL survives a process kill only (bench/sqlite-durability.ts measures the difference).
 */
export type SqliteSynchronous = 'FULL' | 'NORMAL';

export function createDb(databaseUrl: string, opts: { searchPath?: string; poolMax?: number; idleTimeoutMillis?: number; sqliteSynchronous?: SqliteSynchronous } = {}): Db {
  if (isPostgresUrl(databaseUrl)) {
    return knex({
      client: 'pg',
      connection: databaseUrl,
      searchPath: opts.searchPath ? [opts.searchPath] : undefined,
      pool: { min: 0, max: opts.poolMax ?? 10, idleTimeoutMillis: opts.idleTimeoutMillis ?? 30_000, reapIntervalMillis: 250 },
    });
  }
  const file = databaseUrl.replace(/^sqlite:/, '');
  const filename = file === ':memory:' ? file : path.resolve(ROOT, file);
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(filename), { recursive: true });
  return knex({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // One connection: SQLite serialises writers anyway, and one connection keeps transactions simple.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { run: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
        conn.run('PRAGMA foreign_keys = ON', (e1) => {
          if (e1) return done(e1, conn);
          conn.run('PRAGMA journal_mode = WAL', () => {
            conn.run('PRAGMA busy_timeout = 5000', (e3) => {
              conn.run(`PRAGMA synchronous = ${opts.sqliteSynchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`, () => done(e3, conn));
            });
          });
        });
      },
    },
  });
}

export function isPostgres(db: Db): boolean {
  return db.client.config.client === 'pg';
}

/**
 * Migrations from migrations/ (.ts in the source tree, .js in dist/), recorded under their name without the
 * extension, so a database migrated by the CLI (tsx) and by the built server agree.
 */
function migrationSource(): Knex.MigrationSource<string> {
  const compiled = __filename.endsWith('.js') && __dirname.includes(`${path.sep}dist${path.sep}`);
  const dir = compiled ? path.join(ROOT, 'dist', 'migrations') : path.join(ROOT, 'migrations');
  const ext = compiled ? '.js' : '.ts';
  return {
    getMigrations: async () => fs.readdirSync(dir).filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts')).sort(),
    getMigrationName: (file) => path.basename(file, ext),
    getMigration: async (file) => require(path.join(dir, file)),
  };
}

/** Run all migrations. */
export async function migrate(db: Db): Promise<void> {
  await db.migrate.latest({ migrationSource: migrationSource(), tableName: 'knex_migrations' });
}

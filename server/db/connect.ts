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
      pool: {
        min: 0, max: opts.poolMax ?? 10, idleTimeoutMillis: opts.idleTimeoutMillis ?? 30_000, reapIntervalMillis: 250,
        afterCreate(conn: PgConnection, done: (err: Error | null, conn: unknown) => void) {
          reuseParsedStatements(conn);
          done(null, conn);
        },
      },
    });
  }
  const file = databaseUrl.replace(/^sqlite:/, '');
  const filename = file === ':memory:' ? file : path.resolve(ROOT, file);
  if (filename !== ':memory:') fs.mkdirSync(path.dirname(filename), { recursive: true });
  const synchronous = opts.sqliteSynchronous === 'NORMAL' ? 'NORMAL' : 'FULL';
  // busy_timeout first: a second process opening the file at the same time waits for the switch to WAL.
  const db = sqliteKnex(filename, ['PRAGMA foreign_keys = ON', 'PRAGMA busy_timeout = 5000', 'PRAGMA journal_mode = WAL', `PRAGMA synchronous = ${synchronous}`]);
  if (filename !== ':memory:') sqliteFiles.set(db, filename);
  return db;
}

/** The file of each SQLite database (not `:memory:`, whose every connection is a database of its own). */
const sqliteFiles = new WeakMap<Knex, string>();
const readers = new WeakMap<Knex, Knex>();

/**
 * A connection for reads outside a transaction. On PostgreSQL (a pool) and an in-memory SQLite database, `db`
 * itself. On an SQLite file, a second, read-only connection (`query_only`), opened at first use and closed with
 * `db`: in WAL mode it reads the last committed state while the one writing connection is busy, so the reads a
 * request makes before it writes (its token, its user, the course) do not queue behind a committing transaction
 * and its fsync. It sees exactly what a read on `db` outside a transaction sees: every committed transaction, and
 * nothing of one still open. Never for a read that must see its own transaction's writes (use the transaction).
 */
export function readerOf(db: Db): Db {
  const filename = sqliteFiles.get(db);
  if (filename === undefined) return db;
  let reader = readers.get(db);
  if (reader) return reader;
  reader = openReader(filename);
  readers.set(db, reader);
  // Listeners on `db` (statement counts, debugging) see the reads it lends out.
  for (const event of ['query', 'query-error', 'query-response']) reader.on(event, (...args: unknown[]) => db.emit(event, ...args));
  const destroy = db.client.destroy.bind(db.client);
  db.client.destroy = async (callback?: (err?: unknown) => void) => {
    const r = readers.get(db);
    readers.delete(db);
    await r?.destroy();
    return destroy(callback);
  };
  return reader;
}

/** knex on one read-only connection to an SQLite file (WAL is the file's; the writer set it). */
function openReader(filename: string): Db {
  return sqliteKnex(filename, ['PRAGMA query_only = ON', 'PRAGMA busy_timeout = 5000']);
}

/**
 * knex on one SQLite connection (SQLite serialises writers anyway, and one connection keeps transactions simple),
 * set up by `pragmas` in order (the first error fails the connection), its repeated statements kept prepared.
 */
function sqliteKnex(filename: string, pragmas: readonly string[]): Db {
  return knex({
    client: 'sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) {
        const run = (i: number): void => {
          if (i === pragmas.length) {
            reusePreparedStatements(conn);
            return done(null, conn);
          }
          conn.run(pragmas[i], (err) => (err ? done(err, conn) : run(i + 1)));
        };
        run(0);
      },
    },
  });
}

/** What knex's sqlite3 client calls on a connection (node-sqlite3's Database), and a prepared statement of it. */
type SqliteCallback = (this: unknown, err: Error | null, result?: unknown) => void;
interface SqliteStatement {
  all(params: unknown[], cb: SqliteCallback): void;
  run(params: unknown[], cb: SqliteCallback): void;
  finalize(cb: () => void): void;
}
interface SqliteConnection {
  all(sql: string, params: unknown[], cb: SqliteCallback): void;
  run(sql: string, params: unknown[] | ((err: Error | null) => void), cb?: SqliteCallback): void;
  prepare(sql: string, cb: (err: Error | null) => void): SqliteStatement;
  close(cb: (err: Error | null) => void): void;
}

/** Prepared statements kept per connection (the most recently used; a query seen once is not kept). */
const STATEMENT_CACHE_SIZE = 200;

/**
 * knex sends every query to node-sqlite3 as a new statement: prepare, step and finalize are three trips to the
 * thread pool and back. A statement the connection runs again is prepared once (beside the second run) and from then
 * on only stepped (one trip; a section save sends eight statements). A statement is used only once its preparation
 * succeeded (node-sqlite3 drops the calls queued on a statement that failed to prepare); one whose run fails is
 * finalized and prepared afresh later; the connection finalizes its statements before it closes. Results,
 * errors, `this.changes` and `this.lastID` are those of node-sqlite3's own statements.
 */
function reusePreparedStatements(conn: SqliteConnection): void {
  const cache = new Map<string, SqliteStatement>();
  const preparing = new Map<string, Promise<void>>();
  let closing = false;
  const seen = new Set<string>();
  const drop = (sql: string) => {
    const stmt = cache.get(sql);
    cache.delete(sql);
    stmt?.finalize(() => undefined);
  };
  const prepareBeside = (sql: string) => {
    preparing.set(sql, new Promise<void>((resolve) => {
      const stmt = conn.prepare(sql, (err) => {
        preparing.delete(sql);
        if (err) return resolve();
        if (closing) return stmt.finalize(resolve);
        if (cache.size >= STATEMENT_CACHE_SIZE) drop(cache.keys().next().value as string);
        cache.set(sql, stmt);
        resolve();
      });
    }));
  };
  const prepared = (sql: string): SqliteStatement | undefined => {
    const stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql); // re-inserted: the Map's order is the recency
      cache.set(sql, stmt);
      return stmt;
    }
    if (preparing.has(sql)) return undefined;
    if (seen.has(sql) && !closing) prepareBeside(sql);
    else {
      if (seen.size >= STATEMENT_CACHE_SIZE * 4) seen.clear();
      seen.add(sql);
    }
    return undefined;
  };
  for (const method of ['all', 'run'] as const) {
    const direct = conn[method].bind(conn) as SqliteConnection['all'];
    // Any other call shape (`run(sql, cb)`, bindings as separate arguments) goes to node-sqlite3 exactly as given:
    // passing it on with an added `undefined` would make the callback a binding and the call never answer.
    conn[method] = function (sql: string, ...rest: unknown[]) {
      const [params, cb] = rest as [unknown, SqliteCallback | undefined];
      const stmt = rest.length === 2 && typeof cb === 'function' && Array.isArray(params) ? prepared(sql) : undefined;
      if (!stmt) return (direct as (...args: unknown[]) => void)(sql, ...rest);
      stmt[method](params as unknown[], function (this: unknown, err, result) {
        if (err) drop(sql);
        cb!.call(this, err, result);
      });
    } as SqliteConnection['all'];
  }
  const close = conn.close.bind(conn);
  conn.close = (cb) => {
    closing = true;
    void Promise.all(preparing.values()).then(() => {
      const open = [...cache.values()];
      cache.clear();
      return Promise.all(open.map((s) => new Promise<void>((resolve) => s.finalize(resolve))));
    }).then(() => close(cb));
  };
}

/** What knex's pg client calls on a connection (node-postgres's Client): a query config and a callback. */
interface PgQueryConfig { text?: unknown; values?: unknown[]; name?: unknown; [option: string]: unknown }
interface PgConnection { query(config: unknown, ...rest: unknown[]): unknown }

/** Statements PostgreSQL keeps parsed and planned, at most (the same on every connection: a name is one text). */
const PG_STATEMENT_NAMES = 300;
const pgNames = new Map<string, string>();
const pgSeen = new Set<string>();

/** The name of a statement text seen before (and under the cap), or undefined: run it unnamed. */
function pgStatementName(text: string): string | undefined {
  const known = pgNames.get(text);
  if (known !== undefined) return known;
  if (!pgSeen.has(text)) {
    if (pgSeen.size >= PG_STATEMENT_NAMES * 4) pgSeen.clear();
    pgSeen.add(text);
    return undefined;
  }
  if (pgNames.size >= PG_STATEMENT_NAMES) return undefined;
  const name = `hk_${pgNames.size + 1}`;
  pgNames.set(text, name);
  return name;
}

/** Parameters above which a statement is taken for a bulk one (a list or many rows: a text per length). */
const PG_REUSE_MAX_VALUES = 64;

/**
 * A statement worth naming: a query or change with bindings, not a bulk one (a multi-row VALUES, a long list), whose
 * one-off texts would use up the names and whose parsing its size amortises anyway; and no binding a list (`= ANY(?)`,
 * `unnest(?)`): a generic plan cannot know the list's length, and PostgreSQL chose one that cost the FHIR store's
 * read and upsert 8.0 instead of 3.8 ms of server CPU per bundle (bench/fhir.ts).
 */
function reusable(c: PgQueryConfig): boolean {
  const n = c.values?.length ?? 0;
  const text = c.text as string;
  return n > 0 && n <= PG_REUSE_MAX_VALUES && /^\s*(select|insert|update|delete|with)\b/i.test(text) && !/\)\s*,\s*\(/.test(text)
    && !c.values!.some(Array.isArray);
}

/**
 * knex sends every query to PostgreSQL unnamed, which parses, analyses and plans it afresh at every run: for a
 * section save's statements (`courses.*` joined with its patient, the update with its audit row) that costs the
 * engine more than running them (0.3–0.4 ms each, measured by bench/saves.ts's backend CPU). A statement with
 * bindings that the process sends a second time gets a name, so node-postgres parses it once per connection and
 * the server reuses its plan (choosing a generic plan only where it costs no more than the custom ones). Texts map
 * to names one to one, for all connections, up to PG_STATEMENT_NAMES texts; later texts run unnamed. Results and
 * errors are those of the unnamed statement.
 */
function reuseParsedStatements(conn: PgConnection): void {
  const query = conn.query.bind(conn);
  conn.query = (config: unknown, ...rest: unknown[]) => {
    const c = config as PgQueryConfig | null;
    if (c && Object.getPrototypeOf(c) === Object.prototype && typeof c.text === 'string' && c.name === undefined && reusable(c)) {
      const name = pgStatementName(c.text);
      if (name !== undefined) return query({ ...c, name }, ...rest);
    }
    return query(config, ...rest);
  };
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

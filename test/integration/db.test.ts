import { expect } from 'chai';
import { createDb, readerOf } from '../../server/db/connect';
import { freshDatabaseUrl, freshDb, testEngine } from '../helpers/db';

describe(`database (${testEngine})`, () => {
  it('has the 98 municipalities in the order of municipalities.csv', async () => {
    const db = await freshDb();

    const rows = await db('municipalities').orderBy('sort_order').select('code', 'region_code', 'cluster_code');

    expect(rows).to.have.length(98);
    expect(rows[0]).to.deep.equal({ code: '101', region_code: '1084', cluster_code: null });
    expect(rows.filter((r) => r.region_code === '1082')).to.have.length(19);
  });

  it('refuses to change or delete audit rows (append-only)', async () => {
    const db = await freshDb();
    await db('audit_log').insert({ at: new Date().toISOString(), action: 'test' });

    let updateError: unknown;
    try { await db('audit_log').update({ action: 'changed' }); } catch (e) { updateError = e; }
    let deleteError: unknown;
    try { await db('audit_log').del(); } catch (e) { deleteError = e; }

    expect(String(updateError)).to.match(/append-only/);
    expect(String(deleteError)).to.match(/append-only/);
    expect(await db('audit_log').count({ n: '*' })).to.deep.equal([{ n: 1 }]);
  });
});

describe('SQLite durability', () => {
  it('runs WAL with synchronous=FULL, so an acknowledged commit survives a power cut', async function () {
    if (testEngine !== 'sqlite') this.skip();
    const db = createDb((await freshDatabaseUrl()).url);
    const [{ synchronous }] = await db.raw('PRAGMA synchronous');
    const [{ journal_mode }] = await db.raw('PRAGMA journal_mode');
    expect(synchronous).to.equal(2); // 0 OFF, 1 NORMAL, 2 FULL
    expect(journal_mode).to.equal('wal');
    await db.destroy();
  });
});

describe('SQLite: statements run again are kept prepared (db/connect.ts)', () => {
  it('a repeated query, insert, update and failing insert answer as a fresh statement does; the database closes cleanly', async function () {
    if (testEngine !== 'sqlite') this.skip();
    const db = createDb((await freshDatabaseUrl()).url);
    await db.schema.createTable('t', (t) => { t.increments('id'); t.string('k').unique(); t.integer('n'); });
    for (let i = 1; i <= 5; i++) {
      // The same SQL five times: the third and later runs use the kept statement.
      const [id] = await db('t').insert({ k: `k${i}`, n: i });
      expect(id).to.equal(i);
      expect(await db('t').where('k', `k${i}`).first('n')).to.deep.equal({ n: i });
      expect(await db('t').where('id', i).update({ n: i * 10 })).to.equal(1);
      expect(await db('t').where('id', 99).update({ n: 0 })).to.equal(0);
    }
    for (let i = 0; i < 3; i++) {
      let err: { code?: string; message?: string } | undefined;
      try { await db('t').insert({ k: 'k1', n: 0 }); } catch (e) { err = e as typeof err; }
      expect(err?.code).to.equal('SQLITE_CONSTRAINT');
      expect(err?.message).to.match(/UNIQUE/);
    }
    await db.transaction(async (trx) => { await trx('t').insert({ k: 'in-trx', n: 1 }); });
    await db.transaction(async (trx) => { await trx('t').insert({ k: 'in-trx-2', n: 1 }); });
    expect(await db('t').select('n').orderBy('id')).to.deep.equal([10, 20, 30, 40, 50, 1, 1].map((n) => ({ n })));
    await db.schema.dropTable('t');
    let missing: unknown;
    try { await db('t').where('k', 'k1').first('n'); } catch (e) { missing = e; }
    expect(String(missing)).to.match(/no such table/);
    await db.destroy();
  });

  it('the driver\'s other call shapes still answer: run(sql, callback) and bindings as separate arguments', async function () {
    if (testEngine !== 'sqlite') this.skip();
    const db = createDb((await freshDatabaseUrl()).url);
    type Raw = { run(sql: string, ...rest: unknown[]): void; all(sql: string, ...rest: unknown[]): void };
    const conn = (await db.client.acquireConnection()) as Raw;
    try {
      const withTimeout = <T>(p: Promise<T>) => Promise.race([p, new Promise<T>((_, ko) => setTimeout(() => ko(new Error('no answer')), 2000))]);
      for (let i = 0; i < 3; i++) { // the third call would use a kept statement if the shape were taken for one
        await withTimeout(new Promise<void>((ok, ko) => conn.run('CREATE TABLE IF NOT EXISTS shapes (n INTEGER)', (e: Error | null) => (e ? ko(e) : ok()))));
        await withTimeout(new Promise<void>((ok, ko) => conn.run('INSERT INTO shapes (n) VALUES (?)', i, (e: Error | null) => (e ? ko(e) : ok()))));
      }
      const rows = await withTimeout(new Promise<unknown[]>((ok, ko) => conn.all('SELECT n FROM shapes WHERE n >= ? ORDER BY n', 1, (e: Error | null, r: unknown[]) => (e ? ko(e) : ok(r)))));
      expect(rows).to.deep.equal([{ n: 1 }, { n: 2 }]);
    } finally {
      await db.client.releaseConnection(conn);
      await db.destroy();
    }
  });
});

describe('PostgreSQL: statements sent again are kept parsed and planned (db/connect.ts)', () => {
  it('a repeated query, insert, update and failing insert answer as an unnamed statement does, and are prepared once', async function () {
    if (testEngine !== 'pg') this.skip();
    const db = await freshDb();
    await db.schema.createTable('t', (t) => { t.increments('id'); t.string('k').unique(); t.integer('n'); });
    await db.transaction(async (trx) => { // one connection: its prepared statements are the server's to list
      for (let i = 1; i <= 5; i++) {
        const [{ id }] = await trx('t').insert({ k: `k${i}`, n: i }).returning('id');
        expect(id).to.equal(i);
        expect(await trx('t').where('k', `k${i}`).first('n')).to.deep.equal({ n: i });
        expect(await trx('t').where('id', i).update({ n: i * 10 })).to.equal(1);
        expect(await trx('t').where('id', 99).update({ n: 0 })).to.equal(0);
      }
      const prepared = (await trx.raw('select statement from pg_prepared_statements where statement like ?', ['%"t"%'])).rows
        .map((r: { statement: string }) => r.statement);
      expect(prepared.filter((s: string) => /^select "n" from "t" where "k" = \$1/.test(s)), prepared.join('\n')).to.have.length(1);
      expect(prepared.filter((s: string) => /^insert into "t"/.test(s))).to.have.length(1);
      expect(prepared.filter((s: string) => /^update "t"/.test(s))).to.have.length(1);
      // Bulk statements stay unnamed: a multi-row insert (a text per row count) and a long list.
      for (let i = 0; i < 3; i++) {
        await trx('t').insert([{ k: `m${i}a`, n: 0 }, { k: `m${i}b`, n: 0 }]);
        await trx('t').whereIn('id', Array.from({ length: 100 }, (_, j) => j + 1)).select('id');
        // A list as one binding: a generic plan would not know its length.
        await trx.raw('select id from t where id = any(?::int[])', [[1, 2, 3].slice(0, i + 1)]);
      }
      const after = (await trx.raw('select statement from pg_prepared_statements')).rows.map((r: { statement: string }) => r.statement);
      expect(after.filter((s: string) => /\), ?\(|in \(\$1, \$2, \$3|= any\(/i.test(s)), after.join('\n')).to.deep.equal([]);
    });
    for (let i = 0; i < 3; i++) {
      let err: { code?: string } | undefined;
      try { await db('t').insert({ k: 'k1', n: 0 }); } catch (e) { err = e as typeof err; }
      expect(err?.code).to.equal('23505');
    }
    await db.transaction(async (trx) => { await trx('t').insert({ k: 'in-trx', n: 1 }); });
    let rolledBack: unknown;
    try {
      await db.transaction(async (trx) => { await trx('t').insert({ k: 'in-trx-2', n: 1 }); throw new Error('roll back'); });
    } catch (e) { rolledBack = e; }
    expect(String(rolledBack)).to.match(/roll back/);
    expect(await db('t').whereNot('k', 'like', 'm%').select('n').orderBy('id')).to.deep.equal([10, 20, 30, 40, 50, 1].map((n) => ({ n })));
    await db.schema.dropTable('t');
    let missing: unknown;
    try { await db('t').where('k', 'k1').first('n'); } catch (e) { missing = e; }
    expect(String(missing)).to.match(/does not exist/);
  });
});

describe(`db/connect readerOf: reads outside a transaction that do not queue behind one (${testEngine})`, () => {
  it('SQLite file: a read-only connection that answers while a transaction holds the writer, and sees only what is committed', async function () {
    if (testEngine !== 'sqlite') this.skip();
    const db = createDb((await freshDatabaseUrl()).url);
    const reader = readerOf(db);
    expect(reader).not.to.equal(db);
    expect(readerOf(db)).to.equal(reader);
    const action = (a: string) => reader('audit_log').where('action', a).count({ n: '*' }).then(([r]) => Number(r.n));
    let release!: () => void;
    const held = new Promise<void>((ok) => { release = ok; });
    const writing = db.transaction(async (trx) => {
      await trx('audit_log').insert({ at: new Date().toISOString(), action: 'reader_test' });
      await held; // the writer's one connection is held until the reads below have answered
    });
    await new Promise((ok) => setTimeout(ok, 50));
    const during = await Promise.race([action('reader_test'), new Promise((ok) => setTimeout(() => ok('queued'), 2000))]);
    expect(during, 'answered during the transaction, without its uncommitted row').to.equal(0);
    release();
    await writing;
    expect(await action('reader_test'), 'the committed row').to.equal(1);
    let refused: unknown;
    try { await reader('audit_log').insert({ at: new Date().toISOString(), action: 'via_reader' }); } catch (e) { refused = e; }
    expect(String(refused)).to.match(/readonly|read-only|query_only/i);
    const seen: string[] = [];
    db.on('query', (q: { sql: string }) => seen.push(q.sql));
    await action('reader_test');
    expect(seen.some((s) => /from .?audit_log/i.test(s)), 'the reader\'s statements reach listeners on db').to.equal(true);
    await db.destroy();
    let closed: unknown;
    try { await reader.raw('select 1'); } catch (e) { closed = e; }
    expect(closed, 'destroyed with db').to.be.an('error');
  });

  it('PostgreSQL, a transaction and an in-memory SQLite database: the handle itself', async () => {
    const db = await freshDb();
    if (testEngine === 'pg') expect(readerOf(db)).to.equal(db);
    await db.transaction(async (trx) => { expect(readerOf(trx)).to.equal(trx); });
    const memory = createDb('sqlite::memory:');
    expect(readerOf(memory)).to.equal(memory);
    await memory.destroy();
  });
});

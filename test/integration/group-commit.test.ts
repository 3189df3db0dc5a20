import { expect } from 'chai';
import type { Db } from '../../server/db/connect';
import { inGroupCommit } from '../../server/db/group-commit';
import { freshDb, testEngine } from '../helpers/db';

describe(`db/group-commit: writes that arrive together share a transaction (${testEngine})`, () => {
  let db: Db;
  before(async () => { db = await freshDb(); });

  const rows = async (action: string) => (await db('audit_log').where('action', action).orderBy('id').select('entity_id')).map((r) => r.entity_id);

  it('concurrent writes all land, in fewer transactions than writes, each answered after its commit', async () => {
    const begins: string[] = [];
    const listen = (q: { sql: string }) => { if (/^BEGIN/i.test(q.sql)) begins.push(q.sql); };
    db.on('query', listen);
    try {
      const results = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => inGroupCommit(db, async (trx) => {
        await trx('audit_log').insert({ at: new Date().toISOString(), action: 'group_test', entity_id: String(i) });
        return i * 10;
      })));
      expect(results).to.deep.equal([10, 20, 30, 40, 50, 60]);
    } finally {
      db.off('query', listen);
    }
    expect(await rows('group_test')).to.deep.equal(['1', '2', '3', '4', '5', '6']);
    expect(begins.length).to.be.lessThan(6).and.at.least(1);
  });

  it('a write that fails in a group is rolled back alone and rejects only its caller', async () => {
    const write = (i: number) => inGroupCommit(db, async (trx) => {
      await trx('audit_log').insert({ at: new Date().toISOString(), action: 'group_fail', entity_id: String(i) });
      if (i === 2) throw new Error('write 2 fails');
      return i;
    });
    const results = await Promise.allSettled([1, 2, 3, 4].map(write));
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).to.match(/write 2 fails/);
    expect(await rows('group_fail')).to.deep.equal(['1', '3', '4']);
  });

  it('a write alone that fails leaves nothing and rejects with its own error', async () => {
    let err: unknown;
    try {
      await inGroupCommit(db, async (trx) => {
        await trx('audit_log').insert({ at: new Date().toISOString(), action: 'alone_fail', entity_id: '1' });
        throw new Error('alone fails');
      });
    } catch (e) { err = e; }
    expect(String(err)).to.match(/alone fails/);
    expect(await rows('alone_fail')).to.deep.equal([]);
  });

  it('a group spends no savepoint per write and appends its rows in one statement, after its writes', async () => {
    const sql: string[] = [];
    const listen = (q: { sql: string }) => { sql.push(q.sql); };
    const cols = ['at', 'action', 'entity_id'];
    // The first write holds the connection while the others queue: they form one group of five.
    const first = inGroupCommit(db, async (trx, append) => {
      await trx.raw('select 1');
      append('audit_log', cols, [new Date().toISOString(), 'append_test', '0']);
      return 0;
    });
    db.on('query', listen);
    let results: number[];
    try {
      results = await Promise.all([first, ...[1, 2, 3, 4, 5].map((i) => inGroupCommit(db, async (trx, append) => {
        await trx('audit_log').where('action', 'no such action').update({ entity: 'x' });
        append('audit_log', cols, [new Date().toISOString(), 'append_test', String(i)]);
        return i;
      }))]);
    } finally {
      db.off('query', listen);
    }
    expect(results).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(await rows('append_test')).to.deep.equal(['0', '1', '2', '3', '4', '5']);
    expect(sql.filter((s) => /savepoint/i.test(s)), sql.join('\n')).to.deep.equal([]);
    const inserts = sql.filter((s) => /^insert into "?audit_log"?/i.test(s));
    expect(inserts, 'the first write\'s group, then the five queued writes\' rows in one statement').to.have.length(2);
    expect(inserts[1].match(/\(\?,\?,\?\)|\(\$\d+,\$\d+,\$\d+\)/g)).to.have.length(5);
    expect(sql.filter((s) => /^update/i.test(s))).to.have.length(5);
    expect(sql.indexOf(inserts[1])).to.be.greaterThan(sql.map((s) => /^update/i.test(s)).lastIndexOf(true));
  });

  it('a write that fails in a group: the others and their appended rows land, its own rows do not', async () => {
    const cols = ['at', 'action', 'entity_id'];
    const runs = new Map<number, number>();
    const write = (i: number) => inGroupCommit(db, async (trx, append) => {
      runs.set(i, (runs.get(i) ?? 0) + 1);
      await trx('audit_log').insert({ at: new Date().toISOString(), action: 'append_fail_direct', entity_id: String(i) });
      append('audit_log', cols, [new Date().toISOString(), 'append_fail', String(i)]);
      if (i === 3) throw new Error('write 3 fails');
      return i;
    });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map(write));
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).to.match(/write 3 fails/);
    expect(await rows('append_fail')).to.deep.equal(['1', '2', '4', '5']);
    expect(await rows('append_fail_direct')).to.deep.equal(['1', '2', '4', '5']);
    expect(runs.get(1)).to.be.at.most(2); // at most once in the group and once alone
  });

  it('rows appended by a group whose insert fails: every write of the group rejects and nothing lands', async () => {
    const results = await Promise.allSettled([1, 2, 3].map((i) => inGroupCommit(db, async (trx, append) => {
      await trx('audit_log').insert({ at: new Date().toISOString(), action: 'append_bad', entity_id: String(i) });
      append('audit_log', ['at', 'no_such_column'], [new Date().toISOString(), 'x']);
      return i;
    })));
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
    expect(await rows('append_bad')).to.deep.equal([]);
  });
});

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
});

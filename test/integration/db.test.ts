import { expect } from 'chai';
import { createDb } from '../../server/db/connect';
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

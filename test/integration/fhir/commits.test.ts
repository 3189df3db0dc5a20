import { expect } from 'chai';
import { issueToken, verifyToken } from '../../../server/auth/tokens';
import type { Db } from '../../../server/db/connect';
import { storedRows, upsertResources } from '../../../server/fhir/queries';
import { freshDb } from '../../helpers/db';
import { holbaek, send } from './helpers';
import * as s from './series';

/**
 * Issue 13's throughput: on SQLite (synchronous=FULL) every commit is a disk sync, so a delivery report must cost
 * one commit: its writes (store, course, audit rows, bundle log) all inside its one transaction, and the API token's
 * use recorded at most once a minute.
 */
describe('FHIR intake: one commit per delivery report', () => {
  let db: Db;
  let who: Awaited<ReturnType<typeof holbaek>>;
  beforeEach(async () => {
    db = await freshDb();
    who = await holbaek(db);
  });

  /** The SQL of `work`, each statement with whether it ran inside a transaction. */
  async function statementsOf(work: () => Promise<unknown>): Promise<{ sql: string; inTransaction: boolean }[]> {
    const seen: { sql: string; inTransaction: boolean }[] = [];
    const listen = (q: { sql: string; __knexTxId?: string }) => seen.push({ sql: q.sql, inTransaction: !!q.__knexTxId });
    db.on('query', listen);
    try {
      await work();
    } finally {
      db.removeListener('query', listen);
    }
    return seen;
  }

  const writes = <T extends { sql: string }>(st: T[]) => st.filter((x) => /^\s*(insert|update|delete)\b/i.test(x.sql));

  it('an accepted bundle (created, then updated, then unchanged) writes only inside its transaction, bundle log included', async () => {
    for (const bundle of [s.step1(), s.step2(), s.step2()]) {
      const st = await statementsOf(() => send(db, who, bundle));

      expect(writes(st).length, 'some writes').to.be.greaterThan(0);
      expect(writes(st).filter((x) => !x.inTransaction).map((x) => x.sql)).to.deep.equal([]);
      expect(writes(st).some((x) => /fhir_bundles/.test(x.sql))).to.equal(true);
    }
    expect(Number((await db('fhir_bundles').count({ n: '*' }))[0].n)).to.equal(3);
  });

  it('a report that updates its course reads no SOR list (cached per database), reads the course once, and rematches referrals only when the referral date moves', async () => {
    await send(db, who, s.step1());

    const st = await statementsOf(() => send(db, who, s.step2()));
    const later = s.step2();
    later.timestamp = '2025-03-11T20:00:00Z';
    const sr = later.entry!.find((e) => e.resource?.resourceType === 'ServiceRequest')!.resource as { authoredOn: string };
    sr.authoredOn = '2025-03-02';
    const moved = await statementsOf(() => send(db, who, later));

    expect(st.filter((x) => /from [`"]?(hospitals|sor_list)\b/i.test(x.sql))).to.deep.equal([]);
    expect(st.filter((x) => /^select .* from [`"]?courses[`"]? /i.test(x.sql))).to.have.length(1);
    expect(st.filter((x) => /from [`"]?referrals\b/i.test(x.sql))).to.deep.equal([]);
    expect(writes(st).filter((x) => /^update [`"]?courses/i.test(x.sql))).to.have.length(1);
    expect(moved.filter((x) => /from [`"]?referrals\b/i.test(x.sql)).length, 'rematched').to.be.greaterThan(0);
    expect((await db('courses').first('referral_date')).referral_date).to.equal('2025-03-02');
  });

  it('an API token records its use once a minute, not at every call', async () => {
    const { token, id } = await issueToken(db, who.user.id, null, null);

    const st = await statementsOf(async () => {
      for (let i = 0; i < 3; i++) expect(await verifyToken(db, token)).to.equal(who.user.id);
    });

    expect(writes(st).map((x) => x.sql)).to.have.length(1);
    expect((await db('api_tokens').where('id', id).first()).last_used_at).to.not.equal(null);
  });

  it('the store is read in one statement for a report, in a few for a huge one (bounded parameters), rows complete', async () => {
    const ids = Array.from({ length: 12_000 }, (_, i) => `e-${i}`);
    await upsertResources(db, '316', ids.map((id, i) => ({ type: 'Encounter', id, cprHash: i % 2 ? 'a'.repeat(64) : 'b'.repeat(64), timestamp: '2025-03-04T20:00:00Z', data: {} })));

    const small = await statementsOf(() => storedRows(db, '316', 'a'.repeat(64), ['Encounter/e-0', 'Condition/x']));
    let rows: Awaited<ReturnType<typeof storedRows>> = [];
    const huge = await statementsOf(async () => { rows = await storedRows(db, '316', 'a'.repeat(64), ids.map((id) => `Encounter/${id}`)); });

    expect(small).to.have.length(1);
    expect(huge.length).to.be.within(2, 4);
    expect(rows).to.have.length(12_000);
  });
});

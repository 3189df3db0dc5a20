import { expect } from 'chai';
import { coursesByReferralIds } from '../../../server/courses';
import type { Db } from '../../../server/db/connect';
import { linkedCourses } from '../../../server/fhir/linked';
import { citizen, encounter, focusCondition, organization, referral, report } from '../../helpers/fhir-builder';
import { freshDb, testEngine } from '../../helpers/db';
import { CPR_KEY, course, holbaek, send } from './helpers';
import * as s from './series';

/**
 * Issue 13's statements per delivery report: a report that updates its course sends the fewest statements its data
 * needs, and sends together what waits on nothing else (the store and the linked course read together; the store's
 * upsert and the bundle log together), so the database works on one while the next is sent.
 */
describe('FHIR intake: statements per delivery report', () => {
  let db: Db;
  let who: Awaited<ReturnType<typeof holbaek>>;
  beforeEach(async () => {
    db = await freshDb();
    who = await holbaek(db);
  });

  interface Event { kind: 'sent' | 'answered'; uid: string; sql: string }

  /** The statements of `work` as sent and answered, in order (knex `query` and `query-response` events). */
  async function eventsOf(work: () => Promise<unknown>): Promise<Event[]> {
    const events: Event[] = [];
    const sent = (q: { sql: string; __knexQueryUid: string }) => events.push({ kind: 'sent', uid: q.__knexQueryUid, sql: q.sql });
    const answered = (_r: unknown, q: { sql: string; __knexQueryUid: string }) => events.push({ kind: 'answered', uid: q.__knexQueryUid, sql: q.sql });
    db.on('query', sent);
    db.on('query-response', answered);
    try {
      await work();
    } finally {
      db.removeListener('query', sent);
      db.removeListener('query-response', answered);
    }
    return events;
  }

  /** Whether both statements matching `a` and `b` were sent before either was answered. */
  function sentTogether(events: Event[], a: RegExp, b: RegExp): boolean {
    const first = (re: RegExp, kind: Event['kind']) => events.findIndex((e) => e.kind === kind && re.test(e.sql));
    const bothSent = Math.max(first(a, 'sent'), first(b, 'sent'));
    const oneAnswered = Math.min(first(a, 'answered'), first(b, 'answered'));
    return first(a, 'sent') >= 0 && first(b, 'sent') >= 0 && bothSent < oneAnswered;
  }

  const STORE_READ = /^select resource_type, resource_id, cpr_hash/i;
  const COURSE_READ = /^select [`"]?courses[`"]?\.\*/i;
  const UPSERT = /^insert into fhir_resources/i;
  const BUNDLE_LOG = /^insert into [`"]?fhir_bundles/i;
  const COURSE_UPDATE = /^update [`"]?courses[`"]? set/i;
  const AUDIT_ROW = /^insert into [`"]?audit_log/i;

  it('a report that updates its course: 8 statements (9 on PostgreSQL, its advisory lock), the reads sent together, the writes sent together', async () => {
    await send(db, who, s.step1());

    const events = await eventsOf(() => send(db, who, s.step2()));
    const statements = events.filter((e) => e.kind === 'sent').map((e) => e.sql);

    // BEGIN, store read, linked course read, course update, its audit row, store upsert, bundle log, COMMIT
    expect(statements, statements.join('\n')).to.have.length(testEngine === 'pg' ? 9 : 8);
    expect(statements.filter((sql) => COURSE_READ.test(sql))).to.have.length(1);
    expect(sentTogether(events, STORE_READ, COURSE_READ), 'store and course read together').to.equal(true);
    expect(sentTogether(events, UPSERT, BUNDLE_LOG), 'upsert and bundle log together').to.equal(true);
    expect(sentTogether(events, COURSE_UPDATE, AUDIT_ROW), 'course update and its audit row together').to.equal(true);
    expect((await course(db, who, (await db('courses').first('id')).id)).start_date).to.equal('2025-03-10');
  });

  it('a report naming no referral (its chain only in the store) reads the linked course after the store, and updates it', async () => {
    await send(db, who, s.step1());
    await send(db, who, s.step2());
    const only = report('2025-03-20T20:00:00Z', citizen(s.P, s.CPR), [encounter(s.enc(2), s.P, '2025-03-15', s.PI_TRAIN)]);

    let status = 0;
    const events = await eventsOf(async () => { status = (await send(db, who, only)).status; });
    const reads = events.filter((e) => e.kind === 'sent' && COURSE_READ.test(e.sql));

    expect(reads).to.have.length(1);
    expect(sentTogether(events, STORE_READ, COURSE_READ)).to.equal(false);
    expect(status).to.equal(200);
    expect((await course(db, who, (await db('courses').first('id')).id)).fhir_waiting).to.deep.equal({ training_attended: 2 });
  });

  it('the linked courses equal one read of all the referrals\' ids, whatever the early read covered', async () => {
    await send(db, who, s.step1());
    await send(db, who, s.secondReferral());
    const other = report('2025-03-04T20:00:00Z', citizen('p-2', '0101401008'), [organization('hosp-2', '391951000016006'),
      focusCondition('dx-other', 'p-2', 'DI214'), referral('sr-other', 'p-2', '2025-03-03', { requester: 'hosp-2', reasons: ['dx-other'] })]);
    const r = await send(db, who, other);
    expect(r.status, JSON.stringify(r.findings)).to.equal(200);
    const cases: { ids: string[]; named: string[] }[] = [
      { ids: [s.SR], named: [s.SR] },
      { ids: [s.SR], named: [s.SR, 'sr-other', 'unknown'] },
      { ids: [s.SR, 'sr-2'], named: [s.SR] },
      { ids: [s.SR, 'sr-other'], named: [] },
      { ids: [], named: [s.SR] },
      { ids: ['unknown'], named: ['unknown'] },
      { ids: [s.SR, 'sr-other'], named: ['sr-other', s.SR] },
    ];
    await db.transaction(async (trx) => {
      for (const c of cases) {
        const early = c.named.length ? await coursesByReferralIds(trx, CPR_KEY, '316', c.named) : [];
        const got = await linkedCourses(trx, CPR_KEY, '316', c.ids, c.named, early);
        const want = await coursesByReferralIds(trx, CPR_KEY, '316', c.ids);
        expect(got, JSON.stringify(c)).to.deep.equal(want);
      }
    });
    expect(Number((await db('courses').count({ n: '*' }))[0].n)).to.be.greaterThan(1);
  });
});

import { expect } from 'chai';
import type { Knex } from 'knex';
import { resolveScope } from '../../../server/access';
import { isPostgres } from '../../../server/db/connect';
import { courseRowPages } from '../../../server/submissions/queries';
import { freshDb } from '../../helpers/db';
import { closedCourse, cprNo, notStartedCourse, storeCourse } from './fixtures';

/** The submission's period conditions, as the service gives them. */
const inPeriod = (q: Knex.QueryBuilder) => q.whereBetween('c.end_date', ['2025-01-01', '2025-12-31'])
  .orWhere((w) => w.whereNull('c.start_date').whereNotNull('c.not_started_reason').whereBetween('c.referral_date', ['2025-01-01', '2025-12-31']));

describe('submission: the courses are read in one pass in primary-key order (issue 9)', () => {
  let db: Knex;
  const expected: number[] = [];
  before(async () => {
    db = await freshDb();
    for (let i = 0; i < 7; i++) expected.push(await storeCourse(db, (i % 2 ? closedCourse : notStartedCourse)({ cpr: cprNo(i) })));
    await storeCourse(db, closedCourse({ cpr: cprNo(20), referral_date: '2023-02-01', discharge_date: '2023-01-25', start_date: '2023-02-10', end_date: '2023-05-05' }));
  });

  async function read(pageSize: number): Promise<{ pages: number[][]; statements: string[]; bindings: unknown[][] }> {
    const statements: string[] = [];
    const bindings: unknown[][] = [];
    const listen = (q: { sql: string; bindings?: unknown[] }) => { statements.push(q.sql); bindings.push(q.bindings ?? []); };
    db.on('query', listen);
    try {
      const scope = (await resolveScope(db, '751'))!;
      return await db.transaction(async (trx) => {
        const pages: number[][] = [];
        for await (const rows of courseRowPages(trx, { scope, where: inPeriod, pageSize })) pages.push(rows.map((r) => Number(r.id)));
        return { pages, statements, bindings };
      });
    } finally {
      db.removeListener('query', listen);
    }
  }

  it('pages of 3 hold every course of the period once, by ascending id', async () => {
    const { pages } = await read(3);

    expect(pages.flat()).to.deep.equal(expected);
    expect(pages.map((p) => p.length)).to.deep.equal([3, 3, 1]);
  });

  it('no page sorts the remaining rows: SQLite walks the rowid (no temporary B-tree), PostgreSQL runs one query through a cursor', async () => {
    const { statements, bindings } = await read(2);
    const reads = statements.filter((s) => /courses/i.test(s) && /^\s*(select|declare)/i.test(s));
    const second = statements.indexOf(reads[1]!, statements.indexOf(reads[0]!) + 1);

    if (isPostgres(db)) {
      expect(reads).to.have.length(1);
      expect(reads[0]).to.match(/^DECLARE .* CURSOR FOR select/i);
      expect(statements.filter((s) => /^FETCH/i.test(s))).to.have.length(4);
      return;
    }
    expect(reads).to.have.length(4);
    const plan: { detail: string }[] = await db.raw(`EXPLAIN QUERY PLAN ${reads[1]}`, bindings[second] as Knex.RawBinding[]);
    const details = plan.map((p) => p.detail).join(' | ');
    expect(details).to.not.match(/TEMP B-TREE/);
    expect(details).to.match(/SCAN c|SEARCH c USING INTEGER PRIMARY KEY/);
  });
});

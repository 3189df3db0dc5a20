import { expect } from 'chai';
import type { Knex } from 'knex';
import { resolveScope } from '../../../server/access';
import { courseRowPages } from '../../../server/submissions/queries';
import { freshDb } from '../../helpers/db';
import { closedCourse, cprNo, notStartedCourse, storeCourse } from './fixtures';

const inPeriod = (q: Knex.QueryBuilder) => q.whereBetween('c.end_date', ['2025-01-01', '2025-12-31'])
  .orWhere((w) => w.whereNull('c.start_date').whereNotNull('c.not_started_reason').whereBetween('c.referral_date', ['2025-01-01', '2025-12-31']));

/**
 * Equivalence: the page size (SQLite's default went from 1000 to 200 rows for the submission's memory) changes
 * nothing of what is read: the same rows, with the same values, in the same order.
 */
describe('submission: the rows read are the same whatever the page size', function () {
  this.timeout(120_000);
  it('1 250 courses (some outside the period, some annulled): pages of the default, 7, 200 and 1000 rows', async () => {
    const db = await freshDb();
    for (let i = 0; i < 1250; i++) {
      const c = i % 5 === 0 ? notStartedCourse({ cpr: cprNo(i) })
        : i % 11 === 0 ? closedCourse({ cpr: cprNo(i), referral_date: '2023-02-01', discharge_date: '2023-01-25', start_date: '2023-02-10', end_date: '2023-05-05' })
          : closedCourse({ cpr: cprNo(i), weight_end_kg: 60 + (i % 40) });
      await storeCourse(db, c, { annulled: i % 13 === 0 });
    }
    const scope = (await resolveScope(db, '751'))!;
    const read = (pageSize?: number) => db.transaction(async (trx) => {
      const rows: Record<string, unknown>[] = [];
      for await (const page of courseRowPages(trx, { scope, where: inPeriod, ...(pageSize ? { pageSize } : {}) })) rows.push(...page);
      return rows;
    });
    const old = await read(1000);
    expect(old.length).to.be.greaterThan(900);
    for (const size of [undefined, 7, 200]) expect(await read(size), String(size)).to.deep.equal(old);
  });
});

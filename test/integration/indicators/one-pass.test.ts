import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { geography } from '../../../server/geography';
import type { Db } from '../../../server/db/connect';
import { parsePeriod } from '../../../server/indicators/periods';
import { computeResults } from '../../../server/indicators/results';
import { computeOverview, computeTrend } from '../../../server/indicators/trend';
import { addCourses, completedCourse as done } from './fixtures';

/** The trend's quarters by hand: 8 ending with the period's last quarter, none before 2010 or after 2026-02-01. */
function quartersShown(code: string): string[] {
  return ({
    '2025': ['2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1', '2025Q2', '2025Q3', '2025Q4'],
    '2025Q2': ['2023Q3', '2023Q4', '2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1', '2025Q2'],
    '2024Q1': ['2022Q2', '2022Q3', '2022Q4', '2023Q1', '2023Q2', '2023Q3', '2023Q4', '2024Q1'],
  } as Record<string, string[]>)[code];
}

describe(`indicator results and trend in one pass (${testEngine})`, () => {
  let db: Db;
  const now = new Date('2026-02-01T12:00:00Z');
  const today = '2026-02-01';
  before(async () => {
    db = await freshDb();
    // quarter edges, several municipalities and clusters, missing and not met, one before and one after the trend
    await addCourses(db, 2, done('2023-12-31', { municipality_code: '751' }));
    await addCourses(db, 3, done('2024-01-01', { municipality_code: '751', referral_date: '2024-01-01', start_date: '2024-01-01' }));
    await addCourses(db, 1, done('2024-06-30', { municipality_code: '741', outcome: 'dropped_out', referral_date: '2024-04-01', start_date: null }));
    await addCourses(db, 2, done('2025-04-01', { municipality_code: '751', outcome: null, referral_date: '2025-03-31' }));
    await addCourses(db, 4, done('2025-09-30', { municipality_code: '101', diet: null, start_date: '2025-07-01' }));
    await addCourses(db, 1, done('2025-12-31', { municipality_code: '730' }));
    await addCourses(db, 1, done('2026-01-15', { municipality_code: '751', referral_date: '2026-01-02', start_date: '2026-01-05' }));
  });

  for (const code of ['2025', '2025Q2', '2024Q1']) {
    it(`${code}: the results, the trend of each indicator and the years equal separate queries, in 3 statements`, async () => {
      const geo = await geography(db);
      const units = [...geo.units('municipality'), ...geo.units('cluster'), geo.country];
      const period = parsePeriod(code);
      let statements = 0;
      const count = () => { statements++; };
      db.on('query', count);
      const overview = await computeOverview(db, { period, units, today, now, standards: [] });
      db.removeListener('query', count);

      expect(statements).to.equal(3);
      expect(overview.results).to.deep.equal(await computeResults(db, { period, units, now, standards: [] }));
      // Narrowed to one trend: the other quarters count only HK03; the period's results stay whole.
      const narrow = await computeOverview(db, { period, units, today, now, standards: [], trendIndicatorIds: ['HK03'] });
      expect(narrow.results).to.deep.equal(overview.results);
      expect(narrow.trend('HK03', geo.country)).to.deep.equal(overview.trend('HK03', geo.country));
      expect(() => narrow.trend('HK01', geo.country)).to.throw(RangeError);
      for (const unit of [geo.unit('municipality', '751')!, geo.unit('cluster', 'aarhus')!, geo.country]) {
        for (const id of ['HK01', 'HK02', 'HK03', 'HK07'] as const) {
          const { quarters, years } = overview.trend(id, unit);
          expect(quarters).to.deep.equal(await computeTrend(db, { period, unit, indicatorId: id, today, now, standards: [] }));
          expect(quarters.map((q) => q.period)).to.deep.equal(quartersShown(code));
          for (const q of quarters) {
            expect(q).to.deep.equal((await computeResults(db, { period: parsePeriod(q.period), units: [unit], indicatorIds: [id], now, standards: [] }))[0]);
          }
          for (const [year, row] of years) {
            expect(row).to.deep.equal((await computeResults(db, { period: parsePeriod(String(year)), units: [unit], indicatorIds: [id], now, standards: [] }))[0]);
          }
        }
      }
    });
  }
});

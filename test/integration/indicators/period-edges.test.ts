import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { INDICATORS } from '../../../server/indicators/definitions';
import { addCourse, completedCourse as done, countsOf } from './fixtures';

/** Courses that meet every end_date indicator, on and just beyond the edges of 2025 and its quarters. */
describe(`indicator period edges by end_date, HK03–HK14 (${testEngine})`, () => {
  for (const d of INDICATORS.filter((x) => x.periodColumn === 'end_date')) {
    it(`${d.id}: 1 Jan and 31 Dec count in the year, 31 Dec before and 1 Jan after do not; 31 Mar is Q1 and 1 Apr Q2`, async () => {
      const db = await freshDb();
      for (const end of ['2024-12-31', '2025-01-01', '2025-03-31', '2025-04-01', '2025-12-31', '2026-01-01']) await addCourse(db, done(end, { referral_date: '2024-10-01', start_date: '2024-10-06' }));

      expect(await countsOf(db, d.id, '2025')).to.deep.equal({ numerator: 4, denominator: 4, missing: 0 });
      expect(await countsOf(db, d.id, '2025Q1')).to.deep.equal({ numerator: 2, denominator: 2, missing: 0 });
      expect(await countsOf(db, d.id, '2025Q2')).to.deep.equal({ numerator: 1, denominator: 1, missing: 0 });
      expect(await countsOf(db, d.id, '2024Q4')).to.deep.equal({ numerator: 1, denominator: 1, missing: 0 });
      expect(await countsOf(db, d.id, '2026Q1')).to.deep.equal({ numerator: 1, denominator: 1, missing: 0 });
    });
  }
});

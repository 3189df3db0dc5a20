import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { INDICATORS } from '../../../server/indicators/definitions';
import { computeResults } from '../../../server/indicators/results';
import { listStandards } from '../../../server/indicators/standards';
import { setStandard } from '../../../server/standards';
import { HttpError } from '../../../server/http/errors';
import { addCourses, completedCourse as done } from './fixtures';

const admin = { userId: null };

async function judged(db: Awaited<ReturnType<typeof freshDb>>, period: string) {
  const [row] = await computeResults(db, { period, unitType: 'municipality', unitCode: '751', indicatorIds: ['HK03'] });
  return [row.standard, row.standard_met];
}

describe(`indicator standards (${testEngine})`, () => {
  it('has the defaults of indicators.md valid from 2010', async () => {
    const db = await freshDb();
    const rows = await listStandards(db);
    expect(rows.map((r) => [r.indicator_id, r.valid_from, r.threshold])).to.deep.equal(
      INDICATORS.map((d) => [d.id, '2010-01-01', d.defaultStandard]),
    );
    expect(rows.find((r) => r.indicator_id === 'HK01')!.threshold).to.equal(80);
  });

  it('judges a result by the standard valid at the start of its period', async () => {
    const db = await freshDb();
    // HK03 in Aarhus: 8 of 10 completed in each of 2025Q2 and 2026Q2 → 0.80 everywhere.
    for (const end of ['2025-05-05', '2026-05-05']) {
      await addCourses(db, 8, done(end));
      await addCourses(db, 2, done(end, { outcome: 'dropped_out' }));
    }
    expect(await judged(db, '2025')).to.deep.equal(['>=0.75', true]);

    const first = await setStandard(db, { indicatorId: 'HK03', validFrom: '2026', threshold: '0.85' }, admin);
    expect(first.previous).to.equal(null);
    expect(first.standard).to.include({ indicator_id: 'HK03', valid_from: '2026-01-01', threshold: 85 });
    await setStandard(db, { indicatorId: 'HK03', validFrom: '2025Q3', threshold: '0.8' }, admin);

    expect(await judged(db, '2025')).to.deep.equal(['>=0.75', true]); // starts 2025-01-01, before 2025Q3
    expect(await judged(db, '2025Q2')).to.deep.equal(['>=0.75', true]);
    expect(await judged(db, '2025Q3')).to.deep.equal(['>=0.80', null]); // no courses: not judged
    expect(await judged(db, '2026')).to.deep.equal(['>=0.85', false]);
    expect(await judged(db, '2026Q2')).to.deep.equal(['>=0.85', false]);

    // The same valid-from again replaces the standard and hands back the old one (for the audit row).
    const again = await setStandard(db, { indicatorId: 'HK03', validFrom: '2026Q1', threshold: '0.80' }, admin);
    expect(again.previous).to.include({ threshold: 85, valid_from: '2026-01-01' });
    expect(await judged(db, '2026')).to.deep.equal(['>=0.80', true]); // 0.8 ≥ 0.80 exactly: met
    expect((await listStandards(db)).filter((s) => s.indicator_id === 'HK03')).to.have.length(3);
  });

  it('refuses thresholds outside 0.00–1.00, more than two decimals, bad periods and unknown indicators', async () => {
    const db = await freshDb();
    const bad = [
      [{ indicatorId: 'HK03', validFrom: '2026', threshold: '1.01' }, 'threshold'],
      [{ indicatorId: 'HK03', validFrom: '2026', threshold: '0.855' }, 'threshold'],
      [{ indicatorId: 'HK03', validFrom: '2026', threshold: '-0.1' }, 'threshold'],
      [{ indicatorId: 'HK03', validFrom: '2026', threshold: 'abc' }, 'threshold'],
      [{ indicatorId: 'HK03', validFrom: '2009', threshold: '0.80' }, 'validFrom'],
      [{ indicatorId: 'HK03', validFrom: '2026Q5', threshold: '0.80' }, 'validFrom'],
      [{ indicatorId: 'HK15', validFrom: '2026', threshold: '0.80' }, 'indicatorId'],
    ] as const;
    for (const [input, field] of bad) {
      let error: unknown;
      try { await setStandard(db, input, admin); } catch (e) { error = e; }
      expect(error, JSON.stringify(input)).to.be.instanceOf(HttpError);
      expect(Object.keys((error as HttpError).fields)).to.deep.equal([field]);
    }
    const saved = await setStandard(db, { indicatorId: 'HK11', validFrom: '2027Q2', threshold: '1' }, admin);
    expect(saved.standard).to.include({ threshold: 100, valid_from: '2027-04-01' });
    expect((await listStandards(db))).to.have.length(15);
  });
});

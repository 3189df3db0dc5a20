import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { computeFunnel } from '../../../server/indicators/funnel';
import { hideOutsideScope } from '../../../server/indicators/results';
import { computeTrend } from '../../../server/indicators/trend';
import { addCourses, completedCourse as done } from './fixtures';

describe(`indicator trend and funnel (${testEngine})`, () => {
  it('trend: the 8 quarters ending with the last quarter of the period, pooled for the unit', async () => {
    const db = await freshDb();
    await addCourses(db, 2, done('2023-12-31', { municipality_code: '751' })); // before the 8 quarters of 2025
    await addCourses(db, 3, done('2024-01-01', { municipality_code: '751' })); // first day of 2024Q1
    await addCourses(db, 1, done('2024-03-31', { municipality_code: '741', outcome: 'dropped_out' })); // Samsø, same cluster
    await addCourses(db, 1, done('2025-12-31', { municipality_code: '751' })); // last day of 2025Q4
    await addCourses(db, 4, done('2025-12-31', { municipality_code: '101' })); // another cluster

    const trend = await computeTrend(db, { period: '2025', unitType: 'cluster', unitCode: 'aarhus', indicatorId: 'HK03', today: '2026-02-01' });
    expect(trend.map((r) => r.period)).to.deep.equal(['2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1', '2025Q2', '2025Q3', '2025Q4']);
    expect(trend.map((r) => [r.numerator, r.denominator])).to.deep.equal([[3, 4], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [1, 1]]);
    expect(trend[0]).to.include({ unit_type: 'cluster', unit_code: 'aarhus', unit_name: 'Aarhusklyngen', value: 0.75, standard: '>=0.75' });

    const quarter = await computeTrend(db, { period: '2024Q2', unitType: 'municipality', unitCode: '751', indicatorId: 'HK03', today: '2026-02-01' });
    expect(quarter.map((r) => r.period)).to.deep.equal(['2022Q3', '2022Q4', '2023Q1', '2023Q2', '2023Q3', '2023Q4', '2024Q1', '2024Q2']);
    expect(quarter.map((r) => r.denominator)).to.deep.equal([0, 0, 0, 0, 0, 2, 3, 0]);
  });

  it('trend: quarters that begin after today are left out; the current quarter stays', async () => {
    const db = await freshDb();
    const trend = await computeTrend(db, { period: '2025', unitType: 'country', unitCode: 'DK', indicatorId: 'HK01', today: '2025-04-01' });
    expect(trend.map((r) => r.period)).to.deep.equal(['2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1', '2025Q2']);
    const lastDay = await computeTrend(db, { period: '2025', unitType: 'country', unitCode: 'DK', indicatorId: 'HK01', today: '2025-03-31' });
    expect(lastDay.at(-1)!.period).to.equal('2025Q1');
    expect(await computeTrend(db, { period: '2025', unitType: 'cluster', unitCode: 'nowhere', indicatorId: 'HK01', today: '2025-04-01' })).to.deep.equal([]);
  });

  it('funnel: p0 pooled over municipalities with a denominator, clipped limits, outliers only from 5', async () => {
    const db = await freshDb();
    // HK11 in Region Nordjylland (1081): Frederikshavn 813 20 of 20, Aalborg 851 5 of 20, Hjørring 860 2 of 4.
    // p0 = 27/44 = 0.613636. At n = 20: se = √(p0(1−p0)/20) = 0.108878; 95 %: ± 0.213397 → [0.400240, 0.827033];
    // 99.8 %: ± 0.336458 → [0.277178, 0.950094]: 1.0 above, 0.25 below. At n = 4 the limits clip to [0, 1].
    await addCourses(db, 20, done('2025-06-01', { municipality_code: '813', complete: true }));
    await addCourses(db, 5, done('2025-06-01', { municipality_code: '851', complete: true }));
    await addCourses(db, 15, done('2025-06-01', { municipality_code: '851', complete: false }));
    await addCourses(db, 2, done('2025-06-01', { municipality_code: '860', complete: true }));
    await addCourses(db, 2, done('2025-06-01', { municipality_code: '860', complete: false }));
    await addCourses(db, 3, done('2025-06-01', { municipality_code: '751', complete: false })); // another region

    const funnel = (await computeFunnel(db, { period: '2025', indicatorId: 'HK11', regionCode: '1081' }))!;
    expect(funnel.p0).to.be.closeTo(0.613636, 1e-6);
    expect(funnel.rows).to.have.length(11);
    const by = (code: string) => funnel.rows.find((r) => r.unit_code === code)!;
    expect(by('813').limit95_low).to.be.closeTo(0.400240, 1e-5);
    expect(by('813').limit95_high).to.be.closeTo(0.827033, 1e-5);
    expect(by('813').limit998_low).to.be.closeTo(0.277178, 1e-5);
    expect(by('813').limit998_high).to.be.closeTo(0.950094, 1e-5);
    expect(by('813').outlier).to.equal('above');
    expect(by('851').outlier).to.equal('below');
    expect(by('860')).to.include({ limit998_low: 0, limit998_high: 1, outlier: null, few_data: true });
    const empty = funnel.rows.find((r) => r.denominator === 0)!;
    expect(empty).to.include({ limit95_low: null, limit998_high: null, outlier: null });

    // Outside the user's scope the few-data municipality loses its counts and limits, but stays pooled in p0.
    const hidden = hideOutsideScope(funnel.rows, () => false);
    const hjorring = hidden.find((r) => r.unit_code === '860')!;
    expect(hjorring).to.include({ numerator: null, denominator: null, value: null, limit95_low: null, limit998_high: null, outlier: null, few_data: true });
    expect(hidden.find((r) => r.unit_code === '813')).to.include({ outlier: 'above', denominator: 20 });

    const country = (await computeFunnel(db, { period: '2025', indicatorId: 'HK11', regionCode: 'DK' }))!;
    expect(country.rows).to.have.length(98);
    expect(country.p0).to.equal(27 / 47);
    expect(await computeFunnel(db, { period: '2025', indicatorId: 'HK11', regionCode: '9999' })).to.equal(null);
  });
});

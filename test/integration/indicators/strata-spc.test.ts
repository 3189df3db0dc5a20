import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { computeSpc, computeWarnings } from '../../../server/indicators/spc';
import { computeStrata, hideStrataComplement, strataGaps } from '../../../server/indicators/strata';
import { hideOutsideScope } from '../../../server/indicators/results';
import { findUnit, listUnits } from '../../../server/geography';
import { addCourse, addCourses, completedCourse } from './fixtures';

const END = '2025-06-30';

describe(`indicator strata, p-chart and warnings (${testEngine})`, () => {
  it('splits HK03 by sex, age on referral_date and diagnosis group; every stratum has a row; the gaps by Newcombe', async () => {
    const db = await freshDb();
    const woman = { sex: 'F', municipality_code: '751' };
    await addCourses(db, 8, completedCourse(END, woman));
    await addCourses(db, 2, completedCourse(END, { ...woman, outcome: 'dropped_out' }));
    await addCourses(db, 5, completedCourse(END, { sex: 'M', municipality_code: '751', diagnosis_group: 'valve' }));
    await addCourses(db, 5, completedCourse(END, { sex: 'M', municipality_code: '751', outcome: 'dropped_out', diagnosis_group: 'valve' }));
    // Age on referral_date 2025-01-02: born 1965-01-02 is 60 that day, born 1965-01-03 still 59.
    await addCourse(db, completedCourse(END, { birth_date: '1965-01-02', municipality_code: '147' }));
    await addCourse(db, completedCourse(END, { birth_date: '1965-01-03', municipality_code: '147' }));
    await addCourse(db, completedCourse(END, { birth_date: '1945-01-02', municipality_code: '147' })); // 80

    const sex = await computeStrata(db, { period: '2025', unitType: 'municipality', unitCode: '751', stratumType: 'sex', indicatorIds: ['HK03'] });
    expect(sex.map((r) => [r.stratum, r.numerator, r.denominator])).to.deep.equal([['F', 8, 10], ['M', 5, 10]]);
    const [gap] = strataGaps(sex);
    expect(gap).to.include({ indicator_id: 'HK03', unit_code: '751', stratum_type: 'sex', significant: false });
    expect(gap.gap).to.be.closeTo(0.3, 1e-12); expect(gap.gap_low).to.be.closeTo(-0.10667, 5e-6); expect(gap.gap_high).to.be.closeTo(0.59987, 5e-6);

    const diagnosis = await computeStrata(db, { period: '2025', unitType: 'municipality', unitCode: '751', stratumType: 'diagnosis_group', indicatorIds: ['HK03'] });
    expect(diagnosis.map((r) => [r.stratum, r.denominator])).to.deep.equal([['ihd', 10], ['heart_failure', 0], ['valve', 10], ['arrhythmia', 0], ['other', 0]]);
    expect(diagnosis[1]).to.include({ value: null, few_data: true, ci_low: null });
    expect(strataGaps(diagnosis)).to.deep.equal([]);

    const age = await computeStrata(db, { period: '2025', unitType: 'municipality', unitCode: '147', stratumType: 'age_group', indicatorIds: ['HK03'] });
    expect(age.map((r) => [r.stratum, r.denominator])).to.deep.equal([['<60', 1], ['60-69', 1], ['70-79', 0], ['80+', 1]]);
    expect(strataGaps(age)[0]).to.include({ gap: null, gap_low: null, significant: null }); // below 5

    // Outside the scope: 147's strata are "få data" → all hidden, and so is the gap.
    const hidden = hideStrataComplement(hideOutsideScope(age, () => false));
    expect(hidden.every((r) => r.denominator === null && r.value === null)).to.equal(true);
    // The country: 751's strata pooled with 147's.
    const region = await computeStrata(db, { period: '2025', unitType: 'country', stratumType: 'sex', indicatorIds: ['HK03'] });
    expect(region.map((r) => [r.stratum, r.denominator])).to.deep.equal([['F', 13], ['M', 10]]);
  });

  it('complementary hiding: one hidden stratum hides every stratum of its type for that unit', async () => {
    const db = await freshDb();
    await addCourses(db, 6, completedCourse(END, { sex: 'F' }));
    await addCourses(db, 2, completedCourse(END, { sex: 'M' }));
    const rows = await computeStrata(db, { period: '2025', unitType: 'municipality', unitCode: '751', stratumType: 'sex', indicatorIds: ['HK03'] });
    const outside = hideStrataComplement(hideOutsideScope(rows, () => false));
    expect(outside.map((r) => r.denominator)).to.deep.equal([null, null]);
    expect(hideStrataComplement(hideOutsideScope(rows, () => true)).map((r) => r.denominator)).to.deep.equal([6, 2]);
  });

  it('p-chart of 12 quarters ending with the last complete one, and a warning for a municipality that slips', async () => {
    const db = await freshDb();
    // 8 baseline quarters 2023Q1–2024Q4 at 9 of 10, then 2025Q1–Q4 at 4 of 10 in Aarhus.
    for (const year of [2023, 2024, 2025]) {
      for (const month of ['02', '05', '08', '11']) {
        const end = `${year}-${month}-15`;
        const met = year === 2025 ? 4 : 9;
        await addCourses(db, met, completedCourse(end, { referral_date: `${year}-01-02`, start_date: `${year}-01-10` }));
        await addCourses(db, 10 - met, completedCourse(end, { referral_date: `${year}-01-02`, start_date: `${year}-01-10`, outcome: 'dropped_out' }));
      }
    }
    const aarhus = (await findUnit(db, 'municipality', '751'))!;
    const points = await computeSpc(db, { indicatorId: 'HK03', unit: aarhus, inside: () => true, today: '2026-01-15' });
    expect(points.map((p) => p.period)).to.deep.equal([
      '2023Q1', '2023Q2', '2023Q3', '2023Q4', '2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1', '2025Q2', '2025Q3', '2025Q4']);
    expect(points[0].p_bar).to.be.closeTo(0.9, 1e-12);
    expect(points.slice(8).map((p) => p.signal)).to.deep.equal(['outside_3sigma', 'outside_3sigma', 'outside_3sigma', 'outside_3sigma']);

    const municipalityCodes = (await listUnits(db, 'municipality')).map((u) => u.code);
    const country = (await listUnits(db, 'country'))[0];
    const warnings = await computeWarnings(db, { ownUnit: country, municipalityCodes, inside: () => true, today: '2026-01-15' });
    expect(warnings).to.deep.include({ indicator_id: 'HK03', unit_type: 'country', unit_code: 'DK', period: '2025Q4', signal: 'outside_3sigma' });
    expect(warnings).to.deep.include({ indicator_id: 'HK03', unit_type: 'municipality', unit_code: '751', period: '2025Q4', signal: 'outside_3sigma' });
    expect(warnings.findIndex((w) => w.unit_code === 'DK')).to.be.below(warnings.findIndex((w) => w.unit_code === '751'));

    // Outside the scope a quarter below 5 is hidden; a chart reaching before 2010 answers 12 points all the same.
    const early = await computeSpc(db, { indicatorId: 'HK03', unit: aarhus, inside: () => false, today: '2010-05-01' });
    expect(early.map((p) => p.period)[0]).to.equal('2007Q2');
    expect(early.every((p) => p.p_bar === null && p.signal === null)).to.equal(true);
  });
});

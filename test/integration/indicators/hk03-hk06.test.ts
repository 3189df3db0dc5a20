import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { addCourse, completedCourse as done, countsOf } from './fixtures';

const END = '2025-06-15';

describe(`indicators HK03–HK06 (${testEngine})`, () => {
  it('HK03 Vedholdenhed: period by end_date, left for cause excluded, no outcome missing', async () => {
    const db = await freshDb();
    await addCourse(db, done('2025-01-01')); // 1 Jan: inside, met
    await addCourse(db, done('2025-12-31', { outcome: 'dropped_out' })); // 31 Dec: inside, not met
    await addCourse(db, done(END, { outcome: 'died' })); // excluded
    await addCourse(db, done(END, { outcome: 'moved' })); // excluded
    await addCourse(db, done(END, { outcome: null })); // might have died or moved, or completed: missing
    await addCourse(db, done('2024-12-31')); // previous year
    await addCourse(db, done('2026-01-01')); // next year
    await addCourse(db, done(END, { annulled: true }));
    await addCourse(db, done(END, { outcome: null, annulled: true })); // annulled is not missing either
    await addCourse(db, { referral_date: '2025-01-02', start_date: '2025-01-10' }); // active: no period date

    expect(await countsOf(db, 'HK03', '2025')).to.deep.equal({ numerator: 1, denominator: 2, missing: 1 });
    expect(await countsOf(db, 'HK03', '2025Q1')).to.deep.equal({ numerator: 1, denominator: 1, missing: 0 });
    expect(await countsOf(db, 'HK03', '2025Q2')).to.deep.equal({ numerator: 0, denominator: 0, missing: 1 });
    expect(await countsOf(db, 'HK03', '2024Q4')).to.deep.equal({ numerator: 1, denominator: 1, missing: 0 });
  });

  it('HK04 Fysisk træning ≥ 80 %: 5 × attended ≥ 4 × planned; planned = 0 and left for cause excluded before missing', async () => {
    const db = await freshDb();
    await addCourse(db, done(END, { training_planned: 24, training_attended: 20 })); // 100 ≥ 96: met
    await addCourse(db, done(END, { training_planned: 24, training_attended: 19 })); // 95 < 96: not met
    await addCourse(db, done(END, { training_planned: 10, training_attended: 8 })); // 40 ≥ 40, exactly 80 %: met
    await addCourse(db, done(END, { outcome: 'dropped_out', training_planned: 24, training_attended: 5 })); // not met
    await addCourse(db, done(END, { training_planned: 0, training_attended: 0 })); // excluded
    await addCourse(db, done(END, { outcome: null, training_planned: 0, training_attended: 0 })); // excluded, not missing
    await addCourse(db, done(END, { outcome: 'died', training_planned: null, training_attended: null })); // excluded, not missing
    await addCourse(db, done(END, { outcome: 'moved', training_planned: 24, training_attended: 0 })); // excluded
    await addCourse(db, done(END, { outcome: null, training_planned: 24, training_attended: 24 })); // missing: outcome
    await addCourse(db, done(END, { outcome: 'dropped_out', training_planned: null, training_attended: null })); // missing
    await addCourse(db, done(END, { training_planned: 24, training_attended: null })); // missing: attended

    expect(await countsOf(db, 'HK04', '2025')).to.deep.equal({ numerator: 2, denominator: 4, missing: 3 });
  });

  it('HK05 Forbedret fysisk kapacitet: 10 × end ≥ 11 × start; test_type none excluded before missing', async () => {
    const db = await freshDb();
    const none = { test_type: 'none', test_start_value: null, test_end_value: null, test_not_done_reason: 'medical' };
    await addCourse(db, done(END, { test_type: '6mwt', test_start_value: 400, test_end_value: 440 })); // 4400 ≥ 4400: met
    await addCourse(db, done(END, { test_type: '6mwt', test_start_value: 400, test_end_value: 439 })); // 4390: not met
    await addCourse(db, done(END, { test_type: 'watt', test_start_value: 100, test_end_value: 120 })); // met
    await addCourse(db, done(END, none)); // excluded
    await addCourse(db, done(END, { ...none, outcome: null })); // excluded by test_type although outcome is missing
    await addCourse(db, done(END, { outcome: 'dropped_out', test_end_value: null })); // not completed: excluded
    await addCourse(db, done(END, { outcome: 'died', test_type: null, test_start_value: null, test_end_value: null })); // excluded
    await addCourse(db, done(END, { outcome: null, test_end_value: null })); // missing: outcome
    await addCourse(db, done(END, { test_type: null, test_start_value: null, test_end_value: null })); // missing: test_type
    await addCourse(db, done(END, { test_start_value: null, test_end_value: 400 })); // missing: start value
    await addCourse(db, done(END, { test_type: 'watt', test_start_value: 100, test_end_value: null })); // missing: end value

    expect(await countsOf(db, 'HK05', '2025')).to.deep.equal({ numerator: 2, denominator: 3, missing: 4 });
  });

  it('HK06 Rygestop: completed smokers at the start; smoking_end = former; precedence of exclusions', async () => {
    const db = await freshDb();
    await addCourse(db, done(END, { smoking_start: 'daily', smoking_end: 'former' })); // met
    await addCourse(db, done(END, { smoking_start: 'occasional', smoking_end: 'occasional' })); // not met
    await addCourse(db, done(END, { smoking_start: 'daily', smoking_end: 'daily' })); // not met
    await addCourse(db, done(END, { smoking_start: 'never', smoking_end: 'never' })); // excluded
    await addCourse(db, done(END, { smoking_start: 'former', smoking_end: 'former' })); // excluded
    await addCourse(db, done(END, { outcome: 'died', smoking_start: 'daily', smoking_end: null })); // excluded
    await addCourse(db, done(END, { outcome: 'dropped_out', smoking_start: null, smoking_end: null })); // excluded by outcome
    await addCourse(db, done(END, { outcome: null, smoking_start: 'never', smoking_end: null })); // excluded by smoking_start
    await addCourse(db, done(END, { smoking_start: null, smoking_end: 'former' })); // missing: smoking_start
    await addCourse(db, done(END, { outcome: null, smoking_start: 'daily', smoking_end: null })); // missing: outcome
    await addCourse(db, done(END, { smoking_start: 'daily', smoking_end: null })); // missing: smoking_end

    expect(await countsOf(db, 'HK06', '2025')).to.deep.equal({ numerator: 1, denominator: 3, missing: 3 });
  });
});

import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { addCourse, countsOf } from './fixtures';

describe(`indicators HK01–HK02 (${testEngine})`, () => {
  it('HK01 Deltagelse: period by referral_date, exclusions by not_started_reason, undecided is missing', async () => {
    const db = await freshDb();
    await addCourse(db, { referral_date: '2025-01-01', start_date: '2025-01-05' }); // 1 Jan: inside, met
    await addCourse(db, { referral_date: '2025-03-31', start_date: '2025-04-02' }); // last day of Q1, met
    await addCourse(db, { referral_date: '2025-12-31', not_started_reason: 'declined' }); // 31 Dec: inside, not met
    await addCourse(db, { referral_date: '2025-04-01', not_started_reason: 'not_reached' }); // Q2 first day, not met
    await addCourse(db, { referral_date: '2025-06-30', not_started_reason: 'other' }); // Q2 last day, not met
    await addCourse(db, { referral_date: '2025-05-15' }); // neither start nor reason: missing
    await addCourse(db, { referral_date: '2025-03-31', not_started_reason: 'died' }); // excluded
    await addCourse(db, { referral_date: '2025-03-31', not_started_reason: 'moved' }); // excluded
    await addCourse(db, { referral_date: '2025-03-31', not_started_reason: 'hospital_rehab' }); // excluded
    await addCourse(db, { referral_date: '2024-12-31', start_date: '2025-01-02' }); // previous year
    await addCourse(db, { referral_date: '2026-01-01', start_date: '2026-01-02' }); // next year
    await addCourse(db, { referral_date: '2025-05-15', start_date: '2025-05-20', annulled: true }); // never counted
    await addCourse(db, { referral_date: '2025-05-15', annulled: true }); // never counted, not even as missing

    // By hand: met = the two started; decided not met = declined, not_reached, other; missing = the undecided one.
    expect(await countsOf(db, 'HK01', '2025')).to.deep.equal({ numerator: 2, denominator: 5, missing: 1 });
    expect(await countsOf(db, 'HK01', '2025Q1')).to.deep.equal({ numerator: 2, denominator: 2, missing: 0 });
    expect(await countsOf(db, 'HK01', '2025Q2')).to.deep.equal({ numerator: 0, denominator: 2, missing: 1 });
    expect(await countsOf(db, 'HK01', '2025Q3')).to.deep.equal({ numerator: 0, denominator: 0, missing: 0 });
    expect(await countsOf(db, 'HK01', '2025Q4')).to.deep.equal({ numerator: 0, denominator: 1, missing: 0 });
    expect(await countsOf(db, 'HK01', '2024')).to.deep.equal({ numerator: 1, denominator: 1, missing: 0 });
  });

  it('HK02 Opstart inden for 14 dage: period by start_date, 14 days met and 15 not, across a leap day', async () => {
    const db = await freshDb();
    await addCourse(db, { referral_date: '2025-01-01', start_date: '2025-01-15' }); // 14 days: met
    await addCourse(db, { referral_date: '2025-01-01', start_date: '2025-01-16' }); // 15 days: not met
    await addCourse(db, { referral_date: '2024-12-20', start_date: '2025-01-01' }); // 12 days, starts 1 Jan: in 2025
    await addCourse(db, { referral_date: '2025-12-31', start_date: '2025-12-31' }); // 0 days, 31 Dec: met
    await addCourse(db, { referral_date: '2025-12-20', start_date: '2026-01-01' }); // starts in 2026
    await addCourse(db, { referral_date: '2025-05-01' }); // not started: not in the population
    await addCourse(db, { referral_date: '2025-05-01', start_date: '2025-05-02', annulled: true });
    await addCourse(db, { referral_date: '2024-02-20', start_date: '2024-03-05' }); // 9 + 5 = 14 days (29 Feb 2024)
    await addCourse(db, { referral_date: '2023-02-20', start_date: '2023-03-07' }); // 8 + 7 = 15 days (no 29 Feb)

    expect(await countsOf(db, 'HK02', '2025')).to.deep.equal({ numerator: 3, denominator: 4, missing: 0 });
    expect(await countsOf(db, 'HK02', '2025Q1')).to.deep.equal({ numerator: 2, denominator: 3, missing: 0 });
    expect(await countsOf(db, 'HK02', '2025Q4')).to.deep.equal({ numerator: 1, denominator: 1, missing: 0 });
    expect(await countsOf(db, 'HK02', '2024')).to.deep.equal({ numerator: 1, denominator: 1, missing: 0 });
    expect(await countsOf(db, 'HK02', '2023')).to.deep.equal({ numerator: 0, denominator: 1, missing: 0 });
  });
});

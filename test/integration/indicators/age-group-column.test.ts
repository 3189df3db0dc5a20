import { expect } from 'chai';
import type { Db } from '../../../server/db/connect';
import { INDEXES } from '../../../migrations/20261202160000_courses_carry_age_group';
import { computeStrata } from '../../../server/indicators/strata';
import { freshDb, testEngine } from '../../helpers/db';
import { addCourse, completedCourse } from './fixtures';

/** The stored age group of a course (migration 20261202160000). */
async function ageGroupOf(db: Db, courseId: number): Promise<string | null> {
  const row = await db('courses').where('id', courseId).first('age_group');
  return row.age_group ?? null;
}

async function patientOf(db: Db, courseId: number): Promise<number> {
  const row = await db('courses').where('id', courseId).first('patient_id');
  return Number(row.patient_id);
}

describe(`courses carry their age group for the strata, kept by the database (${testEngine})`, () => {
  it('is set on insert from the patient\'s birth date on referral_date, at every bound (29 February from 1 March)', async () => {
    const db = await freshDb();
    const cases: [string, string, string][] = [
      ['1960-02-29', '2020-02-28', '<60'], ['1960-02-29', '2020-02-29', '60-69'],
      ['1952-02-29', '2022-02-28', '60-69'], ['1952-02-29', '2022-03-01', '70-79'],
      ['1940-12-31', '2020-12-30', '70-79'], ['1940-12-31', '2020-12-31', '80+'],
    ];
    for (const [birth, referral, group] of cases) {
      const id = await addCourse(db, { birth_date: birth, referral_date: referral });
      expect(await ageGroupOf(db, id), `${birth} on ${referral}`).to.equal(group);
    }
  });

  it('is NULL (in no age group) when the birth date is unknown', async () => {
    const db = await freshDb();
    const id = await addCourse(db, { birth_date: null });
    expect(await ageGroupOf(db, id)).to.equal(null);
  });

  it('follows a changed referral date, a changed birth date of the patient, and undoes a direct write', async () => {
    const db = await freshDb();
    const id = await addCourse(db, { birth_date: '1965-06-15', referral_date: '2025-06-14' }); // 59
    expect(await ageGroupOf(db, id)).to.equal('<60');

    await db('courses').where('id', id).update({ referral_date: '2025-06-15' }); // 60 on the birthday
    expect(await ageGroupOf(db, id)).to.equal('60-69');

    await db('patients').where('id', await patientOf(db, id)).update({ birth_date: '1940-01-01' });
    expect(await ageGroupOf(db, id)).to.equal('80+');

    await db('courses').where('id', id).update({ age_group: '<60' });
    expect(await ageGroupOf(db, id)).to.equal('80+');
  });

  it('follows a move to another patient (a CPR correction)', async () => {
    const db = await freshDb();
    const young = await addCourse(db, { birth_date: '1990-01-01', referral_date: '2025-03-01' });
    const old = await addCourse(db, { birth_date: '1930-01-01', referral_date: '2025-03-01' });
    await db('courses').where('id', young).update({ patient_id: await patientOf(db, old) });
    expect(await ageGroupOf(db, young)).to.equal('80+');
  });

  it('is what the strata by age group count', async () => {
    const db = await freshDb();
    const id = await addCourse(db, completedCourse('2025-06-30', { birth_date: '1950-01-01', referral_date: '2025-01-02' }));
    await db('courses').where('id', id).update({ referral_date: '2030-01-02' }); // 80 on the new referral date
    const rows = await computeStrata(db, { period: '2025', unitType: 'municipality', unitCode: '751', stratumType: 'age_group', indicatorIds: ['HK03'] });
    expect(rows.map((r) => [r.stratum, r.denominator])).to.deep.equal([['<60', 0], ['60-69', 0], ['70-79', 0], ['80+', 1]]);
  });

  it('is in every covering index of the indicator counts', () => {
    for (const index of INDEXES) expect(index.columns, index.name).to.include('age_group');
  });
});

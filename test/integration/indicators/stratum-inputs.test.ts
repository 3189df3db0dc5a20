import { expect } from 'chai';
import { birthDateFromCpr, sexFromCpr } from '../../../server/patients';
import { fillPatientDemographics } from '../../../server/patients';
import { createCourse, updateCourse } from '../../../server/courses/service';
import type { Db } from '../../../server/db/connect';
import { computeStrata } from '../../../server/indicators/strata';
import { freshDb, testEngine } from '../../helpers/db';
import { addCourse, completedCourse } from './fixtures';
import { aCourse, closedValues, CPR_KEY, daysAgo, scopeFor } from '../courses/helpers';

/** The strata's inputs carried on the course row (migration 20261201110000), as stored. */
async function carried(db: Db, courseId: number): Promise<{ sex: string | null; birth_date: string | null }> {
  const row = await db('courses').where('id', courseId).first('sex', 'birth_date');
  return { sex: row.sex ?? null, birth_date: row.birth_date ?? null };
}

const WOMAN_1950 = '0403501234'; // 4 March 1950, last digit even: F
const MAN_1980 = '0807801235'; // 8 July 1980, last digit odd: M

describe(`courses carry their patient's sex and birth date for the strata (${testEngine})`, () => {
  it('a course created through the service takes its patient\'s sex and birth date', async () => {
    const db = await freshDb();
    const course = await createCourse(await scopeFor(db), aCourse({ cpr: WOMAN_1950 }));
    expect(await carried(db, course.id)).to.deep.equal({ sex: sexFromCpr(WOMAN_1950), birth_date: birthDateFromCpr(WOMAN_1950) });
    expect(await carried(db, course.id)).to.deep.equal({ sex: 'F', birth_date: '1950-03-04' });
  });

  it('a course inserted directly (the bulk paths) takes its patient\'s values, and a direct write of them is undone', async () => {
    const db = await freshDb();
    const [patient] = await db('patients').insert({
      municipality_code: '751', cpr_hash: 'h1', cpr_enc: 'e', sex: 'M', birth_date: '1944-12-31', created_at: '2025-01-01T00:00:00.000Z',
    }).returning('id');
    const patientId = typeof patient === 'object' ? patient.id : patient;
    const [row] = await db('courses').insert({
      municipality_code: '751', patient_id: patientId, referral_date: '2025-03-01', diagnosis_group: 'ihd', state: 'referred', created_at: '2025-01-01', updated_at: '2025-01-01',
    }).returning('id');
    const courseId = Number(typeof row === 'object' ? row.id : row);
    expect(await carried(db, courseId)).to.deep.equal({ sex: 'M', birth_date: '1944-12-31' });

    await db('courses').where('id', courseId).update({ sex: 'F', birth_date: '2000-01-01' });
    expect(await carried(db, courseId)).to.deep.equal({ sex: 'M', birth_date: '1944-12-31' });
  });

  it('the triggers find their tables whatever the session\'s search_path (a COPY from psql, another schema): PostgreSQL', async function () {
    if (testEngine !== 'pg') this.skip();
    const db = await freshDb();
    const course = await createCourse(await scopeFor(db), aCourse({ cpr: WOMAN_1950 }));
    await db.transaction(async (trx) => {
      const schema = (await trx.raw('SELECT current_schema() AS s')).rows[0].s as string;
      await trx.raw('SET LOCAL search_path TO pg_catalog');
      await trx.raw('UPDATE ??.courses SET sex = NULL WHERE id = ?', [schema, course.id]);
      await trx.raw('UPDATE ??.patients SET sex = ? WHERE id = (SELECT patient_id FROM ??.courses WHERE id = ?)', [schema, 'M', schema, course.id]);
    });
    expect((await carried(db, course.id)).sex).to.equal('M');
  });

  it('a CPR correction moves the course to the corrected patient\'s sex and age group, in the strata too', async () => {
    const db = await freshDb();
    const cs = await scopeFor(db);
    const referral = daysAgo(30);
    const course = await createCourse(cs, aCourse({ cpr: WOMAN_1950, referral_date: referral }));
    const other = await createCourse(cs, aCourse({ cpr: WOMAN_1950, referral_date: daysAgo(400), ...closedValues(daysAgo(390), daysAgo(300)) }));
    const year = referral.slice(0, 4);
    const before = await computeStrata(db, { period: year, unitType: 'municipality', unitCode: '751', stratumType: 'sex', indicatorIds: ['HK01'] });

    await updateCourse(cs, course.id, { cpr: MAN_1980 }, 1);

    expect(await carried(db, course.id)).to.deep.equal({ sex: 'M', birth_date: '1980-07-08' });
    expect(await carried(db, other.id)).to.deep.equal({ sex: 'F', birth_date: '1950-03-04' }); // the old patient's other course stays
    const after = await computeStrata(db, { period: year, unitType: 'municipality', unitCode: '751', stratumType: 'sex', indicatorIds: ['HK01'] });
    // a referred course not yet started is HK01's missing: it lies in the stratum either way
    const denominators = (rows: typeof after) => rows.map((r) => [r.stratum, r.denominator! + r.missing!]);
    expect(denominators(before)).to.deep.equal([['F', 1], ['M', 0]]);
    expect(denominators(after)).to.deep.equal([['F', 0], ['M', 1]]);
    const age = await computeStrata(db, { period: year, unitType: 'municipality', unitCode: '751', stratumType: 'age_group', indicatorIds: ['HK01'] });
    expect(age.find((r) => r.denominator! + r.missing! === 1)?.stratum).to.equal('<60'); // 45 on the referral date
  });

  it('a change of the patient\'s sex or birth date (the startup fill from the CPR) reaches every course of the patient', async () => {
    const db = await freshDb();
    const cs = await scopeFor(db);
    const first = await createCourse(cs, aCourse({ cpr: MAN_1980, referral_date: daysAgo(30) }));
    const second = await createCourse(cs, aCourse({ cpr: MAN_1980, referral_date: daysAgo(400), ...closedValues(daysAgo(390), daysAgo(300)) }));
    const [{ patient_id: patientId }] = await db('courses').where('id', first.id).select('patient_id');
    // A patient stored before sex and birth date were: the startup fill decrypts its CPR.
    await db('patients').where('id', patientId).update({ sex: null, birth_date: null });
    expect(await carried(db, first.id)).to.deep.equal({ sex: null, birth_date: null });

    expect(await fillPatientDemographics(db, CPR_KEY)).to.equal(1);

    for (const id of [first.id, second.id]) expect(await carried(db, id)).to.deep.equal({ sex: 'M', birth_date: '1980-07-08' });
  });

  it('age groups on referral_date at every bound, 29 February counting from 1 March (same on both engines)', async () => {
    const db = await freshDb();
    const cases: [string, string][] = [
      ['1960-02-29', '2020-02-28'], ['1960-02-29', '2020-02-29'], // 59, 60 (a leap year)
      ['1952-02-29', '2022-02-28'], ['1952-02-29', '2022-03-01'], // 69, 70 (not a leap year)
      ['1940-12-31', '2020-12-30'], ['1940-12-31', '2020-12-31'], // 79, 80
    ];
    for (const [birth, referral] of cases) {
      await addCourse(db, completedCourse('2025-06-30', { birth_date: birth, referral_date: referral, start_date: '2025-01-10' }));
    }
    const age = await computeStrata(db, { period: '2025', unitType: 'municipality', unitCode: '751', stratumType: 'age_group', indicatorIds: ['HK03'] });
    expect(age.map((r) => [r.stratum, r.denominator])).to.deep.equal([['<60', 1], ['60-69', 2], ['70-79', 2], ['80+', 1]]);
  });
});

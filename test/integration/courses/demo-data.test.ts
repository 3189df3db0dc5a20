import { expect } from 'chai';
import { resolveScope } from '../../../server/access';
import { completeness, deriveState } from '../../../server/courses/completeness';
import { coursesOverlap } from '../../../server/courses/overlap';
import { toRecord, registeredValues } from '../../../server/courses/serialize';
import { validateCourse } from '../../../server/courses/schemas';
import type { Db } from '../../../server/db/connect';
import { insertDemoCourses, seedDemoCoursesIfEmpty, STARTUP_COURSES } from '../../../server/demo/startup';
import { today } from '../../../server/time';
import { testConfig } from '../../helpers/app';
import { freshDb } from '../../helpers/db';
import { CPR_KEY } from './helpers';

describe('demo data', () => {
  let db: Db;
  before(async () => {
    db = await freshDb();
    await seedDemoCoursesIfEmpty(db, testConfig({ demoData: true }), () => undefined);
  });

  it('at start, with no courses: ~3 000 courses in the 19 municipalities of Region Midtjylland, all patients flagged demo', async () => {
    const perMunicipality: { municipality_code: string; n: unknown }[] = await db('courses').select('municipality_code').count({ n: '*' }).groupBy('municipality_code');
    const midt = await db('municipalities').where('region_code', '1082').pluck('code');

    const total = perMunicipality.reduce((s, r) => s + Number(r.n), 0);
    expect(total).to.equal(STARTUP_COURSES);
    expect(perMunicipality.map((r) => r.municipality_code)).to.have.members(midt);
    expect(midt).to.have.length(19);
    expect(await db('patients').where('is_demo', false).count({ n: '*' }).then((r) => Number(r[0].n))).to.equal(0);
  });

  it('stored state, complete and missing are the derived ones, the courses validate and no patient\'s courses overlap', async () => {
    const scope = (await resolveScope(db, '751'))!;
    const rows = await db('courses').join('patients', 'patients.id', 'courses.patient_id')
      .where('courses.municipality_code', scope.code).select('courses.*', 'patients.cpr_enc', 'patients.patient_name');
    const records = rows.map((r) => toRecord(r, CPR_KEY));

    for (const r of records) {
      const values = registeredValues(r);
      const { complete, missing } = completeness(values);
      expect([r.state, r.complete, r.missing]).to.deep.equal([deriveState(values), complete, missing]);
      expect(validateCourse(values, { today: today(), existing: true }).errors).to.deep.equal([]);
    }
    const byPatient = new Map<number, typeof records>();
    for (const r of records) byPatient.set(r.patient_id, [...(byPatient.get(r.patient_id) ?? []), r]);
    for (const courses of byPatient.values()) {
      for (const a of courses) for (const b of courses) if (a.id < b.id) expect(coursesOverlap(a, b)).to.equal(false);
    }
    expect(records.length).to.be.greaterThan(50);
  });

  it('a second start adds nothing, and production never seeds', async () => {
    await seedDemoCoursesIfEmpty(db, testConfig({ demoData: true }), () => undefined);
    const empty = await freshDb();
    await seedDemoCoursesIfEmpty(empty, testConfig({ demoData: true, production: true }), () => undefined);

    expect(await db('courses').count({ n: '*' }).then((r) => Number(r[0].n))).to.equal(STARTUP_COURSES);
    expect(await empty('courses').count({ n: '*' }).then((r) => Number(r[0].n))).to.equal(0);
  });

  it('a bulk insert whose patients already exist skips their courses rather than overlap them', async () => {
    const target = await freshDb();
    const opts = { count: 200, municipalityCodes: ['751'], years: 2, seed: 7 };

    const first = await insertDemoCourses(target, CPR_KEY, opts);
    const again = await insertDemoCourses(target, CPR_KEY, opts);

    expect(first.inserted).to.equal(200);
    expect(again.inserted).to.equal(0);
  });
});

import { expect } from 'chai';
import type { Knex } from 'knex';
import type { CurrentUser } from '../../../server/access';
import type { CourseValues } from '../../../server/courses/variables';
import { freshDb } from '../../helpers/db';
import { closedCourse, cprNo, notStartedCourse, storeCourse } from '../submissions/fixtures';
import { courseCount, csvOf, importText, therapist } from './helpers';

/** `n` valid rows of distinct patients (never overlapping anything in these tests). */
const filler = (n: number, from = 1000): CourseValues[] => Array.from({ length: n }, (_, i) => notStartedCourse({ cpr: cprNo(from + i), patient_name: null }));

describe('course import: rows spread over several batches (planned 100, written 500 at a time) behave as one file', () => {
  let db: Knex;
  let user: CurrentUser;
  beforeEach(async () => {
    db = await freshDb();
    user = await therapist(db);
  });

  it('a stored course that a row 600 lines further down moves away does not overlap an earlier row', async () => {
    await storeCourse(db, closedCourse({ cpr: cprNo(1), external_id: 'X' }));
    const csv = csvOf([
      notStartedCourse({ cpr: cprNo(1), referral_date: '2025-03-03', patient_name: null }),
      ...filler(600),
      closedCourse({ cpr: cprNo(1), external_id: 'X', referral_date: '2024-01-05', discharge_date: null, start_date: '2024-01-10', end_date: '2024-04-01', patient_name: null }),
    ]);

    const report = await importText(db, user, csv);

    expect(report.errors).to.deep.equal([]);
    expect(report).to.include({ rows: 602, created: 601, updated: 1 });
    expect(report.courses[601]).to.include({ line: 603, action: 'update', external_id: 'X' });
    expect(await courseCount(db)).to.equal(602);
    expect((await db('courses').where({ external_id: 'X' }).first()).end_date).to.equal('2024-04-01');
  });

  it('an overlap with a stored course found in a later batch still rolls back the batches already written', async () => {
    await storeCourse(db, closedCourse({ cpr: cprNo(2) }));
    const csv = csvOf([...filler(700), notStartedCourse({ cpr: cprNo(2), referral_date: '2025-03-03', patient_name: null })]);

    const report = await importText(db, user, csv);

    expect(report.errors.map((e) => [e.line, e.code])).to.deep.equal([[702, 'overlap_stored']]);
    expect(report.courses.every((c) => c.id === null)).to.equal(true);
    expect(await courseCount(db)).to.equal(1);
    expect(await db('patients')).to.have.length(1);
    expect(await db('audit_log').where({ action: 'course_create' })).to.have.length(0);
    const summary = await db('audit_log').where({ action: 'import' }).first();
    expect(JSON.parse(summary.detail)).to.include({ rows: 701, created: 701, errors: 1, committed: false });
  });

  it('the same external_id 700 lines apart: a create, then an error; nothing written', async () => {
    const csv = csvOf([notStartedCourse({ cpr: cprNo(3), external_id: 'D', patient_name: null }), ...filler(700),
      notStartedCourse({ cpr: cprNo(4), external_id: 'D', patient_name: null })]);

    const report = await importText(db, user, csv);

    expect(report.errors.map((e) => [e.line, e.column, e.code])).to.deep.equal([[703, 'external_id', 'duplicate_external_id_in_file']]);
    expect(report.courses[701]).to.deep.equal({ line: 703, action: 'create', external_id: 'D', id: null });
    expect(await courseCount(db)).to.equal(0);
  });

  it('the last row of the file names its patient; a stored patient renamed gives its other courses a new version, the file\'s none', async () => {
    const stored = await storeCourse(db, closedCourse({ cpr: cprNo(5), patient_name: 'Gammel Navn' }));
    const csv = csvOf([
      notStartedCourse({ cpr: cprNo(6), referral_date: '2024-01-02', patient_name: 'Anna' }),
      notStartedCourse({ cpr: cprNo(5), referral_date: '2024-01-02', patient_name: 'Ny Navn' }),
      ...filler(600).map((c) => ({ ...c, patient_name: 'Fyld' })),
      notStartedCourse({ cpr: cprNo(6), referral_date: '2024-06-02', patient_name: 'Berit' }),
    ]);

    const report = await importText(db, user, csv);

    expect(report.errors).to.deep.equal([]);
    const names = (await db('patients').whereNot('patient_name', 'Fyld').orderBy('id').select('patient_name')).map((p) => p.patient_name);
    expect(names).to.deep.equal(['Ny Navn', 'Berit']);
    expect((await db('courses').where({ id: stored }).first()).version).to.equal(2);
    const created = await db('courses').whereNot('id', stored).select('version');
    expect(created).to.have.length(603);
    expect(created.every((c) => c.version === 1)).to.equal(true);
  });
});

import { expect } from 'chai';
import type { Knex } from 'knex';
import type { CurrentUser } from '../../../server/access';
import { freshDb } from '../../helpers/db';
import { closedCourse, cprNo, notStartedCourse, storeCourse } from '../submissions/fixtures';
import { courseCount, csvOf, importText, therapist } from './helpers';

describe('course import: line numbers, municipality_code and external_id edge cases', () => {
  let db: Knex;
  let user: CurrentUser;
  beforeEach(async () => {
    db = await freshDb();
    user = await therapist(db);
  });

  for (const eol of ['\n', '\r\n']) {
    it(`a quoted field over three lines (${JSON.stringify(eol)}): the next record's error is at its own physical line`, async () => {
      const csv = ['cpr;referral_date;diagnosis_group;patient_name', `${cprNo(1)};2025-03-03;ihd;"Jens${eol}Ib${eol}Hansen"`,
        `${cprNo(2)};2025-03-03;heart;Ole`, `${cprNo(3)};2025-13-03;ihd;"Kaj;${eol}""K"""`, `${cprNo(4)};2025-03-03;x;y`, ''].join(eol);

      const report = await importText(db, user, csv, true);

      // A line break inside a name is a control character there (as in the form), refused at its own record's line.
      expect(report.courses.map((c) => c.line)).to.deep.equal([5, 8]);
      expect(report.errors.map((e) => [e.line, e.column, e.code])).to.deep.equal([
        [2, 'patient_name', 'control_char'], [5, 'diagnosis_group', 'invalid_code'], [6, 'patient_name', 'control_char'],
        [8, 'diagnosis_group', 'invalid_code']]);
    });
  }

  it('blank lines between records are skipped but counted in the line numbers', async () => {
    const csv = `cpr;referral_date;diagnosis_group\n\n${cprNo(5)};2025-03-03;ihd\n\n\n${cprNo(6)};2025-03-03;bad\n`;

    const report = await importText(db, user, csv, true);

    expect(report.rows).to.equal(2);
    expect(report.errors.map((e) => e.line)).to.deep.equal([6]);
  });

  it('an empty municipality_code cell counts as absent; the importer\'s own code is accepted', async () => {
    const csv = `municipality_code;cpr;referral_date;diagnosis_group;referral_source;not_started_reason\n;${cprNo(7)};2025-03-03;ihd;gp;declined\n751;${cprNo(8)};2025-03-03;ihd;gp;declined\n`;

    const report = await importText(db, user, csv);

    expect(report.errors).to.deep.equal([]);
    expect(await db('courses').pluck('municipality_code')).to.deep.equal(['751', '751']);
  });

  it('a row whose external_id belongs to an annulled course is an error; nothing is written', async () => {
    await storeCourse(db, closedCourse({ cpr: cprNo(9), external_id: 'GONE' }), { annulled: true });

    const report = await importText(db, user, csvOf([closedCourse({ cpr: cprNo(9), external_id: 'GONE' }), notStartedCourse({ cpr: cprNo(10) })]));

    expect(report.errors.map((e) => [e.line, e.column, e.code])).to.deep.equal([[2, 'external_id', 'annulled_external_id']]);
    expect(await courseCount(db)).to.equal(1);
  });

  it('an external_id of another municipality creates a new course here', async () => {
    const other = await storeCourse(db, notStartedCourse({ cpr: cprNo(11), external_id: 'E1', municipality_code: '730' }));

    const report = await importText(db, user, csvOf([notStartedCourse({ cpr: cprNo(11), external_id: 'E1' })]));

    expect(report.errors).to.deep.equal([]);
    expect(report.courses[0]).to.include({ action: 'create', external_id: 'E1' });
    expect(report.courses[0].id).to.not.equal(other);
  });

  it('the report lists updates with the stored id, and the dry run of an update changes nothing', async () => {
    const id = await storeCourse(db, notStartedCourse({ cpr: cprNo(12), external_id: 'U1' }));
    const csv = `external_id;cpr;referral_date;diagnosis_group;referral_source\nU1;${cprNo(12)};2025-03-03;heart_failure;hospital\n`;

    const dry = await importText(db, user, csv, true);

    expect(dry.courses).to.deep.equal([{ line: 2, action: 'update', external_id: 'U1', id }]);
    expect(dry).to.include({ created: 0, updated: 1 });
    expect((await db('courses').where({ id }).first()).referral_source).to.equal('gp');
  });

  it('a committed import writes one summary audit row with the counts; a dry run one marked as such', async () => {
    await importText(db, user, csvOf([notStartedCourse({ cpr: cprNo(13) })]), true);
    await importText(db, user, csvOf([notStartedCourse({ cpr: cprNo(13) })]));

    const rows = await db('audit_log').whereIn('action', ['import', 'import_dry_run']).orderBy('id');
    expect(rows.map((r) => [r.action, JSON.parse(r.detail)])).to.deep.equal([
      ['import_dry_run', { rows: 1, created: 1, updated: 0, errors: 0, committed: false }],
      ['import', { rows: 1, created: 1, updated: 0, errors: 0, committed: true }],
    ]);
  });
});

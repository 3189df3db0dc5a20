import { expect } from 'chai';
import type { Knex } from 'knex';
import type { CurrentUser } from '../../../server/access';
import { freshDb } from '../../helpers/db';
import { closedCourse, cprNo, notStartedCourse, storeCourse } from '../submissions/fixtures';
import { courseCount, csvOf, importText, therapist } from './helpers';

describe('course import: rows', () => {
  let db: Knex;
  let user: CurrentUser;
  beforeEach(async () => {
    db = await freshDb();
    user = await therapist(db);
  });

  it('a valid file imports all rows, one audit row per course, one patient per CPR', async () => {
    const csv = csvOf([
      closedCourse({ cpr: cprNo(1), referral_date: '2024-01-05', discharge_date: null, start_date: '2024-01-10', end_date: '2024-04-01' }),
      notStartedCourse({ cpr: cprNo(1), referral_date: '2025-03-03' }),
      closedCourse({ cpr: cprNo(2), external_id: 'EPJ-2' }),
    ]);

    const report = await importText(db, user, csv);

    expect(report.errors).to.deep.equal([]);
    expect(report).to.include({ dry_run: false, rows: 3, created: 3, updated: 0 });
    expect(report.courses.map((c) => [c.line, c.action, c.external_id])).to.deep.equal([[2, 'create', null], [3, 'create', null], [4, 'create', 'EPJ-2']]);
    expect(report.courses.every((c) => typeof c.id === 'number')).to.equal(true);
    expect(await courseCount(db)).to.equal(3);
    expect((await db('patients').count({ n: '*' }))[0].n).to.equal(2);
    expect(await db('audit_log').where({ action: 'course_create' })).to.have.length(3);
    const stored = await db('courses').where({ external_id: 'EPJ-2' }).first();
    expect(stored).to.include({ state: 'closed', heartqol_start: 2.15, end_date: '2025-05-05' });
  });

  it('one bad row in 1 000 writes nothing and the report names its line', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => notStartedCourse({ cpr: cprNo(i), referral_date: '2025-03-03' }));
    rows[500] = { ...rows[500], diagnosis_group: 'heart' };

    const report = await importText(db, user, csvOf(rows));

    expect(report.rows).to.equal(1000);
    expect(report.errors).to.have.length(1);
    expect(report.errors[0]).to.include({ line: 502, column: 'diagnosis_group', code: 'invalid_code' });
    expect(report.errors[0].message).to.match(/Diagnosegruppe har en ugyldig kode: "heart"/);
    expect(await courseCount(db)).to.equal(0);
    expect(await db('patients')).to.have.length(0);
  });

  it('a dry run reports what it would do and writes nothing', async () => {
    const report = await importText(db, user, csvOf([closedCourse({ cpr: cprNo(3) })]), true);

    expect(report).to.include({ dry_run: true, rows: 1, created: 1, updated: 0 });
    expect(report.courses[0].id).to.equal(null);
    expect(await courseCount(db)).to.equal(0);
  });

  it('re-import with external_id updates the present columns only; an empty cell un-registers', async () => {
    await importText(db, user, csvOf([closedCourse({ cpr: cprNo(4), external_id: 'A1' }), closedCourse({ cpr: cprNo(5), external_id: 'A2' })]));
    const csv = 'external_id;cpr;referral_date;diagnosis_group;icd10;discharge_date\n'
      + `A1;${cprNo(4)};2025-02-01;ihd;DI211;\nA2;${cprNo(5)};2025-02-01;ihd;DI219;2025-01-25\n`;

    const report = await importText(db, user, csv);

    expect(report.errors).to.deep.equal([]);
    expect(report).to.include({ created: 0, updated: 2 });
    expect(report.courses.map((c) => [c.action, c.external_id])).to.deep.equal([['update', 'A1'], ['update', 'A2']]);
    const a1 = await db('courses').where({ external_id: 'A1' }).first();
    expect(a1).to.include({ icd10: 'DI211', discharge_date: null, end_date: '2025-05-05', version: 2 });
    expect((await db('courses').where({ external_id: 'A2' }).first()).version).to.equal(1);
    const audit = await db('audit_log').where({ action: 'course_update' });
    expect(audit).to.have.length(1);
    expect(JSON.parse(audit[0].detail).changes).to.deep.equal({ icd10: { old: 'DI219', new: 'DI211' }, discharge_date: { old: '2025-01-25', new: null } });
    expect(await courseCount(db)).to.equal(2);
  });

  it('an update with another CPR, and the same external_id twice in one file, are row errors', async () => {
    await importText(db, user, csvOf([closedCourse({ cpr: cprNo(6), external_id: 'B1' })]));
    const csv = csvOf([
      closedCourse({ cpr: cprNo(7), external_id: 'B1' }),
      notStartedCourse({ cpr: cprNo(8), external_id: 'B2' }),
      notStartedCourse({ cpr: cprNo(9), external_id: 'B2' }),
    ]);

    const report = await importText(db, user, csv);

    expect(report.errors.map((e) => [e.line, e.column, e.code])).to.deep.equal([[2, 'cpr', 'cpr_mismatch'], [4, 'external_id', 'duplicate_external_id_in_file']]);
    expect(await courseCount(db)).to.equal(1);
  });

  it('a row for another municipality is refused', async () => {
    const report = await importText(db, user, csvOf([closedCourse({ cpr: cprNo(10), municipality_code: '730' })]));

    expect(report.errors[0]).to.include({ line: 2, column: 'municipality_code', code: 'municipality_mismatch' });
    expect(await courseCount(db)).to.equal(0);
  });

  it('overlap between two rows of the file, and with a stored course, are errors', async () => {
    await storeCourse(db, closedCourse({ cpr: cprNo(11) }));
    const csv = csvOf([
      notStartedCourse({ cpr: cprNo(12), referral_date: '2025-04-01' }),
      closedCourse({ cpr: cprNo(12), referral_date: '2025-03-01', start_date: '2025-03-05', discharge_date: null, end_date: '2025-05-01' }),
      notStartedCourse({ cpr: cprNo(11), referral_date: '2025-03-01' }),
    ]);

    const report = await importText(db, user, csv);

    expect(report.errors.map((e) => [e.line, e.column, e.code])).to.deep.equal([[3, 'referral_date', 'overlap_row'], [4, 'referral_date', 'overlap_stored']]);
    expect(report.errors[0].message).to.include('linje 2');
    expect(await courseCount(db)).to.equal(1);
  });
});

describe('course import: file format', () => {
  let db: Knex;
  let user: CurrentUser;
  const rows = () => [closedCourse({ cpr: cprNo(20), patient_name: 'Jensen; "Ib"' }), notStartedCourse({ cpr: cprNo(21) })];
  beforeEach(async () => {
    db = await freshDb();
    user = await therapist(db);
  });

  for (const variant of [{ sep: ';' }, { sep: ',' }, { sep: ';', bom: true, crlf: true }, { sep: ',', bom: true }]) {
    it(`reads separator "${variant.sep}"${variant.bom ? ' with BOM' : ''}${variant.crlf ? ' and CRLF' : ''}`, async () => {
      const quoted = csvOf(rows(), variant).replace('Jensen; "Ib"', '"Jensen; ""Ib"""').replace(/Jensen, "Ib"/, '"Jensen, ""Ib"""');

      const report = await importText(db, user, quoted);

      expect(report.errors).to.deep.equal([]);
      expect(report.created).to.equal(2);
      expect((await db('patients').whereNotNull('patient_name').first()).patient_name).to.equal('Jensen; "Ib"');
    });
  }

  it('an unknown header is an error at line 1 naming it; nothing is written', async () => {
    const report = await importText(db, user, csvOf([notStartedCourse({ cpr: cprNo(22) })]).replace('diagnosis_group', 'diagnose'));

    expect(report.errors.map((e) => [e.line, e.column, e.code])).to.deep.equal([[1, 'diagnose', 'unknown_column'], [1, 'diagnosis_group', 'missing_column']]);
    expect(await courseCount(db)).to.equal(0);
  });

  const malformed: [string, string | Buffer, number, string][] = [
    ['unbalanced quotes', `cpr;referral_date;diagnosis_group;patient_name\n${cprNo(22)};2025-03-03;ihd;ok\n${cprNo(23)};2025-03-03;ihd;"Jens\n${cprNo(24)};2025-03-03;ihd;x\n`, 3, 'unbalanced_quote'],
    ['latin-1 bytes', Buffer.concat([Buffer.from(`cpr;referral_date;diagnosis_group;patient_name\n${cprNo(25)};2025-03-03;ihd;Jens\n`), Buffer.from(`${cprNo(26)};2025-03-03;ihd;S\xf8ren\n`, 'latin1')]), 3, 'not_utf8'],
    ['an empty file', '', 1, 'empty_file'],
    ['a header without data rows', 'cpr;referral_date;diagnosis_group\n', 2, 'no_data_row'],
    ['a quote inside an unquoted field', `cpr;referral_date;diagnosis_group;patient_name\n${cprNo(28)};2025-03-03;ihd;Jens "Ib"\n`, 2, 'unbalanced_quote'],
    ['a huge field', `cpr;referral_date;diagnosis_group;patient_name\n${cprNo(27)};2025-03-03;ihd;${'x'.repeat(200_000)}\n`, 2, 'record_too_large'],
  ];
  for (const [what, text, line, code] of malformed) {
    it(`${what}: a clear Danish error at line ${line}, nothing written`, async () => {
      const report = await importText(db, user, text);

      expect(report.errors.find((e) => e.code === code)).to.include({ line, column: null });
      expect(report.errors.find((e) => e.code === code)!.message).to.match(/^[A-ZÆØÅ].+\.$/);
      expect(await courseCount(db)).to.equal(0);
    });
  }

  it('a file over the byte limit is refused as too large', async () => {
    const err = await importText(db, user, csvOf(rows()), false, 100).catch((e) => e);

    expect(err.status).to.equal(413);
    expect(await courseCount(db)).to.equal(0);
  });
});

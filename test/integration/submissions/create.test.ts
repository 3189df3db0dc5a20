import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { resolveScope, type Scope } from '../../../server/access';
import { NATIONAL_VARIABLES } from '../../../server/courses/variables';
import { decryptBytes } from '../../../server/patients';
import { Conflict } from '../../../server/http/errors';
import { createSubmission, downloadPart, submissionLog, validateSubmission } from '../../../server/submissions/service';
import { freshDb } from '../../helpers/db';
import { closedCourse, cprNo, notStartedCourse, storeCourse, TEST_CPR_KEY as KEY } from './fixtures';

const actor = { userId: null, email: 'indberetter@test.dk', scope: '751', ip: '127.0.0.1' };
const YEAR = { from: '2025-01-01', to: '2025-12-31' };

async function scope(db: Knex, code: string): Promise<Scope> {
  return (await resolveScope(db, code))!;
}

async function csvOf(db: Knex, id: number, s: Scope): Promise<string> {
  return (await downloadPart(db, KEY, actor, s, id, 'csv')).bytes.toString('utf8');
}

describe('national submission: contents and files', () => {
  let db: Knex;
  let aarhus: Scope;
  beforeEach(async () => {
    db = await freshDb();
    aarhus = await scope(db, '751');
  });

  it('the CSV has course_id and then the national variables in N order, LF, no BOM, sorted by course_id', async () => {
    const second = await storeCourse(db, closedCourse({ cpr: cprNo(2) }));
    const first = await storeCourse(db, notStartedCourse({ cpr: cprNo(1) }));

    const m = await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });
    const csv = await csvOf(db, m.id, aarhus);

    const lines = csv.split('\n');
    expect(lines[0].split(';')).to.deep.equal(['course_id', ...NATIONAL_VARIABLES]);
    expect(csv.charCodeAt(0)).to.not.equal(0xfeff);
    expect(csv.endsWith('\n')).to.equal(true);
    expect(csv).to.not.include('\r');
    expect(lines.slice(1, -1).map((l) => Number(l.split(';')[0]))).to.deep.equal([second, first].sort((a, b) => a - b));
    expect(m.record_count).to.equal(2);
  });

  it('a record carries the 10 CPR digits, codes and dates, decimals with the dictionary decimals and a dot', async () => {
    const id = await storeCourse(db, closedCourse({ cpr: cprNo(3), heartqol_start: 2.1, weight_start_kg: 80 }));

    const m = await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });
    const [header, row] = (await csvOf(db, m.id, aarhus)).split('\n');

    const record = Object.fromEntries(header.split(';').map((h, i) => [h, row.split(';')[i]]));
    expect(record.course_id).to.equal(String(id));
    expect(record.cpr).to.equal(cprNo(3));
    expect(record.municipality_code).to.equal('751');
    expect(record.heartqol_start).to.equal('2.10');
    expect(record.ldl_start).to.equal('2.4');
    expect(record.end_date).to.equal('2025-05-05');
    expect(record.training_planned).to.equal('24');
    expect(record).to.not.have.property('weight_start_kg');
  });

  it('holds closed courses by end_date and not-started by referral_date in the period; not active, annulled or other municipalities', async () => {
    const inClosed = await storeCourse(db, closedCourse({ cpr: cprNo(4) }));
    const inNotStarted = await storeCourse(db, notStartedCourse({ cpr: cprNo(5) }));
    await storeCourse(db, closedCourse({ cpr: cprNo(6), referral_date: '2024-10-01', start_date: '2024-10-10', discharge_date: null, end_date: '2024-12-31' }));
    await storeCourse(db, { ...closedCourse({ cpr: cprNo(7) }), end_date: null, outcome: null, smoking_end: null, weight_end_kg: null, waist_end_cm: null, bp_sys_end: null, bp_dia_end: null, ldl_end: null, hads_a_end: null, hads_d_end: null, heartqol_end: null, test_end_value: null, gp_note_sent: null });
    await storeCourse(db, closedCourse({ cpr: cprNo(8) }), { annulled: true });
    await storeCourse(db, closedCourse({ cpr: cprNo(9), municipality_code: '730' }));

    const report = await validateSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });
    const m = await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });

    const ids = (await csvOf(db, m.id, aarhus)).trim().split('\n').slice(1).map((l) => Number(l.split(';')[0]));
    expect(ids).to.deep.equal([inClosed, inNotStarted]);
    expect(report.record_count).to.equal(2);
  });

  it('excludes a course failing the schema or missing an N variable, with reasons; warnings keep a course in', async () => {
    const bad = await storeCourse(db, closedCourse({ cpr: cprNo(10), training_attended: 30 }));
    const missing = await storeCourse(db, closedCourse({ cpr: cprNo(11) }), { missing: ['hads_a_end'] });
    const warned = await storeCourse(db, closedCourse({ cpr: cprNo(12), ldl_end: null, start_date: '2025-02-02', end_date: '2025-09-01' }));

    const m = await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });
    const report = await validateSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });

    expect(m.record_count).to.equal(1);
    expect(m.excluded.map((e) => e.course_id)).to.deep.equal([bad, missing]);
    expect(m.excluded[0].reasons[0]).to.include({ variable: 'training_attended', code: 'attended_gt_planned' });
    expect(m.excluded[0].reasons[0].message).to.match(/Gennemførte træningsgange/);
    expect(m.excluded[1].reasons).to.deep.equal([{ variable: 'hads_a_end', code: 'missing', message: m.excluded[1].reasons[0].message }]);
    expect(report.warnings).to.have.length(1);
    expect(report.warnings[0].course_id).to.equal(warned);
    expect(report.warnings[0].reasons.map((r) => r.code)).to.deep.equal(['not_registered', 'long_course']);
  });

  it('the manifest names the files, holds its sha256 of the CSV, and is stored encrypted', async () => {
    await storeCourse(db, closedCourse({ cpr: cprNo(13) }));

    const m = await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus }, new Date('2026-03-04T05:06:07.890Z'));
    const raw = await db('submissions').where('id', m.id).first();

    expect(m).to.include({ format: 'hjertekvalitet-dhrd', format_version: 1, scope: '751', created_at: '2026-03-04T05:06:07Z', created_by: actor.email });
    expect(Object.keys(m)).to.deep.equal(['id', 'format', 'format_version', 'scope', 'period', 'created_at', 'created_by', 'record_count', 'replaces', 'excluded', 'withdrawn', 'sha256']);
    expect(raw.csv_name).to.equal('dhrd-751-20250101-20251231-20260304T050607Z.csv');
    expect(raw.manifest_name).to.equal('dhrd-751-20250101-20251231-20260304T050607Z.manifest.json');
    const csv = decryptBytes(KEY, raw.csv_enc);
    expect(crypto.createHash('sha256').update(csv).digest('hex')).to.equal(m.sha256);
    for (const column of ['csv_enc', 'manifest_enc', 'zip_enc']) {
      const stored = Buffer.from(raw[column]);
      expect(stored.includes(Buffer.from(cprNo(13)))).to.equal(false);
      expect(stored.includes(Buffer.from('course_id;cpr'))).to.equal(false);
      expect(stored.includes(Buffer.from('hjertekvalitet-dhrd'))).to.equal(false);
    }
  });

  it('every creation and download is audited with one row per patient contained', async () => {
    await storeCourse(db, closedCourse({ cpr: cprNo(14) }));
    await storeCourse(db, notStartedCourse({ cpr: cprNo(14), referral_date: '2025-06-01' }));
    await storeCourse(db, closedCourse({ cpr: cprNo(15) }));

    const m = await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });
    await downloadPart(db, KEY, actor, aarhus, m.id, 'zip');

    const created = await db('audit_log').where({ action: 'submission_create' }).whereNotNull('patient_id');
    const downloaded = await db('audit_log').where({ action: 'submission_download' }).whereNotNull('patient_id');
    expect(created).to.have.length(2);
    expect(downloaded).to.have.length(2);
    expect(created.every((r) => r.entity_id === String(m.id) && r.municipality_code === '751')).to.equal(true);
    const summary = await db('audit_log').where({ action: 'submission_create' }).whereNull('patient_id').first();
    expect(JSON.parse(summary.detail)).to.include({ record_count: 3, scope: '751' });
    expect(summary.detail).to.not.include(cprNo(14));
  });
});

describe('national submission: replacement', () => {
  let db: Knex;
  let aarhus: Scope;
  beforeEach(async () => {
    db = await freshDb();
    aarhus = await scope(db, '751');
  });

  it('a containing submission replaces the earlier one and withdraws its annulled rows', async () => {
    const kept = await storeCourse(db, closedCourse({ cpr: cprNo(20) }));
    const annulled = await storeCourse(db, closedCourse({ cpr: cprNo(21), end_date: '2025-03-01' }));
    const q1 = await createSubmission(db, KEY, actor, { from: '2025-01-01', to: '2025-03-31', scope: aarhus });
    await db('courses').where('id', annulled).update({ annulled: true });

    const year = await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });

    expect(year.replaces).to.deep.equal([q1.id]);
    expect(year.withdrawn).to.deep.equal([annulled]);
    const log = await submissionLog(db, KEY, aarhus);
    expect(log.find((s) => s.id === q1.id)!.replaced_by).to.equal(year.id);
    expect(log.find((s) => s.id === year.id)!.replaced_by).to.equal(null);
    expect((await csvOf(db, year.id, aarhus))).to.include(`\n${kept};`);
  });

  it('the same scope and period again replaces the earlier one', async () => {
    const first = await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });

    const again = await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });

    expect(again.replaces).to.deep.equal([first.id]);
  });

  it('a partly overlapping submission is refused with overlap and nothing is stored', async () => {
    await createSubmission(db, KEY, actor, { from: '2025-01-01', to: '2025-06-30', scope: aarhus });

    const err = await createSubmission(db, KEY, actor, { from: '2025-04-01', to: '2025-12-31', scope: aarhus }).catch((e) => e);

    expect(err).to.be.instanceOf(Conflict);
    expect(err.code).to.equal('overlap');
    expect(await db('submissions').count({ n: '*' })).to.deep.equal([{ n: 1 }]);
  });

  it('a period inside an earlier one is refused (it would overlap without containing it)', async () => {
    await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });

    const err = await createSubmission(db, KEY, actor, { from: '2025-04-01', to: '2025-06-30', scope: aarhus }).catch((e) => e);

    expect(err).to.be.instanceOf(Conflict);
  });

  it('a region submission replaces a municipality one of the region; another region is untouched', async () => {
    const midt = await scope(db, '1082');
    const byAarhus = await createSubmission(db, KEY, actor, { ...YEAR, scope: aarhus });
    const byCopenhagen = await createSubmission(db, KEY, actor, { ...YEAR, scope: await scope(db, '101') });

    const byRegion = await createSubmission(db, KEY, actor, { ...YEAR, scope: midt });

    expect(byRegion.replaces).to.deep.equal([byAarhus.id]);
    expect(byCopenhagen.id).to.not.be.oneOf(byRegion.replaces);
    const err = await createSubmission(db, KEY, actor, { from: '2025-01-01', to: '2025-03-31', scope: aarhus }).catch((e) => e);
    expect(err).to.be.instanceOf(Conflict);
  });

  it('non-overlapping periods live side by side', async () => {
    const q1 = await createSubmission(db, KEY, actor, { from: '2025-01-01', to: '2025-03-31', scope: aarhus });

    const q2 = await createSubmission(db, KEY, actor, { from: '2025-04-01', to: '2025-06-30', scope: aarhus });

    expect(q2.replaces).to.deep.equal([]);
    expect((await submissionLog(db, KEY, aarhus)).map((s) => [s.id, s.replaced_by])).to.deep.equal([[q2.id, null], [q1.id, null]]);
  });
});

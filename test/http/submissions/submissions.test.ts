import crypto from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { createUser, loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { closedCourse, cprNo, notStartedCourse, storeCourse } from '../../integration/submissions/fixtures';

const YEAR = { from: '2025-01-01', to: '2025-12-31' };

function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('HTTP /api/v1/submissions and /indberetning', () => {
  let t: TestApp;
  let exporter: LoggedIn;
  beforeEach(async () => {
    t = await testApp();
    await storeCourse(t.db, closedCourse({ cpr: cprNo(1) }));
    await storeCourse(t.db, notStartedCourse({ cpr: cprNo(2) }));
    await storeCourse(t.db, closedCourse({ cpr: cprNo(3), training_attended: 40 }));
    exporter = await loginAs(t.app, 'indberetter.aarhus@demo.dk');
  });

  const post = (who: LoggedIn, body: object) => who.agent.post('/api/v1/submissions').set('X-CSRF-Token', who.csrf).send(body);

  it('dry run answers the report and stores nothing', async () => {
    const res = await post(exporter, { ...YEAR, scope: '751', dry_run: true });

    expect(res.status).to.equal(200);
    expect(Object.keys(res.body)).to.deep.equal(['dry_run', 'record_count', 'excluded', 'withdrawn', 'warnings']);
    expect(res.body).to.include({ dry_run: true, record_count: 2 });
    expect(res.body.excluded).to.have.length(1);
    expect(res.body.excluded[0].reasons[0]).to.have.keys('variable', 'code', 'message');
    expect((await t.db('submissions').count({ n: '*' }))[0].n).to.equal(0);
  });

  it('creates (201 with the manifest), lists, and a second download is byte-identical with the manifest checksum', async () => {
    const created = await post(exporter, { ...YEAR, scope: '751' });

    expect(created.status).to.equal(201);
    expect(created.body).to.include({ format: 'hjertekvalitet-dhrd', format_version: 1, scope: '751', record_count: 2, created_by: 'indberetter.aarhus@demo.dk' });
    const list = await exporter.agent.get('/api/v1/submissions');
    expect(list.body.items).to.have.length(1);
    expect(list.body.items[0]).to.include({ id: created.body.id, replaced_by: null, sha256: created.body.sha256 });
    const url = `/api/v1/submissions/${created.body.id}/file?part=`;
    const csv1 = await exporter.agent.get(url + 'csv').buffer(true).parse(binary);
    const csv2 = await exporter.agent.get(url + 'csv').buffer(true).parse(binary);
    const zip1 = await exporter.agent.get(url + 'zip').buffer(true).parse(binary);
    const zip2 = await exporter.agent.get(url + 'zip').buffer(true).parse(binary);
    const manifest = await exporter.agent.get(url + 'manifest');
    expect(csv1.status).to.equal(200);
    expect(csv1.headers['content-disposition']).to.match(/filename="dhrd-751-20250101-20251231-\d{8}T\d{6}Z\.csv"/);
    expect(Buffer.compare(csv1.body, csv2.body)).to.equal(0);
    expect(Buffer.compare(zip1.body, zip2.body)).to.equal(0);
    expect(zip1.body.subarray(0, 2).toString()).to.equal('PK');
    expect(crypto.createHash('sha256').update(csv1.body).digest('hex')).to.equal(created.body.sha256);
    expect(JSON.parse(manifest.text)).to.deep.equal(created.body);
  });

  it('a partly overlapping submission answers 409 overlap', async () => {
    await post(exporter, { from: '2025-01-01', to: '2025-06-30', scope: '751' });

    const res = await post(exporter, { from: '2025-03-01', to: '2025-12-31', scope: '751' });

    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('overlap');
    expect(res.body.error.message).to.contain('overlapper indberetning nr.');
  });

  it('the overlap refusal speaks the user\'s language (lang=en)', async () => {
    await post(exporter, { from: '2025-01-01', to: '2025-06-30', scope: '751' });

    const res = await exporter.agent.post('/api/v1/submissions?lang=en').set('X-CSRF-Token', exporter.csrf)
      .send({ from: '2025-03-01', to: '2025-12-31', scope: '751' });

    expect(res.status).to.equal(409);
    expect(res.body.error.message).to.contain('overlaps submission no.');
  });

  it('bad dates answer 400 at the field; a bad part 400', async () => {
    const res = await post(exporter, { from: '2025-13-01', to: '2024-01-01', scope: '751' });
    const created = await post(exporter, { ...YEAR });
    const part = await exporter.agent.get(`/api/v1/submissions/${created.body.id}/file?part=pdf`);

    expect(res.status).to.equal(400);
    expect(res.body.error.fields).to.have.keys('from');
    expect(created.status).to.equal(201);
    expect(created.body.scope).to.equal('751');
    expect(part.status).to.equal(400);
  });

  it('a therapist gets 403, nobody logged in 401', async () => {
    const therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    expect((await therapist.agent.get('/api/v1/submissions')).status).to.equal(403);
    expect((await post(therapist, { ...YEAR })).status).to.equal(403);
    expect((await therapist.agent.get('/indberetning')).status).to.equal(403);
    expect((await request(t.app).get('/api/v1/submissions')).status).to.equal(401);
  });

  it('a DK-scope exporter gets 403', async () => {
    await createUser(t.db, { email: 'dk.exporter@test.dk', roles: ['exporter'], scope: 'DK' });
    const dk = await loginAs(t.app, 'dk.exporter@test.dk');

    expect((await post(dk, { ...YEAR, scope: '751' })).status).to.equal(403);
    expect((await dk.agent.get('/api/v1/submissions')).status).to.equal(403);
  });

  it("an exporter of another municipality gets 404 for Aarhus' submission and for Aarhus as scope", async () => {
    const created = await post(exporter, { ...YEAR, scope: '751' });
    await createUser(t.db, { email: 'randers.exporter@test.dk', roles: ['exporter'], scope: '730' });
    const randers = await loginAs(t.app, 'randers.exporter@test.dk');

    expect((await randers.agent.get(`/api/v1/submissions/${created.body.id}/file?part=csv`)).status).to.equal(404);
    expect((await randers.agent.get(`/indberetning/${created.body.id}`)).status).to.equal(404);
    expect((await post(randers, { ...YEAR, scope: '751' })).status).to.equal(404);
    expect((await randers.agent.get('/api/v1/submissions')).body.items).to.deep.equal([]);
  });

  it('a region exporter submits for one municipality of its region and for the region, not for another region', async () => {
    const region = await loginAs(t.app, 'indberetter.midt@demo.dk');

    const aarhus = await post(region, { from: '2025-01-01', to: '2025-06-30', scope: '751' });
    const whole = await post(region, { ...YEAR, scope: '1082' });
    const copenhagen = await post(region, { ...YEAR, scope: '101' });

    expect(aarhus.status).to.equal(201);
    expect(whole.status).to.equal(201);
    expect(whole.body.replaces).to.deep.equal([aarhus.body.id]);
    expect(whole.body.record_count).to.equal(2);
    expect(copenhagen.status).to.equal(404);
    const aarhusLog = await exporter.agent.get('/api/v1/submissions');
    expect(aarhusLog.body.items.map((i: { id: number }) => i.id)).to.deep.equal([aarhus.body.id]);
  });

  it('the pages: check, create, log with "erstattet af", download', async () => {
    const start = await exporter.agent.get('/indberetning');
    const check = await exporter.agent.post('/indberetning/kontrol').type('form').send({ _csrf: exporter.csrf, from: '01.01.2025', to: '30.06.2025', scope: '751' });
    const first = await exporter.agent.post('/indberetning').type('form').send({ _csrf: exporter.csrf, from: '2025-01-01', to: '2025-06-30', scope: '751' });
    const second = await exporter.agent.post('/indberetning').type('form').send({ _csrf: exporter.csrf, from: '01.01.2025', to: '31.12.2025', scope: '751' });
    const log = await exporter.agent.get('/indberetning');
    const file = await exporter.agent.get(second.headers.location + '/fil/csv');
    const bad = await exporter.agent.post('/indberetning/kontrol').type('form').send({ _csrf: exporter.csrf, from: '32.01.2025', to: '', scope: '751' });

    expect(start.status).to.equal(200);
    expect(check.status).to.equal(200);
    expect(check.text).to.include('Udeladte forløb');
    expect(check.text).to.match(/<td><a href="\/forloeb\/\d+">\d+<\/a><\/td>/);
    expect(first.status).to.equal(303);
    expect(second.headers.location).to.match(/^\/indberetning\/\d+$/);
    expect(log.text).to.include('erstattet af nr. ' + second.headers.location.split('/').pop());
    expect(file.status).to.equal(200);
    expect(file.text.split('\n')[0].startsWith('course_id;cpr;municipality_code')).to.equal(true);
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('Fra og med skal være en dato');
  });

  it('a region exporter sees the excluded course ids without links (no course pages outside a municipality scope)', async () => {
    const region = await loginAs(t.app, 'indberetter.midt@demo.dk');

    const check = await region.agent.post('/indberetning/kontrol').type('form').send({ _csrf: region.csrf, from: '01.01.2025', to: '31.12.2025', scope: '751' });

    expect(check.status).to.equal(200);
    expect(check.text).to.include('Udeladte forløb');
    expect(check.text).not.to.contain('href="/forloeb/');
  });
});

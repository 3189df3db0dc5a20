import { expect } from 'chai';
import request from 'supertest';
import { pseudonym } from '../../../server/patients';
import { VARIABLE_NAMES } from '../../../server/courses/variables';
import { loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { closedCourse, cprNo, notStartedCourse, storeCourse, TEST_CPR_KEY } from '../../integration/submissions/fixtures';
import { courseCount, csvOf } from '../../integration/imports/helpers';

describe('HTTP /api/v1/imports and /import', () => {
  let t: TestApp;
  let therapist: LoggedIn;
  beforeEach(async () => {
    t = await testApp({ maxUploadBytes: 64 * 1024 });
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
  });

  const upload = (body: string | Buffer, query = '', type = 'text/csv') =>
    therapist.agent.post('/api/v1/imports' + query).set('X-CSRF-Token', therapist.csrf).set('Content-Type', type).send(body);

  it('dry run 200 with the report, nothing written; commit 200; errors 400 with the report', async () => {
    const good = csvOf([closedCourse({ cpr: cprNo(1) })]);

    const dry = await upload(good, '?dry_run=1');
    const committed = await upload(good);
    const again = await upload(good);

    expect(dry.status).to.equal(200);
    expect(Object.keys(dry.body)).to.deep.equal(['dry_run', 'rows', 'created', 'updated', 'courses', 'errors', 'warnings']);
    expect(dry.body).to.include({ dry_run: true, created: 1 });
    expect(committed.status).to.equal(200);
    expect(committed.body.courses[0].id).to.be.a('number');
    expect(again.status).to.equal(400);
    expect(again.body.errors[0]).to.include({ line: 2, column: 'referral_date', code: 'overlap_stored' });
    expect(await courseCount(t.db)).to.equal(1);
  });

  it('malformed CSV answers a report, never a 500', async () => {
    const res = await upload(Buffer.from('cpr;referral_date;diagnosis_group\n\xff\xfe;x;y\n', 'latin1'));

    expect(res.status).to.equal(400);
    expect(res.body.errors[0]).to.include({ line: 2, code: 'not_utf8', column: null });
  });

  it('413 above MAX_UPLOAD_MB (declared length), 415 for JSON', async () => {
    const big = csvOf(Array.from({ length: 2000 }, (_, i) => notStartedCourse({ cpr: cprNo(i) })));

    const declared = await upload(big);
    const json = await therapist.agent.post('/api/v1/imports').set('X-CSRF-Token', therapist.csrf).send({ cpr: cprNo(1) });

    expect(big.length).to.be.greaterThan(64 * 1024);
    expect(declared.status).to.equal(413);
    expect(declared.body.error.code).to.equal('too_large');
    expect(json.status).to.equal(415);
    expect(json.body.error.code).to.equal('unsupported_media_type');
  });

  it('only a therapist imports: an exporter gets 403, nobody 401', async () => {
    const exporter = await loginAs(t.app, 'indberetter.aarhus@demo.dk');

    const res = await exporter.agent.post('/api/v1/imports').set('X-CSRF-Token', exporter.csrf).set('Content-Type', 'text/csv').send('cpr\n');

    expect(res.status).to.equal(403);
    expect((await request(t.app).post('/api/v1/imports').set('Content-Type', 'text/csv').send('x')).status).to.equal(401);
  });

  it('the page uploads a multipart file: dry run shows the report table, import commits', async () => {
    const file = Buffer.from(csvOf([closedCourse({ cpr: cprNo(2) }), { ...notStartedCourse({ cpr: cprNo(3) }), diagnosis_group: 'x' }]));
    const good = Buffer.from(csvOf([closedCourse({ cpr: cprNo(2) })]));

    const page = await therapist.agent.get('/import');
    const dry = await therapist.agent.post('/import?dry_run=1').field('_csrf', therapist.csrf).attach('file', file, 'forloeb.csv');
    const committed = await therapist.agent.post('/import').field('_csrf', therapist.csrf).attach('file', good, 'forloeb.csv');
    const noCsrf = await therapist.agent.post('/import').attach('file', good, 'forloeb.csv');

    expect(page.status).to.equal(200);
    expect(page.text).to.include('Kontrollér (prøvekørsel)');
    expect(dry.status).to.equal(200);
    expect(dry.text).to.include('Diagnosegruppe har en ugyldig kode');
    expect(dry.text).to.match(/<td>3<\/td><td>diagnosis_group<\/td>/);
    expect(dry.text).to.include('intet gemmes, før alle fejl er rettet');
    expect(dry.text).to.match(/<td>3<\/td><td>Oprettes <span class="badge badge-error">Har fejl<\/span>/);
    expect(dry.text).not.to.match(/<td>2<\/td><td>Oprettes <span/);
    expect(committed.status).to.equal(200);
    expect(committed.text).to.include('1 forløb oprettet');
    expect(noCsrf.status).to.equal(403);
    expect(await courseCount(t.db)).to.equal(1);
  });
});

describe('HTTP /api/v1/courses.csv and /eksport', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
    await storeCourse(t.db, closedCourse({ cpr: cprNo(10), patient_name: 'Hansen; Ib', external_id: 'X1' }));
    await storeCourse(t.db, notStartedCourse({ cpr: cprNo(11) }));
    await storeCourse(t.db, notStartedCourse({ cpr: cprNo(12) }), { annulled: true });
    await storeCourse(t.db, notStartedCourse({ cpr: cprNo(13), municipality_code: '730' }));
  });

  it('exports the municipality in the import format: BOM, ;, CRLF, sorted, quoting only where needed, annulled left out; audited per patient', async () => {
    const exporter = await loginAs(t.app, 'indberetter.aarhus@demo.dk');

    const res = await exporter.agent.get('/api/v1/courses.csv');

    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.text.charCodeAt(0)).to.equal(0xfeff);
    const lines = res.text.slice(1).split('\r\n');
    expect(lines[0].split(';')).to.deep.equal([...VARIABLE_NAMES]);
    expect(lines).to.have.length(4);
    expect(lines[1]).to.match(new RegExp(`^${cprNo(10)};"Hansen; Ib";751;X1;2025-02-01;`));
    expect(lines[1]).to.include(';2.15;');
    expect(lines[2].startsWith(cprNo(11) + ';;751;;')).to.equal(true);
    expect(lines[3]).to.equal('');
    expect(await t.db('audit_log').where({ action: 'course_export' }).whereNotNull('patient_id')).to.have.length(2);
  });

  it('pseudonymise=1: pseudonym for cpr, no name or external id', async () => {
    const therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const res = await therapist.agent.get('/eksport/forloeb.csv?pseudonymise=1');

    const [header, first] = res.text.slice(1).split('\r\n');
    expect(header.split(';')[0]).to.equal('pseudonym');
    expect(header).to.not.match(/patient_name|external_id|(^|;)cpr;/);
    expect(first.split(';')[0]).to.equal(pseudonym(TEST_CPR_KEY, cprNo(10)));
    expect(res.text).to.not.include(cprNo(10));
  });

  it('quality gets 403, a region exporter 403, the page shows the checkbox', async () => {
    const quality = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');
    const region = await loginAs(t.app, 'indberetter.midt@demo.dk');
    const exporter = await loginAs(t.app, 'indberetter.aarhus@demo.dk');

    expect((await quality.agent.get('/api/v1/courses.csv')).status).to.equal(403);
    expect((await region.agent.get('/api/v1/courses.csv')).status).to.equal(403);
    expect((await exporter.agent.get('/eksport')).text).to.include('name="pseudonymise"');
  });
});

import { expect } from 'chai';
import { loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { closedCourse, cprNo, storeCourse } from '../../integration/submissions/fixtures';

describe('HTTP submissions and imports: hostile input never answers 500', () => {
  let t: TestApp;
  let exporter: LoggedIn;
  let therapist: LoggedIn;
  before(async () => {
    t = await testApp({ maxUploadBytes: 64 * 1024 });
    await storeCourse(t.db, closedCourse({ cpr: cprNo(1) }));
    exporter = await loginAs(t.app, 'indberetter.aarhus@demo.dk');
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
  });

  const submissionBodies: unknown[] = [
    [], 'x', { from: ['2025-01-01'], to: '2025-12-31' }, { from: '2025-01-01', to: '2025-12-31', scope: { $ne: 1 } },
    { from: '2025-01-01', to: '2025-12-31', scope: ['751'] }, { from: '2025-01-01', to: '2025-12-31', scope: 751 },
    { from: '2025-01-01', to: '2025-12-31', scope: 'DK' }, { from: '2025-01-01', to: '2025-12-31', scope: '9999' },
    { from: '2025-01-01', to: '2025-12-31', scope: '751', dry_run: 'yes' }, { from: '0000-01-01', to: '9999-12-31', dry_run: true },
    { from: '2025-02-30', to: '2025-12-31' }, { from: '2025-01-01T00:00:00Z', to: '2025-12-31' }, { from: null, to: null },
    { from: '2025-01-01', to: '2025-12-31', scope: '\u0000' }, { from: 'x'.repeat(100_000), to: '2025-12-31' },
  ];
  for (const body of submissionBodies) {
    it(`POST /api/v1/submissions with ${JSON.stringify(body).slice(0, 60)} answers 400 or 404 or 200, not 500`, async () => {
      const res = await exporter.agent.post('/api/v1/submissions').set('X-CSRF-Token', exporter.csrf).set('Content-Type', 'application/json')
        .send(typeof body === 'string' ? body : JSON.stringify(body));

      expect(res.status).to.be.oneOf([200, 400, 404]);
    });
  }

  const submissionGets = [
    '/api/v1/submissions/abc/file', '/api/v1/submissions/1e3/file?part=csv', '/api/v1/submissions/99999999999999999999/file',
    '/api/v1/submissions/-1/file', '/api/v1/submissions/1/file?part[]=csv', '/api/v1/submissions/1/file?part=csv&part=zip',
    '/indberetning/abc', '/indberetning/1/fil/..%2f..%2fetc', '/indberetning/%00', '/indberetning/999999999',
  ];
  for (const url of submissionGets) {
    it(`GET ${url} answers 400 or 404, not 500`, async () => {
      expect((await exporter.agent.get(url)).status).to.be.oneOf([400, 404]);
    });
  }

  const forms: Record<string, unknown>[] = [
    {}, { from: '01.13.2025', to: '31.12.2025' }, { from: '1.1.2025', to: '31.12.2025', scope: 'DK' },
    { 'from[]': '01.01.2025', to: '31.12.2025' }, { from: '01.01.2025', to: '31.12.2025', scope: '101' },
  ];
  for (const form of forms) {
    for (const path of ['/indberetning/kontrol', '/indberetning']) {
      it(`POST ${path} with ${JSON.stringify(form)} answers 400 or 404, not 500`, async () => {
        const res = await exporter.agent.post(path).type('form').send({ _csrf: exporter.csrf, ...form });

        expect(res.status).to.be.oneOf([400, 404]);
      });
    }
  }

  const imports: [string, string | Buffer][] = [
    ['?dry_run=2', 'cpr;referral_date;diagnosis_group\n'], ['?dry_run[]=1', 'cpr;referral_date;diagnosis_group\n'],
    ['?dry_run=1', '\u0000\u0001\u0002'], ['?dry_run=1', Buffer.from([0xef, 0xbb, 0xbf])], ['?dry_run=1', '"'],
    ['?dry_run=1', ';;;;\n;;;;\n'], ['?dry_run=1', 'cpr;cpr;referral_date;diagnosis_group\n1;2;3;4\n'],
    ['?dry_run=1', 'cpr;referral_date;diagnosis_group;__proto__;constructor\n1;2;3;4;5\n'],
    ['?dry_run=1', `cpr;referral_date;diagnosis_group;training_planned\n${cprNo(5)};2025-03-03;ihd;1e308\n`],
    ['?dry_run=1', `cpr;referral_date;diagnosis_group\n${cprNo(5)};2025-03-03;ihd;extra;cells\n`],
    ['?dry_run=1', '\r\n\r\n\r\n'], ['?dry_run=1', Buffer.from([0xff, 0xfe, 0x63, 0x00, 0x70, 0x00])],
  ];
  for (const [query, body] of imports) {
    it(`POST /api/v1/imports${query} with ${JSON.stringify(String(body)).slice(0, 40)} answers 200 or 400, not 500`, async () => {
      const res = await therapist.agent.post('/api/v1/imports' + query).set('X-CSRF-Token', therapist.csrf).set('Content-Type', 'text/csv').send(body);

      expect(res.status).to.be.oneOf([200, 400]);
    });
  }

  it('the import page with a non-multipart body or no file answers 400, not 500', async () => {
    const plain = await therapist.agent.post('/import').type('form').send({ _csrf: therapist.csrf, file: 'x' });
    const noFile = await therapist.agent.post('/import').field('_csrf', therapist.csrf).field('other', 'x');
    const broken = await therapist.agent.post('/import').set('Content-Type', 'multipart/form-data; boundary=zz').send('--zz\r\nbroken');

    expect(plain.status).to.equal(400);
    expect(noFile.status).to.equal(400);
    expect(broken.status).to.equal(400);
  });
});

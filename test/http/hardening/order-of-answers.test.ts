import { expect } from 'chai';
import { createUser, loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { HENVISNING, cprNo, createThroughForm, versionOf } from '../courses/pages-helpers';

/** product.md, order of answers: a record or scope outside the user's scope is 404 before any 409 or 400. */
describe('order of answers: out of scope (404) before a stale version (409) and invalid input (400)', () => {
  let t: TestApp;
  let aarhus: LoggedIn;
  let exporter: LoggedIn;
  let randersCourse: number;
  let randersSubmission: number;
  before(async function () {
    this.timeout(60_000);
    t = await testApp();
    aarhus = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    exporter = await loginAs(t.app, 'indberetter.aarhus@demo.dk');
    const randers = await loginAs(t.app, 'terapeut.randers@demo.dk');
    randersCourse = await createThroughForm(randers, cprNo(1));
    await createUser(t.db, { email: 'indberetter.randers@test.dk', roles: ['exporter'], scope: '730' });
    const randersExporter = await loginAs(t.app, 'indberetter.randers@test.dk');
    const made = await randersExporter.agent.post('/api/v1/submissions').set('X-CSRF-Token', randersExporter.csrf)
      .send({ from: '2024-01-01', to: '2024-12-31', scope: '730' });
    expect(made.status, made.text).to.equal(201);
    randersSubmission = made.body.id;
  });

  it('a submission for a scope outside the user\'s scope with bad dates is 404 (form, check form and API)', async () => {
    const bad = { from: '31.02.2024', to: 'x', scope: '730' };
    const form = await exporter.agent.post('/indberetning').type('form').send({ _csrf: exporter.csrf, ...bad });
    const check = await exporter.agent.post('/indberetning/kontrol').type('form').send({ _csrf: exporter.csrf, ...bad });
    const api = await exporter.agent.post('/api/v1/submissions').set('X-CSRF-Token', exporter.csrf)
      .send({ from: 'x', to: '2024-13-01', scope: '730', dry_run: 'maybe' });
    expect([form.status, check.status, api.status]).to.deep.equal([404, 404, 404]);
  });

  it('a submission file outside the scope with a bad part is 404 (page and API)', async () => {
    const page = await exporter.agent.get(`/indberetning/${randersSubmission}/fil/pdf`);
    const api = await exporter.agent.get(`/api/v1/submissions/${randersSubmission}/file?part=pdf`);
    expect([page.status, api.status]).to.deep.equal([404, 404]);
  });

  it('a course outside the scope with a stale version and invalid input is 404 (API PATCH, annul; page sections, annul)', async () => {
    const patch = await aarhus.agent.patch(`/api/v1/courses/${randersCourse}`).set('X-CSRF-Token', aarhus.csrf)
      .send({ version: 99, referral_date: 'x', bogus: 1 });
    const annul = await aarhus.agent.post(`/api/v1/courses/${randersCourse}/annul`).set('X-CSRF-Token', aarhus.csrf).send({ version: 'x' });
    const section = await aarhus.agent.post(`/forloeb/${randersCourse}/henvisning`).type('form')
      .send({ _csrf: aarhus.csrf, version: '99', ...HENVISNING('x'), referral_date: '99.99.2024' });
    const pageAnnul = await aarhus.agent.post(`/forloeb/${randersCourse}/annuller`).type('form').send({ _csrf: aarhus.csrf, version: 'x', reason: '' });
    expect([patch.status, annul.status, section.status, pageAnnul.status]).to.deep.equal([404, 404, 404, 404]);
  });

  it('a course in scope with a stale version and invalid input is 409 before 400 (API and page)', async () => {
    const own = await createThroughForm(aarhus, cprNo(2));
    const version = Number(versionOf((await aarhus.agent.get(`/forloeb/${own}`)).text));
    const patch = await aarhus.agent.patch(`/api/v1/courses/${own}`).set('X-CSRF-Token', aarhus.csrf)
      .send({ version: version + 5, referral_date: 'x' });
    const section = await aarhus.agent.post(`/forloeb/${own}/henvisning`).type('form')
      .send({ _csrf: aarhus.csrf, ...HENVISNING(cprNo(2)), version: String(version + 5), referral_date: '99.99.2024' });
    expect([patch.status, section.status]).to.deep.equal([409, 409]);
  });
});

describe('admin lists: an odd ?page= (1e309, 1.5, -1) shows the first page', () => {
  it('never pages to Infinity or a fraction', async function () {
    this.timeout(30_000);
    const t = await testApp();
    const admin = await loginAs(t.app, 'admin@demo.dk');
    for (const path of ['/admin/brugere', '/admin/noegler']) {
      for (const page of ['1e309', '1.5', '-1']) {
        const res = await admin.agent.get(`${path}?page=${page}`);
        expect(res.status, `${path}?page=${page}`).to.equal(200);
        expect(res.text.replace(/page=[^"&]*/g, ''), `${path}?page=${page}`).to.not.match(/Infinity|NaN|\b1[.,]5\b/);
      }
    }
  });
});

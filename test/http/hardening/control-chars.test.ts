import { expect } from 'chai';
import request from 'supertest';
import { csrfFrom, loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { courseCount } from '../../integration/imports/helpers';
import { HENVISNING, cprNo, createThroughForm, versionOf } from '../courses/pages-helpers';

const NUL = 'a\u0000b';

describe('every text input: control characters refused at the field (400), text stored as NFC, same on both engines', () => {
  let t: TestApp;
  let therapist: LoggedIn;
  let admin: LoggedIn;
  let exporter: LoggedIn;
  let courseId: number;
  before(async () => {
    t = await testApp();
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    admin = await loginAs(t.app, 'admin@demo.dk');
    exporter = await loginAs(t.app, 'indberetter.aarhus@demo.dk');
    courseId = await createThroughForm(therapist, cprNo(1));
  });

  it('the anonymous login form answers 400 with the message, never 500', async () => {
    for (const field of ['email', 'password']) {
      const agent = request.agent(t.app);
      const csrf = csrfFrom((await agent.get('/log-ind')).text);
      const res = await agent.post('/log-ind').type('form').send({ email: 'admin@demo.dk', password: 'x', [field]: NUL, _csrf: csrf });
      expect(res.status, field).to.equal(400);
      expect(res.text, field).to.include('kontroltegn');
    }
  });

  it('every page form of a logged-in user answers 400 at the field', async () => {
    const version = versionOf((await therapist.agent.get(`/forloeb/${courseId}`)).text);
    const cases: [LoggedIn, string, Record<string, string>][] = [
      [therapist, '/forloeb/nyt', { ...HENVISNING(cprNo(2)), patient_name: NUL }],
      [therapist, '/forloeb/nyt', { ...HENVISNING(cprNo(2)), external_id: 'x\u0001' }],
      [therapist, '/forloeb/nyt', { ...HENVISNING(cprNo(2)), icd10: NUL }],
      [therapist, `/forloeb/${courseId}/henvisning`, { ...HENVISNING(cprNo(1)), version, patient_name: NUL }],
      [therapist, `/forloeb/${courseId}/annuller`, { version, reason: 'fejl\u0000' }],
      [therapist, '/forloeb', { q: NUL }],
      [therapist, '/forloeb', { cpr: '010140\u00001001' }],
      [therapist, '/adgangskode', { current_password: NUL, new_password: 'x', repeat_password: 'x' }],
      [admin, '/admin/brugere/ny', { email: 'ny@test.dk', name: NUL, roles: 'therapist', scope: '751' }],
      [admin, '/admin/noegler', { user_id: '1', name: NUL }],
      [admin, '/admin/log', { user: NUL }],
      [admin, '/admin/log/patient.csv', { cpr: NUL }],
      [admin, '/admin/standarder', { HK01: '80\u0000' }],
      [exporter, '/indberetning/kontrol', { from: '01.01.2024', to: '31.12.2024', scope: '751\u0000' }],
      [exporter, '/indberetning', { from: '01.01.2024\u0000', to: '31.12.2024', scope: '751' }],
    ];
    for (const [u, url, fields] of cases) {
      const res = await u.agent.post(url).type('form').send({ _csrf: u.csrf, ...fields });
      expect(res.status, `${url} ${JSON.stringify(fields).slice(0, 80)}`).to.equal(400);
      expect(res.text, url).to.include('kontroltegn');
    }
    expect(await courseCount(t.db)).to.equal(1);
  });

  it('API JSON bodies answer 400 with the message under the field', async () => {
    const api = (method: 'post' | 'patch', url: string, body: object) =>
      therapist.agent[method](url).set('X-CSRF-Token', therapist.csrf).send(body);
    const cases: [ReturnType<typeof api>, string][] = [
      [api('post', '/api/v1/courses', { cpr: '0101401001', referral_date: '2024-01-10', diagnosis_group: 'ihd', patient_name: NUL }), 'patient_name'],
      [api('patch', `/api/v1/courses/${courseId}`, { version: 1, external_id: NUL }), 'external_id'],
      [api('post', '/api/v1/courses/search', { q: NUL }), 'q'],
      [api('post', `/api/v1/courses/${courseId}/annul`, { version: 1, reason: '\u0000' }), 'reason'],
      [api('post', '/api/v1/courses', { cpr: '0101401001', nested: { deeper: [NUL] } }), 'nested'],
      [exporter.agent.post('/api/v1/submissions').set('X-CSRF-Token', exporter.csrf).send({ from: '2024-01-01', to: '2024-12-31', scope: NUL }), 'scope'],
    ];
    for (const [pending, field] of cases) {
      const res = await pending;
      expect(res.status, field).to.equal(400);
      expect(res.body.error.fields[field], field).to.include('kontroltegn');
    }
  });

  it('query strings answer 400; a multi-line reason may hold line breaks', async () => {
    for (const url of ['/forloeb?q=%00', '/api/v1/courses?state=%01', '/indikatorer?period=2024%00', '/admin/log?user=%1b']) {
      const u = url.startsWith('/admin') ? admin : therapist;
      const res = await u.agent.get(url);
      expect(res.status, url).to.equal(400);
    }
    const version = versionOf((await therapist.agent.get(`/forloeb/${courseId}`)).text);
    const annul = await therapist.agent.post(`/forloeb/${courseId}/annuller`).type('form')
      .send({ _csrf: therapist.csrf, version, reason: 'Oprettet to gange.\r\nSe forløb 2.' });
    expect(annul.status).to.equal(303);
  });

  it('an import cell with a control character is a row error at its column; nothing is written', async () => {
    const csv = `cpr;referral_date;diagnosis_group;patient_name\n0101411002;2024-01-10;ihd;Jens\u0000Hansen\n`;
    const res = await therapist.agent.post('/api/v1/imports').set('X-CSRF-Token', therapist.csrf).type('text/csv').send(csv);
    expect(res.status).to.equal(400);
    expect(res.body.errors[0]).to.include({ line: 2, column: 'patient_name', code: 'control_char' });
    expect(await courseCount(t.db)).to.equal(1);
  });

  it('decomposed Unicode (NFD) from a form, the API and an import is stored as NFC, so search finds it', async () => {
    const nfd = 'A\u030Ase \u00D8rsted'.normalize('NFD');
    const created = await therapist.agent.post('/api/v1/courses').set('X-CSRF-Token', therapist.csrf)
      .send({ cpr: '0101421003', referral_date: '2024-02-10', diagnosis_group: 'ihd', patient_name: nfd });
    expect(created.status).to.equal(201);
    expect(created.body.patient_name).to.equal('Åse Ørsted'.normalize('NFC'));
    const csv = `cpr;referral_date;diagnosis_group;patient_name\n0101431004;2024-01-10;ihd;${'Søren Ærø'.normalize('NFD')}\n`;
    const imported = await therapist.agent.post('/api/v1/imports').set('X-CSRF-Token', therapist.csrf).type('text/csv').send(csv);
    expect(imported.status).to.equal(200);
    const row = await t.db('patients').where('patient_name', 'Søren Ærø'.normalize('NFC')).first();
    expect(row).to.not.equal(undefined);
  });
});

import { expect } from 'chai';
import request from 'supertest';
import { testEngine } from '../../helpers/db';
import { createUser, loginAs, randomEmail, testApp, TestApp } from '../../helpers/app';

describe(`indicator standards /admin/standarder (${testEngine})`, () => {
  let t: TestApp;
  before(async () => { t = await testApp(); });

  it('anonymous is sent to login; a therapist or quality user gets 403', async () => {
    const therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const anonymous = await request(t.app).get('/admin/standarder');
    const page = await therapist.agent.get('/admin/standarder');
    const post = await therapist.agent.post('/admin/standarder').type('form')
      .send({ _csrf: therapist.csrf, indicator_id: 'HK01', threshold: '0.85', valid_from: '2027' });

    expect(anonymous.status).to.equal(303);
    expect([page.status, post.status]).to.deep.equal([403, 403]);
  });

  it('an admin with a region scope reads the standards without a form, and a POST is 403', async () => {
    const email = randomEmail('admin1082');
    await createUser(t.db, { email, roles: ['admin'], scope: '1082' });
    const { agent, csrf } = await loginAs(t.app, email);

    const page = await agent.get('/admin/standarder');
    const post = await agent.post('/admin/standarder').type('form').send({ _csrf: csrf, indicator_id: 'HK01', threshold: '0.85', valid_from: '2027' });

    expect(page.status).to.equal(200);
    expect(page.text).to.contain('HK01 Deltagelse');
    expect(page.text).to.contain('≥ 80 %');
    expect(page.text).not.to.contain('name="threshold"');
    expect(post.status).to.equal(403);
    expect(await t.db('indicator_standards').where({ indicator_id: 'HK01' })).to.have.length(1);
  });

  it('the DK admin sets a standard from a period; it is stored, listed, judged by and audited with old and new', async () => {
    const { agent, csrf } = await loginAs(t.app, 'admin@demo.dk');

    const res = await agent.post('/admin/standarder').type('form').send({ _csrf: csrf, indicator_id: 'HK03', threshold: '85 %', valid_from: '2026Q3' });
    const page = await agent.get('/admin/standarder');
    const api = await agent.get('/api/v1/indicators?unit_type=country&indicator_id=HK03&period=2026Q3');
    const before = await agent.get('/api/v1/indicators?unit_type=country&indicator_id=HK03&period=2026Q2');

    expect(res.status).to.equal(303);
    expect(page.text).to.contain('Standarden er gemt.');
    expect(page.text).to.contain('≥ 85 %');
    expect(page.text).to.contain('01.07.2026');
    expect(api.body.results[0].standard).to.equal('>=0.85');
    expect(before.body.results[0].standard).to.equal('>=0.75');
    const [audit] = await t.db('audit_log').where({ action: 'standard_change', actor_email: 'admin@demo.dk' });
    expect(JSON.parse(audit.detail)).to.include({ indicator_id: 'HK03', valid_from: '2026-07-01', old: '>=0.75', new: '>=0.85' });
  });

  it('bad input is answered 400 with Danish messages at each field and the typed values kept; nothing stored', async () => {
    const { agent, csrf } = await loginAs(t.app, 'admin@demo.dk');
    const count = async () => (await t.db('indicator_standards').count({ n: '*' }))[0].n;
    const before = await count();

    const res = await agent.post('/admin/standarder').type('form').send({ _csrf: csrf, indicator_id: 'HK05', threshold: '85,5', valid_from: '2009' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Standarden skal være et helt tal fra 0 til 100 (procent), fx 80.');
    expect(res.text).to.contain('Gyldig fra skal være et år');
    expect(res.text).to.contain('value="85,5"');
    expect(res.text).to.contain('value="2009"');
    expect(res.text).to.contain('<option value="HK05" selected>');
    expect(res.text).to.contain('href="#threshold"');
    expect(await count()).to.equal(before);
  });

  it('a standard of 101 % is refused, and 0,85 (a fraction) too: the form takes percent', async () => {
    const { agent, csrf } = await loginAs(t.app, 'admin@demo.dk');

    const res = await agent.post('/admin/standarder').type('form').send({ _csrf: csrf, indicator_id: 'HK05', threshold: '101', valid_from: '2027' });

    expect(res.status).to.equal(400);
    const fraction = await agent.post('/admin/standarder').type('form').send({ _csrf: csrf, indicator_id: 'HK05', threshold: '0,85', valid_from: '2027' });
    expect(fraction.status).to.equal(400);
  });

  it('the standards page has the admin tabs and asks for percent', async () => {
    const { agent } = await loginAs(t.app, 'admin@demo.dk');
    const page = await agent.get('/admin/standarder');
    expect(page.text).to.contain('class="admin-subnav"').and.contain('href="/admin/standarder" aria-current="page"');
    expect(page.text).to.contain('Standard (procent)');
  });
});

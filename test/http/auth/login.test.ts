import { expect } from 'chai';
import request from 'supertest';
import { csrfFrom, loginAs, testApp, TestApp } from '../../helpers/app';

describe('login and logout', () => {
  let t: TestApp;
  before(async () => { t = await testApp(); });

  it('anonymous page request is redirected to the login page', async () => {
    const res = await request(t.app).get('/forloeb');

    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/log-ind?next=%2Fforloeb');
  });

  it('anonymous API request gets 401 unauthenticated', async () => {
    const res = await request(t.app).get('/api/v1/courses');

    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthenticated');
  });

  it('a demo therapist logs in, sees the start page, and logs out', async () => {
    const { agent, csrf } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const start = await agent.get('/');
    const out = await agent.post('/log-ud').type('form').send({ _csrf: csrf });
    const after = await agent.get('/');

    expect(start.status).to.equal(200);
    expect(start.text).to.contain('Terapeut Aarhus');
    expect(out.status).to.equal(303);
    expect(after.status).to.equal(303);
    const actions = await t.db('audit_log').where('actor_email', 'terapeut.aarhus@demo.dk').pluck('action');
    expect(actions).to.include.members(['login', 'logout']);
  });

  it('a wrong password shows a Danish message, keeps the email and is audited', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/log-ind');

    const res = await agent.post('/log-ind').type('form')
      .send({ email: 'kvalitet.aarhus@demo.dk', password: 'wrong-password', _csrf: csrfFrom(page.text) });

    expect(res.status).to.equal(401);
    expect(res.text).to.contain('Forkert e-mail eller adgangskode.');
    expect(res.text).to.contain('value="kvalitet.aarhus@demo.dk"');
    const rows = await t.db('audit_log').where({ action: 'login_failed', actor_email: 'kvalitet.aarhus@demo.dk' });
    expect(rows).to.have.length(1);
  });

  it('a login form without the CSRF token is refused with 403', async () => {
    const res = await request(t.app).post('/log-ind').type('form').send({ email: 'admin@demo.dk', password: 'x' });

    expect(res.status).to.equal(403);
  });

  it('sends the security headers', async () => {
    const res = await request(t.app).get('/log-ind');

    const csp = res.headers['content-security-policy'];
    expect(csp).to.match(/script-src 'self'/);
    expect(csp).not.to.contain('unsafe-inline');
    expect(csp).to.contain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
  });
});

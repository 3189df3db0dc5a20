import { expect } from 'chai';
import request from 'supertest';
import { issueToken } from '../../../server/auth/tokens';
import { createUser, csrfFrom, loginAs, randomEmail, testApp, TestApp, TEST_PASSWORD } from '../../helpers/app';

describe('sessions, login limits, CSRF and API tokens', () => {
  let t: TestApp;
  before(async () => { t = await testApp(); });

  async function postLogin(agent: request.Agent, email: string, password: string) {
    const page = await agent.get('/log-ind');
    return agent.post('/log-ind').type('form').send({ email, password, _csrf: csrfFrom(page.text) });
  }

  it('after 5 failed logins the 6th is refused with 429 and a Danish message, even with the right password', async () => {
    const email = randomEmail('limit');
    await createUser(t.db, { email, roles: ['quality'], scope: '751' });
    const agent = request.agent(t.app);
    for (let i = 0; i < 5; i++) expect((await postLogin(agent, email, 'wrong-password-' + i)).status).to.equal(401);

    const sixth = await postLogin(agent, email, TEST_PASSWORD);

    expect(sixth.status).to.equal(429);
    expect(sixth.text).to.contain('For mange mislykkede forsøg. Prøv igen om 15 minutter.');
    expect(String(sixth.headers['set-cookie'] ?? '')).not.to.contain('hk_session=');
    const actions = await t.db('audit_log').where('actor_email', email).pluck('action');
    expect(actions.filter((a) => a === 'login_failed')).to.have.length(5);
    expect(actions).to.include('login_limited');
  });

  it('a session idle past its expiry redirects the next request to login with the 30-minute message', async () => {
    const email = randomEmail('idle');
    const id = await createUser(t.db, { email, roles: ['quality'], scope: '751' });
    const { agent } = await loginAs(t.app, email);
    const past = new Date(Date.now() - 31 * 60_000).toISOString();
    await t.db('sessions').where('user_id', id).update({ last_seen_at: past, expires_at: new Date(Date.now() - 60_000).toISOString() });

    const next = await agent.get('/indikatorer');
    const login = await agent.get(next.headers.location);

    expect(next.status).to.equal(303);
    expect(next.headers.location).to.match(/^\/log-ind\?next=%2Findikatorer/);
    expect(login.text).to.contain('logget ud efter 30 minutter uden aktivitet');
    expect(await t.db('sessions').where('user_id', id)).to.have.length(0);
  });

  it('a logged-in form post without the CSRF token is refused with 403', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');

    const res = await agent.post('/adgangskode').type('form').send({ current_password: TEST_PASSWORD, new_password: 'x'.repeat(14), repeat_password: 'x'.repeat(14) });

    expect(res.status).to.equal(403);
    expect(res.text).to.contain('Formularen er udløbet');
  });

  it('GET /api/v1/me without credentials answers 401 unauthenticated', async () => {
    const res = await request(t.app).get('/api/v1/me');

    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthenticated');
  });

  it('a Bearer token authenticates GET /api/v1/me and records its last use', async () => {
    const email = randomEmail('api');
    const id = await createUser(t.db, { email, roles: ['therapist'], scope: '751' });
    const { token, id: tokenId } = await issueToken(t.db, id, null, null);

    const res = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);

    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ email, roles: ['therapist'], scope: '751' });
    expect((await t.db('api_tokens').where('id', tokenId).first()).last_used_at).to.be.a('string');
  });

  it('an unknown Bearer token answers 401', async () => {
    const api = await request(t.app).get('/api/v1/me').set('Authorization', 'Bearer hk_not-a-real-token');

    expect(api.status).to.equal(401);
  });

  it('an expired token answers 401', async () => {
    const id = await createUser(t.db, { email: randomEmail('old'), roles: ['quality'], scope: '751' });
    const { token, id: tokenId } = await issueToken(t.db, id, null, null);
    await t.db('api_tokens').where('id', tokenId).update({ expires_at: new Date(Date.now() - 1000).toISOString() });

    const res = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);

    expect(res.status).to.equal(401);
  });

  it('the session cookie works on GET /api/v1/me', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const res = await agent.get('/api/v1/me');

    expect(res.body).to.deep.equal({ email: 'kvalitet.midt@demo.dk', roles: ['quality'], scope: '1082' });
  });
});

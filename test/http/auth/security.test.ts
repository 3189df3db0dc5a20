import { expect } from 'chai';
import request from 'supertest';
import { reserveSlot, settleSlot } from '../../../server/auth/login-limits';
import { issueToken } from '../../../server/auth/tokens';
import { createUser, csrfFrom, loginAs, randomEmail, testApp, TestApp, TEST_PASSWORD } from '../../helpers/app';

function setCookies(res: request.Response): string[] {
  const h = res.headers['set-cookie'] as unknown;
  return Array.isArray(h) ? h.map(String) : h ? [String(h)] : [];
}

function sessionCookie(res: request.Response): string | undefined {
  return setCookies(res).find((c) => c.startsWith('hk_session='));
}

async function postLogin(agent: request.Agent, email: string, password: string, headers: Record<string, string> = {}) {
  const page = await agent.get('/log-ind');
  return agent.post('/log-ind').set(headers).type('form').send({ email, password, _csrf: csrfFrom(page.text) });
}

describe('login limits by IP and over time, session cookies, logout, tokens at rest, proxies, health', () => {
  let t: TestApp;
  before(async () => { t = await testApp(); });

  /** Failed logins of an account at the given minutes ago, through the counters' own functions. */
  async function failuresAt(email: string, minutesAgo: number[]) {
    for (const m of minutesAgo) {
      const at = Date.now() - m * 60_000;
      const slot = await reserveSlot(t.db, [['account', email]], at);
      await settleSlot(t.db, slot!, false, at);
    }
  }

  it('after 20 failed logins from one IP (any accounts) that IP is refused with 429, even with a right password', async function () {
    this.timeout(120_000); // every failed login does the full password work, unknown accounts too (issue 8 item 5)
    const ip = await testApp({ trustProxy: true });
    const agent = request.agent(ip.app);
    const from = { 'X-Forwarded-For': '198.51.100.20' };
    for (let i = 0; i < 20; i++) expect((await postLogin(agent, randomEmail('nobody'), 'wrong-password', from)).status).to.equal(401);

    const refused = await postLogin(agent, 'kvalitet.aarhus@demo.dk', TEST_PASSWORD, from);
    const otherIp = await postLogin(agent, 'kvalitet.aarhus@demo.dk', TEST_PASSWORD, { 'X-Forwarded-For': '198.51.100.21' });

    expect(refused.status).to.equal(429);
    expect(refused.text).to.contain('For mange mislykkede forsøg. Prøv igen om 15 minutter.');
    expect(otherIp.status).to.equal(303);
    const counter = await ip.db('login_counters').where({ kind: 'ip', key: '198.51.100.20' }).first();
    expect(Number(counter.failures)).to.equal(20);
  });

  it('an account stays blocked 15 minutes after its 5th failure, though the first failures are older than 15 minutes', async () => {
    const email = randomEmail('slow');
    await createUser(t.db, { email, roles: ['quality'], scope: '751' });
    await failuresAt(email, [20, 19, 18, 17, 10]);

    const res = await postLogin(request.agent(t.app), email, TEST_PASSWORD);

    expect(res.status).to.equal(429);
  });

  it('an account whose 5 failures lie more than 15 minutes back logs in again', async () => {
    const email = randomEmail('later');
    await createUser(t.db, { email, roles: ['quality'], scope: '751' });
    await failuresAt(email, [40, 38, 36, 34, 31]);

    expect((await postLogin(request.agent(t.app), email, TEST_PASSWORD)).status).to.equal(303);
  });

  it('login sets a fresh session id, never one planted in the browser before login', async () => {
    const page = await request(t.app).get('/log-ind');
    const csrfCookie = setCookies(page).find((c) => c.startsWith('hk_csrf='))!.split(';')[0];

    const res = await request(t.app).post('/log-ind').set('Cookie', `${csrfCookie}; hk_session=planted-by-someone-else`).type('form')
      .send({ email: 'kvalitet.aarhus@demo.dk', password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
    const planted = await request(t.app).get('/').set('Cookie', 'hk_session=planted-by-someone-else');

    expect(res.status).to.equal(303);
    expect(sessionCookie(res)).to.match(/^hk_session=[\w-]{43};/);
    expect(planted.status).to.equal(303);
  });

  it('the old session cookie value stops working after a new login on the same browser', async () => {
    const agent = request.agent(t.app);
    const first = await postLogin(agent, 'kvalitet.midt@demo.dk', TEST_PASSWORD);
    const oldValue = sessionCookie(first)!.split(';')[0];

    const second = await agent.post('/log-ind').type('form')
      .send({ email: 'kvalitet.midt@demo.dk', password: TEST_PASSWORD, _csrf: csrfFrom((await agent.get('/')).text) });
    const withOld = await request(t.app).get('/').set('Cookie', oldValue);
    const withNew = await request(t.app).get('/').set('Cookie', sessionCookie(second)!.split(';')[0]);

    expect(sessionCookie(second)!.split(';')[0]).not.to.equal(oldValue);
    expect(withOld.status).to.equal(303);
    expect(withOld.headers.location).to.match(/^\/log-ind/);
    expect(withNew.status).to.equal(200);
  });

  it('the session cookie is HttpOnly, SameSite=Lax, Secure in production, and holds no user data', async () => {
    const prod = await testApp({ production: true, nodeEnv: 'production' });
    // A Secure cookie is not sent back over plain http by a client, so the CSRF cookie goes by hand.
    const page = await request(prod.app).get('/log-ind');
    const csrfCookie = setCookies(page).find((c) => c.startsWith('__Host-hk_csrf='))!;

    const login = await request(prod.app).post('/log-ind').set('Cookie', csrfCookie.split(';')[0]).type('form')
      .send({ email: 'kvalitet.midt@demo.dk', password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });
    const cookie = sessionCookie(login)!;
    const devCookie = sessionCookie(await postLogin(request.agent(t.app), 'kvalitet.midt@demo.dk', TEST_PASSWORD))!;

    expect(csrfCookie).to.match(/; HttpOnly/).and.to.match(/; Secure/);
    expect(cookie).to.match(/; HttpOnly/).and.to.match(/; SameSite=Lax/).and.to.match(/; Secure/).and.to.match(/; Path=\//);
    expect(cookie).not.to.contain('kvalitet');
    expect(login.headers['strict-transport-security']).to.be.a('string');
    expect(devCookie).to.match(/; HttpOnly/).and.to.match(/; SameSite=Lax/).and.not.to.match(/; Secure/);
  });

  it('logout deletes the session row; replaying the old cookie redirects to login', async () => {
    const agent = request.agent(t.app);
    const login = await postLogin(agent, 'indberetter.aarhus@demo.dk', TEST_PASSWORD);
    const cookie = sessionCookie(login)!.split(';')[0];
    const userId = (await t.db('users').where('email', 'indberetter.aarhus@demo.dk').first('id')).id;
    const csrf = csrfFrom((await agent.get('/')).text);

    const out = await agent.post('/log-ud').type('form').send({ _csrf: csrf });
    const replay = await request(t.app).get('/').set('Cookie', cookie);

    expect(out.status).to.equal(303);
    expect(await t.db('sessions').where('user_id', userId)).to.have.length(0);
    expect(replay.status).to.equal(303);
  });

  it('a cookie-authenticated PATCH or POST under /api/v1 without X-CSRF-Token is 403 forbidden; a Bearer call needs none', async () => {
    const { agent, csrf } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const id = (await t.db('users').where('email', 'terapeut.aarhus@demo.dk').first('id')).id;
    const { token } = await issueToken(t.db, id, null, null);

    const patch = await agent.patch('/api/v1/courses/999999').send({ version: 1 });
    const post = await agent.post('/api/v1/courses/search').send({ q: 'x' });
    const wrong = await agent.post('/api/v1/courses/search').set('X-CSRF-Token', csrf + 'x').send({ q: 'x' });
    const right = await agent.post('/api/v1/courses/search').set('X-CSRF-Token', csrf).send({ q: 'x' });
    const bearer = await request(t.app).post('/api/v1/courses/search').set('Authorization', `Bearer ${token}`).send({ q: 'x' });

    for (const res of [patch, post, wrong]) {
      expect(res.status).to.equal(403);
      expect(res.body.error).to.include({ code: 'forbidden' }).and.to.have.property('fields').that.deep.equals({});
    }
    expect(right.status).to.equal(200);
    expect(bearer.status).to.equal(200);
  });

  it('API tokens are stored hashed: no column of the token row holds the token or its secret part', async () => {
    const id = (await t.db('users').where('email', 'kvalitet.aarhus@demo.dk').first('id')).id;
    const { token, id: tokenId } = await issueToken(t.db, id, null, 'EPJ');

    const row = JSON.stringify(await t.db('api_tokens').where('id', tokenId).first());

    expect(row).not.to.contain(token);
    expect(row).not.to.contain(token.slice(10));
    expect(row).to.contain(token.slice(0, 10));
  });

  it('TRUST_PROXY off: X-Forwarded-For is ignored in the audit row; on: the forwarded address is recorded', async () => {
    const trusting = await testApp({ trustProxy: true });
    const forwarded = { 'X-Forwarded-For': '203.0.113.7' };

    await postLogin(request.agent(t.app), 'terapeut.randers@demo.dk', TEST_PASSWORD, forwarded);
    await postLogin(request.agent(trusting.app), 'terapeut.randers@demo.dk', TEST_PASSWORD, forwarded);

    const off = await t.db('audit_log').where({ action: 'login', actor_email: 'terapeut.randers@demo.dk' }).first('ip');
    const on = await trusting.db('audit_log').where({ action: 'login', actor_email: 'terapeut.randers@demo.dk' }).first('ip');
    expect(off.ip).to.match(/127\.0\.0\.1|::1/);
    expect(on.ip).to.equal('203.0.113.7');
  });

  it('GET /api/v1/health answers 200 {"status":"ok"} without login, and 503 when the database is gone', async () => {
    const gone = await testApp();
    await gone.db.destroy();

    const ok = await request(t.app).get('/api/v1/health');
    const down = await request(gone.app).get('/api/v1/health');

    expect(ok.status).to.equal(200);
    expect(ok.body).to.deep.equal({ status: 'ok' });
    expect(down.status).to.equal(503);
    expect(down.body).to.deep.equal({ status: 'unavailable' });
  });
});

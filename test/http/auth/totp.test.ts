import { expect } from 'chai';
import request from 'supertest';
import { decryptTotpSecret, totpCode } from '../../../server/auth/totp';
import { DEMO_TOTP_SECRET } from '../../../server/demo/users';
import { createUser, csrfFrom, loginAs, randomEmail, testApp, TestApp, TEST_PASSWORD } from '../../helpers/app';

/** Two-factor for password logins (issue 14 item 2): enrolment, codes, drift, replay, recovery codes, limits, reset. */
describe('two-factor login (TOTP) after the password', () => {
  let t: TestApp;
  before(async () => { t = await testApp(); });

  /** Password step; returns the agent and where it was sent. */
  async function password(email: string) {
    const agent = request.agent(t.app);
    const page = await agent.get('/log-ind');
    const res = await agent.post('/log-ind').type('form').send({ email, password: TEST_PASSWORD, _csrf: csrfFrom(page.text), next: '/indikatorer' });
    return { agent, res };
  }

  async function second(agent: request.Agent, code: string) {
    const page = await agent.get('/log-ind/totp');
    return agent.post('/log-ind/totp').type('form').send({ code, _csrf: csrfFrom(page.text) });
  }

  async function lastStep(email: string, value: number | null) {
    await t.db('users').where('email', email).update({ totp_last_step: value });
  }

  /** A new admin enrols through the forced enrolment; returns its key and recovery codes. */
  async function enrolNewAdmin(): Promise<{ email: string; id: number; key: string; codes: string[] }> {
    const email = randomEmail('admin');
    const id = await createUser(t.db, { email, roles: ['admin'], scope: '751' });
    const { agent, res } = await password(email);
    expect(res.headers.location).to.equal('/log-ind/totp/ny');
    const page = await agent.get('/log-ind/totp/ny');
    const key = /<code class="totp-key">([^<]+)<\/code>/.exec(page.text)![1].replace(/\s/g, '');
    const done = await agent.post('/log-ind/totp/ny').type('form').send({ code: totpCode(key), _csrf: csrfFrom(page.text) });
    const codes = [...done.text.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]);
    return { email, id, key, codes };
  }

  it('an admin without an authenticator is forced to enrol: QR code and key shown, a wrong code refused, a right one enrols with ten recovery codes', async () => {
    const email = randomEmail('admin');
    const id = await createUser(t.db, { email, roles: ['admin'], scope: '751' });
    const { agent, res } = await password(email);
    const beforeEnrol = await agent.get('/');
    const page = await agent.get('/log-ind/totp/ny');
    const key = /<code class="totp-key">([^<]+)<\/code>/.exec(page.text)![1].replace(/\s/g, '');
    const wrong = await agent.post('/log-ind/totp/ny').type('form').send({ code: '000000', _csrf: csrfFrom(page.text) });
    const right = await agent.post('/log-ind/totp/ny').type('form').send({ code: totpCode(key), _csrf: csrfFrom(page.text) });
    const start = await agent.get('/');

    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/log-ind/totp/ny');
    expect(res.headers['set-cookie']?.toString()).not.to.contain('hk_session=');
    expect(beforeEnrol.status).to.equal(303); // no session before the second factor
    expect(page.text).to.contain('Som administrator skal du bruge to-faktor-login');
    expect(page.text).to.match(/<img class="totp-qr" src="data:image\/png;base64,/);
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.contain('Koden passer ikke');
    expect(right.status).to.equal(200);
    expect(right.text.match(/<li><code>[a-z0-9]{5}-[a-z0-9]{5}<\/code><\/li>/g)).to.have.length(10);
    expect(right.text).to.contain('href="/indikatorer"');
    expect(start.status).to.equal(200);
    const row = await t.db('users').where('id', id).first();
    expect(row.totp_secret).to.be.a('string').and.not.to.contain(key);
    expect(decryptTotpSecret(t.ctx.config.cprKey, row.totp_secret)).to.equal(key);
    const hashes = await t.db('recovery_codes').where('user_id', id).pluck('code_hash');
    expect(hashes).to.have.length(10);
    expect(await t.db('audit_log').where({ action: 'totp_enrol', entity_id: String(id) })).to.have.length(1);
  });

  it('an enrolled user passes the second step with a valid code and lands on the page asked for', async () => {
    await lastStep('admin@demo.dk', null);
    const { agent, res } = await password('admin@demo.dk');
    const ok = await second(agent, totpCode(DEMO_TOTP_SECRET));

    expect(res.headers.location).to.equal('/log-ind/totp');
    expect(ok.status).to.equal(303);
    expect(ok.headers.location).to.equal('/indikatorer');
    const login = await t.db('audit_log').where({ action: 'login', actor_email: 'admin@demo.dk' }).orderBy('id', 'desc').first();
    expect(JSON.parse(login.detail)).to.deep.equal({ method: 'password+totp' });
  });

  it('a code one step old is accepted; two steps old is refused; the same step is never accepted twice', async () => {
    await lastStep('admin@demo.dk', null);
    const oneOld = await second((await password('admin@demo.dk')).agent, totpCode(DEMO_TOTP_SECRET, Date.now() - 30_000));
    await lastStep('admin@demo.dk', null);
    const twoOld = await second((await password('admin@demo.dk')).agent, totpCode(DEMO_TOTP_SECRET, Date.now() - 60_000));
    await lastStep('admin@demo.dk', null);
    const code = totpCode(DEMO_TOTP_SECRET);
    const first = await second((await password('admin@demo.dk')).agent, code);
    const replay = await second((await password('admin@demo.dk')).agent, code);

    expect(oneOld.status).to.equal(303);
    expect(twoOld.status).to.equal(401);
    expect(twoOld.text).to.contain('Koden er forkert eller allerede brugt');
    expect(first.status).to.equal(303);
    expect(replay.status).to.equal(401);
  });

  it('a recovery code logs in once, and is audited; the same code again is refused', async () => {
    const { email, codes } = await enrolNewAdmin();
    const first = await second((await password(email)).agent, codes[3].toUpperCase());
    const again = await second((await password(email)).agent, codes[3]);

    expect(first.status).to.equal(303);
    expect(again.status).to.equal(401);
    expect(await t.db('audit_log').where({ action: 'recovery_code_used', actor_email: email })).to.have.length(1);
  });

  it('after 5 wrong codes the second step is refused with 429, even a right code; counted in the database per user', async () => {
    const { email, id, key } = await enrolNewAdmin();
    const { agent } = await password(email);
    const wrong = [];
    for (let i = 0; i < 5; i++) wrong.push((await second(agent, '000000')).status);
    const blocked = await second(agent, totpCode(key, Date.now() + 30_000));

    expect(wrong).to.deep.equal([401, 401, 401, 401, 401]);
    expect(blocked.status).to.equal(429);
    expect(blocked.text).to.contain('For mange mislykkede forsøg');
    const counter = await t.db('login_counters').where({ kind: 'totp', key: String(id) }).first();
    expect(Number(counter.failures)).to.equal(5);
    expect(await t.db('audit_log').where({ action: 'totp_failed', actor_email: email })).to.have.length(5);
  });

  it("an admin's password reset clears the authenticator and the recovery codes; the next login enrols again", async () => {
    const { email, id } = await enrolNewAdmin();
    const dk = await loginAs(t.app, 'admin@demo.dk');
    const reset = await dk.agent.post(`/admin/brugere/${id}/nulstil-adgangskode`).type('form').send({ _csrf: dk.csrf });
    const oneTime = /data-secret>([^<]+)</.exec(reset.text)![1];
    const agent = request.agent(t.app);
    const page = await agent.get('/log-ind');
    const login = await agent.post('/log-ind').type('form').send({ email, password: oneTime, _csrf: csrfFrom(page.text) });

    const row = await t.db('users').where('id', id).first();
    expect(row.totp_secret).to.equal(null);
    expect(await t.db('recovery_codes').where('user_id', id)).to.have.length(0);
    expect(login.headers.location).to.equal('/log-ind/totp/ny');
    const audit = await t.db('audit_log').where({ action: 'password_reset', entity_id: String(id) }).first();
    expect(JSON.parse(audit.detail).old.totp).to.equal(true);
  });

  it('a user without the admin role logs in with the password alone, and may enrol from the start page (English too)', async () => {
    const email = randomEmail('therapist');
    await createUser(t.db, { email, roles: ['therapist'], scope: '751' });
    const { agent, res } = await password(email);
    const settings = await agent.get('/totp');
    const csrf = csrfFrom(settings.text);
    const enrol = await agent.post('/totp').type('form').send({ _csrf: csrf });
    const key = /<code class="totp-key">([^<]+)<\/code>/.exec(enrol.text)![1].replace(/\s/g, '');
    const done = await agent.post('/totp/ny').type('form').send({ _csrf: csrf, code: totpCode(key) });
    const english = await agent.get('/totp?lang=en');

    expect(res.headers.location).to.equal('/indikatorer');
    expect(settings.text).to.contain('To-faktor-login er ikke slået til');
    expect(done.status).to.equal(200);
    expect(done.text).to.contain('Dine gendannelseskoder');
    expect(english.text).to.match(/Two-factor login is on \(since .*\)\. You have 10 unused recovery codes\./);
    expect((await password(email)).res.headers.location).to.equal('/log-ind/totp');
  });

  it('the second step without a password step first is refused and says the login expired', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/log-ind');
    const res = await agent.post('/log-ind/totp').type('form').send({ code: '123456', _csrf: csrfFrom(page.text) });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Login er udløbet');
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../../server/app';
import { createDb, migrate, type Db } from '../../../server/db/connect';
import { createDemoUsersIfEmpty } from '../../../server/demo/users';
import { createLogger } from '../../../server/logger';
import { freshDatabaseUrl, testEngine } from '../../helpers/db';
import { createUser, csrfFrom, loginAs, randomEmail, testApp, testConfig, TestApp, TEST_PASSWORD } from '../../helpers/app';

function setCookies(res: request.Response): string[] {
  const h = res.headers['set-cookie'] as unknown;
  return Array.isArray(h) ? h.map(String) : h ? [String(h)] : [];
}

/** An anonymous visitor's CSRF cookie (name=value) and token from the login page. */
async function anonymousToken(app: http.RequestListener | Express.Application): Promise<{ cookie: string; token: string }> {
  const page = await request(app as never).get('/log-ind');
  const cookie = setCookies(page).find((c) => /hk_csrf=/.test(c))!.split(';')[0];
  return { cookie, token: csrfFrom(page.text) };
}

describe('issue 8 item 4: login limits hold under parallel guesses (atomic counters in the database)', function () {
  this.timeout(180_000);
  let dbs: Db[] = [];
  let servers: http.Server[] = [];
  after(async () => {
    for (const s of servers) { s.closeAllConnections(); s.close(); }
    await Promise.all(dbs.map((d) => d.destroy()));
    dbs = []; servers = [];
  });

  /** Two app servers, each with its own connection pool, on one database: as behind a load balancer. */
  async function twoAppServers(): Promise<{ urls: string[]; db: Db }> {
    const { url, searchPath } = await freshDatabaseUrl();
    for (let i = 0; i < 2; i++) dbs.push(createDb(url, { searchPath, poolMax: 10 }));
    await migrate(dbs[0]);
    const config = testConfig();
    await createDemoUsersIfEmpty(dbs[0], config.cprKey);
    const urls: string[] = [];
    for (const db of dbs.slice(-2)) {
      const server = http.createServer(createApp({ db, config, logger: createLogger('test') }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      servers.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    return { urls, db: dbs[dbs.length - 2] };
  }

  it(`100 simultaneous wrong passwords for one account at two app servers (${testEngine}): at most 5 are checked, the rest get 429`, async () => {
    const { urls, db } = await twoAppServers();
    const email = 'kvalitet.aarhus@demo.dk';
    const { cookie, token } = await anonymousToken(urls[0] as never);

    const statuses = await Promise.all(Array.from({ length: 100 }, (_, i) => request(urls[i % 2]).post('/log-ind')
      .set('Cookie', cookie).type('form').send({ email, password: `wrong-${i}`, _csrf: token }).then((r) => r.status)));

    const checked = statuses.filter((s) => s === 401).length;
    const refused = statuses.filter((s) => s === 429).length;
    const failedRows = Number((await db('audit_log').where({ action: 'login_failed', actor_email: email }).count({ n: '*' }))[0].n);
    console.log(`      issue 8 item 4 (${testEngine}, 2 app servers): ${checked} of 100 parallel guesses checked, ${refused} refused with 429`);
    expect(checked + refused).to.equal(100);
    expect(checked).to.be.at.most(5);
    expect(failedRows).to.equal(checked);
    // The account stays blocked for the right password too.
    const right = await request(urls[1]).post('/log-ind').set('Cookie', cookie).type('form').send({ email, password: TEST_PASSWORD, _csrf: token });
    expect(right.status).to.equal(429);
  });
});

describe('issue 8 item 5: a failed login takes as long for an unknown account as for an existing one', function () {
  this.timeout(180_000);

  it('the timing distributions of wrong passwords for existing, unknown and deactivated accounts overlap (medians within a factor 1.6)', async () => {
    const t = await testApp({ trustProxy: true });
    const { cookie, token } = await anonymousToken(t.app);
    const rounds = 6;
    const times: Record<'existing' | 'unknown' | 'inactive', number[]> = { existing: [], unknown: [], inactive: [] };
    const emails = { existing: [] as string[], unknown: [] as string[], inactive: [] as string[] };
    for (let i = 0; i < rounds; i++) {
      emails.existing.push(await createUserQuick(t, true));
      emails.inactive.push(await createUserQuick(t, false));
      emails.unknown.push(randomEmail('nobody'));
    }
    for (let i = 0; i < rounds; i++) {
      for (const kind of ['existing', 'unknown', 'inactive'] as const) {
        const start = process.hrtime.bigint();
        const res = await request(t.app).post('/log-ind').set('Cookie', cookie).set('X-Forwarded-For', `198.51.100.${i * 3 + kind.length}`)
          .type('form').send({ email: emails[kind][i], password: 'not-the-password', _csrf: token });
        times[kind].push(Number(process.hrtime.bigint() - start) / 1e6);
        expect(res.status).to.equal(401);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const m = { existing: median(times.existing), unknown: median(times.unknown), inactive: median(times.inactive) };
    console.log(`      issue 8 item 5: median failed login ${m.existing.toFixed(0)} ms existing, ${m.unknown.toFixed(0)} ms unknown, ${m.inactive.toFixed(0)} ms deactivated`);
    expect(m.unknown / m.existing).to.be.within(1 / 1.6, 1.6);
    expect(m.inactive / m.existing).to.be.within(1 / 1.6, 1.6);
    // And the answers are the same words.
  });

  let n = 0;
  async function createUserQuick(t: TestApp, active: boolean): Promise<string> {
    const email = `timing.${active ? 'a' : 'i'}${n++}.${Date.now()}@test.dk`;
    await createUser(t.db, { email, roles: ['quality'], scope: '751', active, passwordCost: 'product' });
    return email;
  }
});

describe('issue 8 item 10: login CSRF bound to a cookie no other origin can set; the token never in the query string', () => {
  let t: TestApp;
  before(async () => { t = await testApp(); });

  it('over https the pre-login token lives in a __Host- cookie: a planted plain hk_csrf cookie with its token is refused', async () => {
    const https = await testApp({ publicUrl: 'https://hk.example.dk' });
    const page = await request(https.app).get('/log-ind');
    const host = setCookies(page).find((c) => c.startsWith('__Host-hk_csrf='))!;
    const planted = 'A'.repeat(32);

    const withPlanted = await request(https.app).post('/log-ind').set('Cookie', `hk_csrf=${planted}`).type('form')
      .send({ email: 'kvalitet.aarhus@demo.dk', password: TEST_PASSWORD, _csrf: planted });
    const withOwn = await request(https.app).post('/log-ind').set('Cookie', host.split(';')[0]).type('form')
      .send({ email: 'kvalitet.aarhus@demo.dk', password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });

    expect(host).to.match(/; Path=\//).and.to.match(/; Secure/).and.to.match(/; HttpOnly/).and.not.to.match(/Domain=/i);
    expect(withPlanted.status).to.equal(403);
    expect(withOwn.status).to.equal(303);
  });

  it('a login form posted from another origin is refused even with a matching cookie and token (Sec-Fetch-Site and Origin)', async () => {
    const { cookie, token } = await anonymousToken(t.app);
    const send = (headers: Record<string, string>) => request(t.app).post('/log-ind').set('Cookie', cookie).set(headers).type('form')
      .send({ email: 'kvalitet.aarhus@demo.dk', password: TEST_PASSWORD, _csrf: token });

    const crossSite = await send({ 'Sec-Fetch-Site': 'cross-site' });
    const sameSite = await send({ 'Sec-Fetch-Site': 'same-site', Origin: 'http://evil.127.0.0.1' });
    const foreignOrigin = await send({ Origin: 'https://evil.example' });
    const own = await send({ 'Sec-Fetch-Site': 'same-origin' });

    expect([crossSite.status, sameSite.status, foreignOrigin.status]).to.deep.equal([403, 403, 403]);
    expect(crossSite.text).to.contain('Formularen er udløbet');
    expect(own.status).to.equal(303);
  });

  it('the login form refuses a token sent only as ?_csrf=', async () => {
    const { cookie, token } = await anonymousToken(t.app);
    const res = await request(t.app).post(`/log-ind?_csrf=${token}`).set('Cookie', cookie).type('form')
      .send({ email: 'kvalitet.aarhus@demo.dk', password: TEST_PASSWORD });

    expect(res.status).to.equal(403);
  });

  it('a logged-in page form refuses ?_csrf= and accepts the body field', async () => {
    const { agent, csrf } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const query = await agent.post(`/log-ud?_csrf=${csrf}`).type('form').send({});
    const body = await agent.post('/log-ud').type('form').send({ _csrf: csrf });

    expect(query.status).to.equal(403);
    expect(body.status).to.equal(303);
  });

  it('the API refuses ?_csrf= with a session cookie and accepts the X-CSRF-Token header', async () => {
    const { agent, csrf } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const query = await agent.post(`/api/v1/courses/search?_csrf=${csrf}`).send({ q: 'x' });
    const header = await agent.post('/api/v1/courses/search').set('X-CSRF-Token', csrf).send({ q: 'x' });

    expect(query.status).to.equal(403);
    expect(header.status).to.equal(200);
  });

  it('the multipart import form refuses ?_csrf= and accepts the _csrf field sent before the file; its page sends no token in a URL', async () => {
    const { agent, csrf } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const csv = Buffer.from('cpr\n');
    const page = await agent.get('/import');
    const query = await agent.post(`/import?_csrf=${csrf}&dry_run=1`).attach('file', csv, 'f.csv');
    const wrongField = await agent.post('/import?dry_run=1').field('_csrf', csrf + 'x').attach('file', csv, 'f.csv');
    const field = await agent.post('/import?dry_run=1').field('_csrf', csrf).attach('file', csv, 'f.csv');

    expect(page.text).not.to.contain('_csrf=');
    expect(query.status).to.equal(403);
    expect(wrongField.status).to.equal(403);
    expect(field.status).to.equal(200);
  });
});

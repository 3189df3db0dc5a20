import { expect } from 'chai';
import request from 'supertest';
import type { OidcConfig } from '../../../server/config';
import { csrfFrom, testApp, TEST_PASSWORD } from '../../helpers/app';

/** The login page with single sign-on configured (issue 14); the provider's protocol is tested in test/browser/oidc. */
describe('login page with single sign-on, LOCAL_LOGIN=off, an unreachable provider', () => {
  // Port 9 on loopback: nothing listens there, so the provider cannot be reached.
  const oidc: OidcConfig = { issuer: 'http://127.0.0.1:9', clientId: 'hk', clientSecret: 'secret', name: 'Aarhus Kommune', acr: [] };

  it('without OIDC the page has no button; with it, "Log ind med <OIDC_NAME>" above the password form', async () => {
    const plain = await request((await testApp()).app).get('/log-ind');
    const sso = await request((await testApp({ oidc })).app).get('/log-ind');
    const english = await request((await testApp({ oidc })).app).get('/log-ind?lang=en');

    expect(plain.text).not.to.contain('sso-button');
    expect(sso.text).to.contain('Log ind med Aarhus Kommune</button>');
    expect(sso.text).to.contain('name="password"');
    expect(english.text).to.contain('Log in with Aarhus Kommune</button>');
  });

  it('LOCAL_LOGIN=off: the password form is gone and a password login is refused with 403, a Danish message and an audit row', async () => {
    const t = await testApp({ oidc, localLogin: false });
    const agent = request.agent(t.app);
    const page = await agent.get('/log-ind');
    const res = await agent.post('/log-ind').type('form').send({ email: 'kvalitet.aarhus@demo.dk', password: TEST_PASSWORD, _csrf: csrfFrom(page.text) });

    expect(page.text).to.contain('sso-button');
    expect(page.text).not.to.contain('name="password"');
    expect(res.status).to.equal(403);
    expect(res.text).to.contain('Log ind med adgangskode er slået fra');
    expect(res.headers['set-cookie']?.toString() ?? '').not.to.contain('hk_session=');
    const row = await t.db('audit_log').where('action', 'login_refused').first();
    expect(JSON.parse(row.detail)).to.deep.equal({ reason: 'local_login_off' });
  });

  it('an unreachable provider answers 503 with a Danish message and an audit row, never a 500', async () => {
    const t = await testApp({ oidc });
    const agent = request.agent(t.app);
    const page = await agent.get('/log-ind');
    const res = await agent.post('/log-ind/oidc').type('form').send({ _csrf: csrfFrom(page.text) });

    expect(res.status).to.equal(503);
    expect(res.text).to.contain('Login via Aarhus Kommune svarer ikke lige nu');
    const row = await t.db('audit_log').where('action', 'oidc_refused').first();
    expect(JSON.parse(row.detail).reason).to.equal('unavailable');
  });

  it('a callback without a login in progress is refused (state) and audited; without OIDC both addresses are 404', async () => {
    const t = await testApp({ oidc });
    const res = await request(t.app).get('/log-ind/oidc/callback?code=abc&state=def');
    const none = await testApp();
    const callback = await request(none.app).get('/log-ind/oidc/callback?code=abc&state=def');

    expect(res.status).to.equal(401);
    expect(res.text).to.contain('svaret fra Aarhus Kommune ikke passede til dette login');
    expect(JSON.parse((await t.db('audit_log').where('action', 'oidc_refused').first()).detail).reason).to.equal('state');
    expect(callback.status).to.equal(404);
  });
});

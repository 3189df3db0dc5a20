import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../server/app';
import type { Config, OidcConfig } from '../../server/config';
import { startIdp, type IdpAccount, type IdpOptions, type RunningIdp } from '../../server/demo/idp';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { createUser, testApp, type TestApp } from '../helpers/app';
import { launchBrowser, screenshot } from '../helpers/browser';

/**
 * Single sign-on against a real OpenID provider (`oidc-provider`) started here on a loopback port: the whole
 * redirect flow, and each refusal of issue 14 (unknown email, unverified email, deactivated user, wrong acr,
 * tampered state, replayed code, token signed by another key), each audited with its reason and leaving no session.
 */
interface Pair extends TestApp {
  url: string; idp: RunningIdp; close(): Promise<void>;
  /** while true, a callback is not passed to the app but kept here (the browser stops before it, as an attacker would) */
  holdCallbacks: { on: boolean; urls: string[] };
}

const CLIENT = { clientId: 'hjertekvalitet', clientSecret: 'test-client-secret-0123456789' };

/** The app on a fresh database and a provider that knows it; the app's config points at the provider. */
async function startPair(accounts: Map<string, IdpAccount>, o: { acrRequired?: string[]; idp?: Partial<IdpOptions> } = {}): Promise<Pair> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp = await startIdp({ port: 0, accounts, appUrl: url, ...CLIENT, ...o.idp });
  const oidc: OidcConfig = { issuer: idp.issuer, ...CLIENT, name: 'Testkommune', acr: o.acrRequired ?? [] };
  const t = await testApp({ publicUrl: url, oidc } as Partial<Config>);
  const holdCallbacks = { on: false, urls: [] as string[] };
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (holdCallbacks.on && req.url?.startsWith('/log-ind/oidc/callback')) {
      holdCallbacks.urls.push(url + req.url);
      return res.writeHead(204).end();
    }
    t.app(req, res);
  });
  return {
    ...t, url, idp, holdCallbacks,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await idp.close();
    },
  };
}

/** Re-signs the ID token of every token response with a key the provider never published (same kid). */
function resignIdTokens(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return next().then(() => {
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path !== '/token' || !body?.id_token) return;
    const [header, payload] = body.id_token.split('.');
    const signature = crypto.sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKey).toString('base64url');
    body.id_token = `${header}.${payload}.${signature}`;
  });
}

async function auditReasons(t: TestApp): Promise<string[]> {
  const rows = await t.db('audit_log').where('action', 'oidc_refused').orderBy('id').pluck('detail');
  return rows.map((d: string) => JSON.parse(d).reason);
}

async function sessionCount(t: TestApp): Promise<number> {
  return Number((await t.db('sessions').count({ n: '*' }))[0].n);
}

describe('browser: single sign-on with OpenID Connect against a real provider', function () {
  this.timeout(90_000);
  let browser: Browser;
  let pair: Pair;
  let context: BrowserContext;
  let page: Page;
  const accounts = new Map<string, IdpAccount>([
    ['kvalitet-1', { email: 'Kvalitet.Aarhus@demo.dk', email_verified: true, name: 'Kvalitet Aarhus' }],
    ['ukendt-1', { email: 'ingen.bruger@kommune.dk', email_verified: true, name: 'Ukendt' }],
    ['uverificeret-1', { email: 'terapeut.randers@demo.dk', email_verified: false, name: 'Uverificeret' }],
    ['deaktiveret-1', { email: 'deaktiveret@kommune.dk', email_verified: true, name: 'Deaktiveret' }],
    ['flytter-1', { email: 'indberetter.aarhus@demo.dk', email_verified: true, name: 'Flytter' }],
    ['andet-sub', { email: 'Kvalitet.Aarhus@demo.dk', email_verified: true, name: 'Andet sub' }],
  ]);

  before(async function () {
    browser = await launchBrowser(this);
    pair = await startPair(accounts);
    await createUser(pair.db, { email: 'deaktiveret@kommune.dk', roles: ['quality'], scope: '751', active: false });
  });
  after(async () => {
    await browser?.close();
    await pair?.close();
  });
  beforeEach(async () => {
    // A fresh browser each time: no provider session carries over from one login to the next.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'da-DK' });
    page = await context.newPage();
  });
  afterEach(async () => { await context?.close(); });

  /** Clicks the button and logs in at the provider's own page as `login` (any password). */
  async function viaProvider(p: Pair, login: string): Promise<void> {
    await page.goto(p.url + '/log-ind');
    await Promise.all([page.waitForURL((u) => u.origin === p.idp.issuer), page.click('button.sso-button')]);
    await page.fill('input[name=login]', login);
    await page.fill('input[name=password]', 'any');
    await page.click('button[type=submit]');
  }

  async function backAtApp(p: Pair): Promise<void> {
    // A refusal is answered at the callback address itself; a login redirects on (a redirect is not committed).
    await page.waitForURL((u) => u.origin === p.url, { timeout: 15_000 });
  }

  it('the demo quality user logs in through the provider (linked by verified email), and logs out there too', async () => {
    await page.goto(pair.url + '/log-ind');
    expect(await page.locator('button.sso-button').innerText()).to.equal('Log ind med Testkommune');
    const axe = await new AxeBuilder({ page }).analyze();
    expect(axe.violations.map((v) => v.id)).to.deep.equal([]);
    await screenshot(page, 'sso-1-login-with-button');

    await viaProvider(pair, 'kvalitet-1');
    await backAtApp(pair);
    expect(await page.locator('h1').innerText()).to.equal('Velkommen, Kvalitet Aarhus');
    const user = await pair.db('users').where('email', 'kvalitet.aarhus@demo.dk').first();
    expect(user).to.include({ oidc_issuer: pair.idp.issuer, oidc_sub: 'kvalitet-1' });
    const login = await pair.db('audit_log').where({ action: 'login', actor_user_id: user.id }).first();
    expect(JSON.parse(login.detail)).to.deep.equal({ method: 'oidc' });
    expect(await pair.db('audit_log').where({ action: 'oidc_link', entity_id: String(user.id) })).to.have.length(1);

    await page.click('header button[type=submit]');
    await page.waitForURL((u) => u.origin === pair.idp.issuer);
    await page.click('button[autofocus], button[type=submit]');
    await page.waitForURL((u) => u.origin === pair.url && u.pathname === '/log-ind');
    expect(await pair.db('sessions').where('user_id', user.id)).to.have.length(0);
  });

  const refusals: [string, string, RegExp][] = [
    ['ukendt-1', 'unknown_email', /ikke oprettet som bruger/],
    ['uverificeret-1', 'email_unverified', /ikke har bekræftet din e-mailadresse/],
    ['deaktiveret-1', 'inactive', /deaktiveret/],
    ['andet-sub', 'linked_elsewhere', /allerede knyttet til et andet login/],
  ];
  for (const [login, reason, message] of refusals) {
    it(`refuses ${reason} with a Danish message, an audit row and no session`, async () => {
      const sessions = await sessionCount(pair);
      await viaProvider(pair, login);
      await backAtApp(pair);
      expect(new URL(page.url()).pathname).to.equal('/log-ind/oidc/callback');
      expect(await page.locator('.alert-error').innerText()).to.match(message);
      expect((await auditReasons(pair)).at(-1)).to.equal(reason);
      expect(await sessionCount(pair)).to.equal(sessions);
    });
  }

  /** Logs in at the provider and returns the callback URL (state and an unused code), which the app never saw. */
  async function heldCallback(p: Pair, login: string): Promise<URL> {
    p.holdCallbacks.on = true;
    const before = p.holdCallbacks.urls.length;
    try {
      await viaProvider(p, login);
      for (let i = 0; i < 300 && p.holdCallbacks.urls.length === before; i++) await page.waitForTimeout(50);
    } finally {
      p.holdCallbacks.on = false;
    }
    return new URL(p.holdCallbacks.urls.at(-1)!);
  }

  it('refuses a tampered state and a replayed code, each audited', async () => {
    const sessions = await sessionCount(pair);
    const first = await heldCallback(pair, 'kvalitet-1');
    const tampered = new URL(first);
    tampered.searchParams.set('state', 'x' + first.searchParams.get('state'));
    await page.goto(tampered.href);
    expect(await page.locator('.alert-error').innerText()).to.contain('ikke passede til dette login');
    expect((await auditReasons(pair)).at(-1)).to.equal('state');

    // The kept state was used up by the refused answer: the untouched callback is refused too.
    await page.goto(first.href);
    expect((await auditReasons(pair)).at(-1)).to.equal('state');

    // The provider answers with an error (the user cancelled there): refused as such.
    await context.clearCookies();
    const cancelled = await heldCallback(pair, 'kvalitet-1');
    await page.goto(`${pair.url}/log-ind/oidc/callback?error=access_denied&state=${cancelled.searchParams.get('state')}&iss=${encodeURIComponent(pair.idp.issuer)}`);
    expect((await auditReasons(pair)).at(-1)).to.equal('provider_error');
    expect(await page.locator('.alert-error').innerText()).to.contain('afviste login');

    // A new login (new state) whose callback brings the first code, which the provider had already handed out.
    await context.clearCookies();
    const used = await heldCallback(pair, 'kvalitet-1');
    await page.goto(used.href); // the second code is used, the user logged in
    await context.clearCookies();
    const third = await heldCallback(pair, 'kvalitet-1');
    third.searchParams.set('code', used.searchParams.get('code')!);
    const sessionsBefore = await sessionCount(pair);
    await page.goto(third.href);
    expect((await auditReasons(pair)).at(-1)).to.equal('token_error');
    expect(await page.locator('.alert-error').innerText()).to.contain('allerede brugt');
    expect(await sessionCount(pair)).to.equal(sessionsBefore);
    expect(sessionsBefore).to.equal(sessions + 1);
  });

  it('matches the linked user by sub even after the email changed at the provider', async () => {
    await viaProvider(pair, 'flytter-1');
    await backAtApp(pair);
    expect(await page.locator('h1').innerText()).to.equal('Velkommen, Indberetter Aarhus');

    accounts.set('flytter-1', { ...accounts.get('flytter-1')!, email: 'ny.adresse@andet.dk' });
    // A one-time password waiting to be changed concerns password logins only.
    await pair.db('users').where('email', 'indberetter.aarhus@demo.dk').update({ must_change_password: true });
    await context.clearCookies();
    await viaProvider(pair, 'flytter-1');
    await backAtApp(pair);
    expect(await page.locator('h1').innerText()).to.equal('Velkommen, Indberetter Aarhus');
  });

  it('refuses an ID token without the required acr, and one signed by a key the provider never published', async () => {
    const acrPair = await startPair(accounts, { acrRequired: ['https://data.gov.dk/concept/core/nsis/loa/Substantial'] });
    const forged = await startPair(accounts, { idp: { intercept: resignIdTokens } });
    try {
      await viaProvider(acrPair, 'kvalitet-1');
      await backAtApp(acrPair);
      expect(await page.locator('.alert-error').innerText()).to.contain('sikringsniveau');
      expect(await auditReasons(acrPair)).to.deep.equal(['acr']);
      expect(await sessionCount(acrPair)).to.equal(0);

      await viaProvider(forged, 'kvalitet-1');
      await backAtApp(forged);
      const detail = await forged.db('audit_log').where('action', 'oidc_refused').pluck('detail');
      expect(await auditReasons(forged), detail.join()).to.deep.equal(['signature']);
      expect(await page.locator('.alert-error').innerText()).to.contain('ikke kunne verificeres');
      expect(await sessionCount(forged)).to.equal(0);
    } finally {
      await acrPair.close();
      await forged.close();
    }
  });
});

import AxeBuilder from '@axe-core/playwright';
import { expect } from 'chai';
import type { BrowserContext, Page } from 'playwright-core';
import { totpCode } from '../../server/auth/totp';
import { DEMO_TOTP_SECRET } from '../../server/demo/users';
import { createUser, TEST_PASSWORD } from '../helpers/app';
import { browserSuite, screenshot } from '../helpers/browser';

/** Two-factor in the browser: forced enrolment of a new admin, the recovery codes, the second step; axe-clean. */
describe('browser: two-factor enrolment and the second step', function () {
  this.timeout(90_000);
  let context: BrowserContext;
  let page: Page;

  const suite = browserSuite(async () => {
  });
  // axe needs a page of its own context.
  beforeEach(async () => {
    context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'da-DK' });
    page = await context.newPage();
  });
  afterEach(async () => { await context?.close(); });

  async function axeViolations(): Promise<string[]> {
    return (await new AxeBuilder({ page }).analyze()).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  }

  async function password(email: string): Promise<void> {
    await page.goto(suite.server.url + '/log-ind');
    expect(await axeViolations()).to.deep.equal([]);
    await page.fill('#email', email);
    await page.fill('#password', TEST_PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname !== '/log-ind'), page.click('button.password-login')]);
  }

  it('a new admin must enrol: QR code and key, a wrong code shown at the field, then ten recovery codes and the start page', async () => {
    await createUser(suite.server.db, { email: 'ny.admin@test.dk', name: 'Ny Administrator', roles: ['admin'], scope: '751' });
    await password('ny.admin@test.dk');
    expect(new URL(page.url()).pathname).to.equal('/log-ind/totp/ny');
    expect(await page.locator('img.totp-qr').getAttribute('alt')).to.equal('QR-kode til godkenderappen');
    expect(await axeViolations()).to.deep.equal([]);
    await screenshot(page, 'totp-1-enrolment');

    await page.fill('#code', '000000');
    await Promise.all([page.waitForLoadState(), page.click('button[type=submit].button-primary')]);
    expect(await page.locator('#code-error').innerText()).to.contain('Koden passer ikke');
    expect(await axeViolations()).to.deep.equal([]);
    await screenshot(page, 'totp-2-enrolment-wrong-code');

    const key = (await page.locator('code.totp-key').innerText()).replace(/\s/g, '');
    await page.fill('#code', totpCode(key));
    await Promise.all([page.waitForLoadState(), page.click('button[type=submit].button-primary')]);
    expect(await page.locator('h1').innerText()).to.equal('Dine gendannelseskoder');
    expect(await page.locator('ol.recovery-codes li').count()).to.equal(10);
    expect(await axeViolations()).to.deep.equal([]);
    await screenshot(page, 'totp-3-recovery-codes');

    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('text=Fortsæt')]);
    expect(await page.locator('h1').innerText()).to.equal('Velkommen, Ny Administrator');
  });

  it('the demo admin passes the second step with a code from the authenticator (and the page in English)', async () => {
    await password('admin@demo.dk');
    expect(new URL(page.url()).pathname).to.equal('/log-ind/totp');
    expect(await axeViolations()).to.deep.equal([]);
    await screenshot(page, 'totp-4-second-step');

    await page.goto(suite.server.url + '/log-ind/totp?lang=en');
    expect(await page.locator('h1').innerText()).to.equal('Confirm with your authenticator app');
    expect(await axeViolations()).to.deep.equal([]);
    await screenshot(page, 'totp-5-second-step-english');

    await page.fill('#code', totpCode(DEMO_TOTP_SECRET));
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.click('button[type=submit].button-primary')]);
    expect(await page.locator('h1').innerText()).to.equal('Velkommen, Administrator');
  });
});

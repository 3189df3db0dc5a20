import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_USERS } from '../../server/demo/users';
import { TEST_PASSWORD } from '../helpers/app';
import { browserSuite, logIn, screenshot } from '../helpers/browser';

describe('browser: log in, navigation by role, language, log out', function () {
  this.timeout(60_000);
  let page: Page;

  const suite = browserSuite(async () => {
  });
  beforeEach(async () => { page = await suite.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'da-DK' }); });
  afterEach(async () => { await page?.close(); });

  const navTexts = () => page.locator('.navigation-menu .nav-link').allInnerTexts();

  it('a quality user of Aarhus sees the start page with only their role’s navigation, switches to English and logs out', async () => {
    await page.goto(suite.server.url + '/');
    expect(new URL(page.url()).pathname).to.equal('/log-ind');
    await screenshot(page, 'login');

    await logIn(page, suite.server.url, 'kvalitet.aarhus@demo.dk', TEST_PASSWORD);
    await screenshot(page, 'start-quality-da');
    expect(await page.locator('h1').innerText()).to.equal('Velkommen, Kvalitet Aarhus');
    expect(await navTexts()).to.deep.equal(['Forløb', 'Arbejdsliste', 'Henvisninger uden forløb', 'Indikatorer', 'Tværsektorielt forløb']);

    await page.click('a.language-toggle');
    await page.waitForSelector('html[lang="en"]');
    await screenshot(page, 'start-quality-en');
    expect(await page.locator('html').getAttribute('lang')).to.equal('en');
    expect(await page.locator('h1').innerText()).to.equal('Welcome, Kvalitet Aarhus');

    await page.click('header button[type=submit]');
    await page.waitForURL(/\/log-ind/);
    await screenshot(page, 'logged-out-en');
    expect(new URL(page.url()).pathname).to.equal('/log-ind');
    expect(await page.locator('.alert').first().innerText()).to.contain('logged out');
  });

  it('the admin sees Administration in the navigation and the user list of the whole country', async () => {
    await logIn(page, suite.server.url, 'admin@demo.dk', TEST_PASSWORD);
    expect(await navTexts()).to.deep.equal(['Indikatorer', 'Tværsektorielt forløb', 'Administration']);
    await screenshot(page, 'start-admin');

    await page.click('text=Administration');
    await page.waitForURL(/\/admin\/brugere$/);
    await screenshot(page, 'admin-users');
    expect(await page.locator('table tbody tr').count()).to.equal(DEMO_USERS.length);

    await page.goto(suite.server.url + '/admin/brugere/ny');
    await page.fill('#email', 'forkert');
    await page.check('#role-therapist');
    await page.selectOption('#scope', '1082');
    await page.click('button.button-primary');
    await page.locator('.error-summary').waitFor();
    await screenshot(page, 'admin-user-new-errors');
    expect(await page.locator('.error-summary li').count()).to.be.greaterThan(0);
    expect(await page.inputValue('#email')).to.equal('forkert');

    await page.goto(suite.server.url + '/admin/log');
    await screenshot(page, 'admin-log');
    expect(await page.locator('table tbody tr').count()).to.be.greaterThan(0);
  });

  it('on a phone-width screen the language toggle and Log ud stay in the header', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    await logIn(page, suite.server.url, 'terapeut.aarhus@demo.dk', TEST_PASSWORD);

    expect(await page.isVisible('a.language-toggle')).to.equal(true);
    expect(await page.isVisible('header button[type=submit]')).to.equal(true);
    await screenshot(page, 'start-therapist-phone');
  });

  it('a therapist sees the registration navigation and no administration', async () => {
    await logIn(page, suite.server.url, 'terapeut.aarhus@demo.dk', TEST_PASSWORD);

    expect(await navTexts()).to.deep.equal(['Forløb', 'Arbejdsliste', 'Henvisninger uden forløb', 'Indikatorer', 'Tværsektorielt forløb', 'Import', 'Eksport']);
    await screenshot(page, 'start-therapist');
  });
});

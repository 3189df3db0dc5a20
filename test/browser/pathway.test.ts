import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { loginAs } from '../helpers/app';
import { browserSuite, logIn } from '../helpers/browser';
import { aCpr, daysAgo } from '../integration/courses/helpers';

const SHOTS = '/tmp/pathway-shots';
const PASSWORD = 'hjerte-demo-1234';

async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage });
}

/** axe-core WCAG 2.x A/AA: no critical or serious finding on the page. */
async function expectAccessible(page: Page, label: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), label).to.deep.equal([]);
}

describe('browser: the cross-sector pathway (pathway.md §6)', function () {
  this.timeout(180_000);
  let lostCpr: string;
  const suite = browserSuite(async () => {
    await suite.server.db('municipalities').whereIn('code', ['751', '730']).update({ registering_since: '2020-01-01' });
    const auh = await loginAs(suite.server.app, 'hospital.auh@demo.dk');
    const send = (body: object) => auh.agent.post('/api/v1/referrals').set('X-CSRF-Token', auh.csrf).send(body);
    lostCpr = aCpr();
    await send({ referral_id: 'BR-LOST', cpr: lostCpr, municipality_code: '751', referral_date: daysAgo(45), diagnosis_group: 'heart_failure' });
    await send({ referral_id: 'BR-OPEN', cpr: aCpr(), municipality_code: '751', referral_date: daysAgo(16), diagnosis_group: 'heart_failure' });
    for (let i = 0; i < 8; i += 1) {
      await send({ referral_id: `BR-${i}`, cpr: aCpr(), municipality_code: i < 6 ? '751' : '730', referral_date: daysAgo(60 + i * 3), diagnosis_group: 'ihd' });
    }
  });

  it('the therapist of 751 opens Henvisninger uden forløb, creates a course from a lost referral and sees it leave the list', async () => {
    const page = await (await suite.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await logIn(page, suite.server.url, 'terapeut.aarhus@demo.dk', PASSWORD);
    await page.click('nav a[href="/henvisninger-uden-forloeb"]');
    await page.waitForURL(/henvisninger-uden-forloeb/);
    const shown = `${lostCpr.slice(0, 6)}-${lostCpr.slice(6)}`;
    const row = page.locator('tr', { hasText: shown });
    expect(await row.innerText()).to.contain('Tabt i overgangen');
    expect(await page.locator('tr', { hasText: 'Overskredet' }).count()).to.be.greaterThan(0);
    await expectAccessible(page, 'Henvisninger uden forløb');
    await shot(page, '1-unmatched-list');
    await Promise.all([page.waitForURL(/\/forloeb\/nyt\?henvisning=/), row.locator('a', { hasText: 'Opret forløb' }).click()]);
    expect(await page.inputValue('#referral_date')).to.equal(daysAgo(45).split('-').reverse().join('.'));
    await shot(page, '2-new-course-prefilled');
    await Promise.all([page.waitForURL(/\/forloeb\/\d+$/), page.click('main form.course-form button.button-primary')]);
    expect(await page.locator('[data-referral-origin]').textContent()).to.contain('Henvist fra Aarhus Universitetshospital, Hjertesygdomme');
    await shot(page, '3-course-with-origin');
    await page.click('nav a[href="/henvisninger-uden-forloeb"]');
    await page.waitForURL(/henvisninger-uden-forloeb/);
    expect(await page.locator('tr', { hasText: shown }).count()).to.equal(0);
    await shot(page, '4-unmatched-after');
    await page.close();
  });

  it('the hospital user of Aarhus Universitetshospital reads its referrals per municipality and cannot open a course', async () => {
    const course = await suite.server.db('courses').orderBy('id', 'desc').first('id');
    const page = await (await suite.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await logIn(page, suite.server.url, 'hospital.auh@demo.dk', PASSWORD);
    await page.click('nav a[href="/forloebsvej"]');
    await page.waitForURL(/forloebsvej/);
    await page.fill('#period', daysAgo(60).slice(0, 4));
    await page.selectOption('#unit_code', '751');
    await Promise.all([page.waitForURL(/period=/), page.click('form.pathway-pickers button[type=submit]')]);
    expect(await page.inputValue('#unit_type')).to.equal('municipality');
    expect(await page.locator('tr[data-unit="751"]').innerText()).to.contain('Aarhus (751)');
    await page.waitForSelector('#pathway-stages[data-drawn="true"]');
    await page.waitForSelector('#pathway-comparison[data-drawn="true"]');
    await page.waitForSelector('#pathway-trend[data-drawn="true"]');
    expect(await page.locator('.pathway-stages-table tr[data-stage="referred"]').innerText()).to.match(/Henvist\s+\d+/);
    await expectAccessible(page, 'Tværsektorielt forløb (hospital)');
    await shot(page, '5-hospital-pathway');
    await shot(page, '5a-hospital-pathway-funnel', false);
    await page.locator('#trend-title').scrollIntoViewIfNeeded();
    await shot(page, '5b-hospital-pathway-trend', false);
    await page.click('nav a[href="/mine-henvisninger"]');
    await page.waitForURL(/mine-henvisninger/);
    expect(await page.locator('table.my-referrals').innerText()).to.contain('BR-LOST');
    await expectAccessible(page, 'Mine henvisninger');
    await shot(page, '6-my-referrals');
    const refused = await page.goto(`${suite.server.url}/forloeb/${course.id}`);
    expect(refused!.status()).to.equal(403);
    expect(await page.locator('nav a[href="/forloeb"]').count()).to.equal(0);
    await shot(page, '7-hospital-course-refused');
    await page.close();
  });

  it('the admin keeps the departments and the municipalities\' registering_since (a bad code kept with its message)', async () => {
    const page = await (await suite.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await logIn(page, suite.server.url, 'admin@demo.dk', PASSWORD);
    await page.goto(suite.server.url + '/admin/hospitalsafdelinger');
    await page.fill('#sor_code', '0123');
    await page.fill('#name', 'Testafdeling');
    await page.selectOption('#region_code', '1082');
    await Promise.all([page.waitForLoadState('load'), page.click('form.hospital-add-form button[type=submit]')]);
    expect(await page.inputValue('#name')).to.equal('Testafdeling');
    expect(await page.locator('.error-summary').innerText()).to.contain('SOR-kode');
    await expectAccessible(page, 'Hospitalsafdelinger with an error');
    await shot(page, '8-admin-hospitals-error');
    await page.goto(suite.server.url + '/admin/kommuner');
    await expectAccessible(page, 'Kommuners registrering');
    await shot(page, '9-admin-registering', false);
    await page.close();
  });
});

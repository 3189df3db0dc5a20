import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { demoMunicipalities, insertDemoCourses } from '../../server/demo/startup';
import { today } from '../../server/time';
import { TEST_PASSWORD } from '../helpers/app';
import { launchBrowser, RunningServer, SCREENSHOT_DIR, startServer } from '../helpers/browser';

describe('browser: indicator dashboard and funnel plot', function () {
  this.timeout(120_000);
  let browser: Browser;
  let server: RunningServer;
  let base: string;
  let page: Page;

  before(async function () {
    browser = await launchBrowser(this);
    server = await startServer();
    const midt = await demoMunicipalities(server.db, 'midt');
    await insertDemoCourses(server.db, server.ctx.config.cprKey, { count: 2500, municipalityCodes: midt, years: 3, seed: 1082, today: today() });
    base = server.url;
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a regional quality manager logs in, switches period, opens a funnel plot and downloads its CSV', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });

    await page.goto(`${base}/log-ind`);
    await page.fill('#email', 'kvalitet.midt@demo.dk');
    await page.fill('#password', TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]:has-text("Log ind")')]);
    await page.goto(`${base}/indikatorer`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-dashboard.png'), fullPage: true });
    const lastYear = String(Number(today().slice(0, 4)) - 1);
    expect(await page.locator('#period').inputValue()).to.equal(lastYear);
    expect(await page.locator('.hk-card').count()).to.equal(11);

    // the dashboard's charts: HK01 by default; the picker switches them to HK03
    await page.waitForSelector('#grafer #chart-funnel[data-drawn="true"]');
    expect(await page.locator('#indikator').inputValue()).to.equal('HK01');
    await page.selectOption('#indikator', 'HK03');
    await Promise.all([page.waitForURL(/indikator=HK03/), page.click('.hk-picker button[type=submit]')]);
    await page.waitForSelector('#grafer #chart-funnel[data-drawn="true"]');
    for (const id of ['#chart-trend', '#chart-comparison']) await page.waitForSelector(`#grafer ${id}[data-drawn="true"]`);
    expect(await page.locator('#charts-heading').innerText()).to.equal('Grafer – HK03 Vedholdenhed');
    expect(await page.locator('#grafer .hk-downloads').count()).to.equal(3);
    await page.locator('#grafer').screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-dashboard-charts.png') });

    const earlier = String(Number(lastYear) - 1);
    await page.selectOption('#period', earlier);
    // The address already holds period= from the indicator switch: wait for the new period in it.
    await Promise.all([page.waitForURL(new RegExp(`period=${earlier}`)), page.click('.hk-picker button[type=submit]')]);
    expect(await page.locator('.font-lead').innerText()).to.contain(earlier);

    await Promise.all([page.waitForURL(/\/indikatorer\/HK03/), page.click('.hk-card a:has-text("Vedholdenhed")')]);
    await page.waitForSelector('#chart-funnel[data-drawn="true"]');
    await page.locator('#tragt').scrollIntoViewIfNeeded();
    await page.locator('#tragt').screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-funnel.png') });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-detail.png'), fullPage: true });
    await page.locator('#udvikling').screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-trend.png') });
    await page.locator('#sammenligning').screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-comparison.png') });
    expect(await page.locator('#tragt tbody tr').count()).to.equal(19);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#tragt .hk-downloads a:has-text("CSV")')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');

    expect(download.suggestedFilename()).to.equal(`HK03-tragt-${earlier}-1082.csv`);
    expect(csv.charCodeAt(0)).to.equal(0xfeff);
    expect(csv.split('\r\n')[0]).to.match(/^\uFEFFindicator_id;indicator_name;.*;limit998_high;outlier$/);
    expect(csv.split('\r\n').filter(Boolean)).to.have.length(20);
    await page.goto(`${base}/indikatorer?period=${earlier}&lang=en`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-dashboard-en.png'), fullPage: true });
    expect(await page.locator('h1').innerText()).to.equal('Indicators');
    expect(errors).to.deep.equal([]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { demoMunicipalities, insertDemoCourses } from '../../server/demo/startup';
import { today } from '../../server/time';
import { TEST_PASSWORD } from '../helpers/app';
import { browserSuite, SCREENSHOT_DIR } from '../helpers/browser';

describe('browser: indicator dashboard and funnel plot', function () {
  this.timeout(120_000);
  let base: string;
  let page: Page;

  const suite = browserSuite(async () => {
    const midt = await demoMunicipalities(suite.server.db, 'midt');
    await insertDemoCourses(suite.server.db, suite.server.ctx.config.cprKey, { count: 2500, municipalityCodes: midt, years: 3, seed: 1082, today: today() });
    base = suite.server.url;
    page = await suite.browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
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
    expect(await page.locator('#period').inputValue()).to.equal(today().slice(0, 4)); // the current year to date
    expect(await page.locator('.hk-card').count()).to.equal(14);
    await Promise.all([page.waitForURL(new RegExp(`period=${lastYear}`)), page.click(`a:has-text("Se hele ${lastYear}")`)]);
    expect(await page.locator('#period').inputValue()).to.equal(lastYear);

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
    expect(csv.split('\r\n')[0]).to.match(/^\uFEFFindicator_id;indicator_name;.*;limit998_high;outlier;shrunk_value;.*;p0;phi;tau2;computed_at$/);
    expect(csv.split('\r\n').filter(Boolean)).to.have.length(20);
    await page.goto(`${base}/indikatorer?period=${earlier}&lang=en`);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-dashboard-en.png'), fullPage: true });
    expect(await page.locator('h1').innerText()).to.equal('Indicators');
    expect(errors).to.deep.equal([]);
  });

  it('the quality user of Aarhus finds the early warning on the dashboard, opens HK04 and sees its strata and p-chart', async () => {
    const errors: string[] = [];
    const p = await suite.browser.newPage({ viewport: { width: 1280, height: 900 } });
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.status()} ${r.url()}`); });
    await p.goto(`${base}/log-ind`);
    await p.fill('#email', 'kvalitet.aarhus@demo.dk');
    await p.fill('#password', TEST_PASSWORD);
    await Promise.all([p.waitForURL(`${base}/`), p.click('button[type=submit]:has-text("Log ind")')]);
    await p.goto(`${base}/indikatorer`);

    const warning = p.locator('#tidlig-advarsel li', { hasText: 'HK04' });
    expect(await warning.count()).to.equal(1);
    expect(await warning.innerText()).to.match(/Aarhus: HK04 Fysisk træning ≥ 80 % – ▼ (Under 3σ-grænsen|2 af 3 kvartaler under 2σ-grænsen) i \d\. kvartal \d{4}/);
    await p.locator('#tidlig-advarsel').screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-warnings.png') });

    await Promise.all([p.waitForURL(/\/indikatorer\/HK04\?.*#advarsel$/), warning.locator('a').click()]);
    await p.waitForSelector('#chart-spc[data-drawn="true"]');
    await p.waitForSelector('#chart-strata[data-drawn="true"]');
    expect(await p.locator('#advarsel tbody tr').count()).to.equal(12);
    expect(await p.locator('#advarsel tbody tr.hk-outlier').count()).to.be.greaterThan(0);
    await p.locator('#advarsel').screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-pchart.png') });

    expect(await p.locator('#lighed tbody tr').count()).to.equal(2); // women, men
    expect(await p.locator('#lighed .hk-gap').innerText()).to.contain('Forskel kvinder − mænd');
    await Promise.all([p.waitForURL(/lighed=age_group/), p.click('#lighed a:has-text("Aldersgruppe")')]);
    await p.waitForSelector('#chart-strata[data-drawn="true"]');
    expect(await p.locator('#lighed tbody tr').count()).to.equal(4);
    await p.locator('#lighed').screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-strata.png') });
    await p.locator('#tragt').screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-funnel-fair.png') });
    expect(errors).to.deep.equal([]);
    await p.close();
  });

  it('a therapist of Aarhus reads why each HK04 course missed, sorts and filters the drill-down', async () => {
    const p = await suite.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await p.goto(`${base}/log-ind`);
    await p.fill('#email', 'terapeut.aarhus@demo.dk');
    await p.fill('#password', TEST_PASSWORD);
    await Promise.all([p.waitForURL(`${base}/`), p.click('button[type=submit]:has-text("Log ind")')]);
    const lastYear = String(Number(today().slice(0, 4)) - 1);
    await p.goto(`${base}/indikatorer/HK04?period=${lastYear}&unit_type=municipality&unit_code=751`);
    await Promise.all([p.waitForURL(/\/forloeb\?/), p.click('a:has-text("Se forløb, der ikke lever op til indikatoren")')]);

    const reasons = await p.locator('td.hk-reason').allInnerTexts();
    expect(reasons.some((r) => /^\d+ af \d+ træningsgange$/.test(r))).to.equal(true);
    expect(reasons.some((r) => r.startsWith('Mangler: '))).to.equal(true);
    await p.screenshot({ path: path.join(SCREENSHOT_DIR, 'indicators-drilldown.png'), fullPage: false });

    await Promise.all([p.waitForURL(/vis=mangler/), p.click('.hk-drilldown-filter a:has-text("Mangler data")')]);
    const kinds = await p.locator('.hk-kind').allInnerTexts();
    expect(kinds.length).to.be.greaterThan(0);
    expect(new Set(kinds)).to.deep.equal(new Set(['Mangler data']));
    await Promise.all([p.waitForURL(/sort=patient/), p.click('th a:has-text("Patient")')]);
    const names = await p.locator('.hk-drilldown tbody td:nth-child(2)').allInnerTexts();
    expect(names).to.deep.equal([...names].sort((a, b) => a.localeCompare(b, 'da', { sensitivity: 'base' })));
    await p.close();
  });
});

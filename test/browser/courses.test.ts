import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { browserSuite, logIn, screenshot } from '../helpers/browser';

/** A CPR number nobody else uses in this run: born 1950–1989 on a random day, century digit 0–3. */
function freshCpr(): string {
  const day = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  const month = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  const year = String(50 + Math.floor(Math.random() * 40));
  const serial = String(Math.floor(Math.random() * 4000)).padStart(4, '0');
  return `${day}${month}${year}-${serial}`;
}

async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, `courses-${name}`);
}

async function pick(page: Page, id: string): Promise<void> {
  await page.click(`label[for="${id}"]`);
}

describe('browser: a therapist registers a whole course', function () {
  this.timeout(120_000);
  let base: string;
  const suite = browserSuite(async () => {
    base = suite.server.url;
  });

  it('creates a course with a fresh CPR, fills all four sections (one first wrong) and finds it complete in the list', async () => {
    const page = await suite.browser.newPage({ viewport: { width: 1280, height: 900 } });
    const cpr = freshCpr();
    await logIn(page, base, 'terapeut.aarhus@demo.dk', 'hjerte-demo-1234');

    await page.goto(base + '/forloeb/nyt');
    await page.fill('#cpr', cpr);
    await page.click('main button[type=submit]');
    await page.waitForSelector('#referral_date');
    // The progressive script hides the treatment until the diagnosis is ihd (times out if it never does).
    await page.waitForSelector('label[for="ihd_treatment"]', { state: 'hidden' });
    await page.fill('#patient_name', 'Birte Browsertest');
    await page.fill('#referral_date', '06.01.2025');
    await pick(page, 'referral_source');
    await page.selectOption('#diagnosis_group', 'ihd');
    expect(await page.isVisible('label[for="ihd_treatment"]')).to.equal(true);
    await pick(page, 'ihd_treatment');
    await shot(page, '1-new-referral');
    await Promise.all([page.waitForURL(/\/forloeb\/\d+$/), page.click('main form button.button-primary')]);
    const courseUrl = page.url();
    await shot(page, '2-course-referred');

    const opstart = page.locator('section#opstart');
    await page.fill('#start_date', '13.01.2025');
    await pick(page, 'smoking_start');
    await page.fill('#height_cm', '168');
    await page.fill('#weight_start_kg', '72,35');
    await page.fill('#hads_a_start', '9');
    await page.fill('#hads_d_start', '5');
    await pick(page, 'test_type');
    await page.fill('#test_start_value', '410');
    await opstart.locator('button.button-primary').click();
    expect(await page.textContent('.error-summary')).to.contain('Vægt ved opstart må højst have én decimal.');
    expect(await page.inputValue('#weight_start_kg')).to.equal('72,35');
    await shot(page, '3-opstart-error');
    await page.fill('#weight_start_kg', '72,3');
    await Promise.all([page.waitForURL(courseUrl + '#opstart'), opstart.locator('button.button-primary').click()]);

    expect(await page.getAttribute('#training_planned', 'placeholder')).to.equal('24');
    await page.fill('#training_planned', '24');
    await page.fill('#training_attended', '21');
    await pick(page, 'education');
    await pick(page, 'diet');
    await pick(page, 'smoking_cessation');
    await pick(page, 'psych_followup');
    await Promise.all([page.waitForURL(courseUrl + '#indsatser'), page.locator('section#indsatser button.button-primary').click()]);

    await page.fill('#end_date', '07.04.2025');
    await pick(page, 'outcome');
    await pick(page, 'smoking_end-former');
    await page.fill('#hads_a_end', '6');
    await page.fill('#hads_d_end', '4');
    await page.fill('#test_end_value', '470');
    await pick(page, 'gp_note_sent');
    await Promise.all([page.waitForURL(courseUrl + '#afslutning'), page.locator('section#afslutning button.button-primary').click()]);
    expect(await page.textContent('.course-title')).to.contain('Afsluttet').and.contain('Data komplet');
    await shot(page, '4-course-complete');

    await page.goto(base + '/forloeb');
    await page.fill('#q', cpr);
    await page.click('#course-search button.button-primary');
    const row = page.locator('table.course-table tbody tr', { hasText: 'Birte Browsertest' });
    await row.first().waitFor();
    expect(await row.count()).to.equal(1);
    expect(await row.textContent()).to.contain('Afsluttet').and.contain('Ja');
    expect(page.url()).to.equal(base + '/forloeb');
    await shot(page, '5-list-search');
    await page.goto(base + '/forloeb/nyt');
    await page.fill('#cpr', freshCpr());
    await page.click('main button[type=submit]');
    await page.fill('#referral_date', '03.03.2025');
    await page.selectOption('#diagnosis_group', 'heart_failure');
    await Promise.all([page.waitForURL(/\/forloeb\/\d+$/), page.click('main form button.button-primary')]);
    await page.goto(base + '/arbejdsliste');
    expect(await page.locator('tr.course-overdue').count()).to.equal(1);
    expect(await page.textContent('tr.course-overdue')).to.contain('Henvist fra').and.contain('Dato for opstartssamtale');
    await shot(page, '6-worklist');
  });
  it('hides fields as they stop applying while the user types, and shows the course page in English', async () => {
    const page = await suite.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, base, 'terapeut.aarhus@demo.dk', 'hjerte-demo-1234');
    await page.goto(base + '/forloeb/nyt');
    await page.fill('#cpr', freshCpr());
    await page.click('main button[type=submit]');
    await page.waitForSelector('#referral_date');
    await page.fill('#patient_name', 'Erik English');
    await page.fill('#referral_date', '03.02.2025');
    await page.selectOption('#diagnosis_group', 'valve');
    await Promise.all([page.waitForURL(/\/forloeb\/\d+$/), page.click('main form button.button-primary')]);

    await page.fill('#start_date', '10.02.2025');
    await pick(page, 'test_type');
    expect(await page.isVisible('#test_start_value')).to.equal(true);
    expect(await page.isVisible('label[for="test_not_done_reason"]')).to.equal(false);
    await pick(page, 'test_type-none');
    expect(await page.isVisible('#test_start_value')).to.equal(false);
    expect(await page.isVisible('label[for="test_not_done_reason"]')).to.equal(true);
    await page.fill('#start_date', '');
    expect(await page.isVisible('#height_cm')).to.equal(false);
    expect(await page.isVisible('#not_started_reason')).to.equal(true);
    await page.fill('#start_date', '10.02.2025');
    await page.fill('#height_cm', '181');
    await page.fill('#weight_start_kg', '90,5');
    await Promise.all([page.waitForURL(/#opstart$/), page.locator('section#opstart button.button-primary').click()]);

    await page.click('a.language-toggle');
    await page.waitForSelector('html[lang="en"]');
    expect(await page.textContent('main')).to.contain('Referral').and.contain('Start-up');
    expect(await page.inputValue('#weight_start_kg')).to.equal('90.5');
    expect(await page.inputValue('#start_date')).to.equal('10.02.2025');
    await page.evaluate(() => { document.querySelector<HTMLDetailsElement>('section#opstart details')!.open = true; });
    await shot(page, '7-course-english');
    await page.close();
  });
});

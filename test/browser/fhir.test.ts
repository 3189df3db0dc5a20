import { expect } from 'chai';
import { browserSuite, logIn, screenshot } from '../helpers/browser';
import { TEST_PASSWORD } from '../helpers/app';
import { course, holbaek, send } from '../integration/fhir/helpers';
import * as s from '../integration/fhir/series';

describe('browser: a course from the care record', function () {
  this.timeout(120_000);
  const suite = browserSuite(async () => {
  });

  it('shows "fra omsorgsjournal", the therapist registers the missing tests, and a later bundle leaves them untouched', async () => {
    const who = await holbaek(suite.server.db);
    await send(suite.server.db, who, s.step1());
    const id = (await send(suite.server.db, who, s.step2())).courses[0].id;
    const page = await suite.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, suite.server.url, who.user.email, TEST_PASSWORD);
    const courseUrl = `${suite.server.url}/forloeb/${id}`;

    await page.goto(courseUrl);
    expect(await page.locator('[data-variable="start_date"] [data-source="fhir"]').count()).to.equal(1);
    expect(await page.locator('[data-variable="referral_date"] [data-source="fhir"]').count()).to.equal(1);
    expect(await page.textContent('[data-variable="training_attended"] [data-waiting]')).to.contain('Omsorgsjournal: 1');
    expect(await page.textContent('section#indsatser [data-waiting-summary]')).to.contain('Gennemførte træningsgange: Omsorgsjournal: 1');
    await screenshot(page, 'fhir-1-course-from-care-record');

    await page.click('label[for="smoking_start"]');
    await page.fill('#hads_a_start', '9');
    await page.fill('#hads_d_start', '5');
    await page.click('label[for="test_type"]');
    await page.fill('#test_start_value', '410');
    await Promise.all([page.waitForURL(courseUrl + '#opstart'), page.locator('section#opstart button.button-primary').click()]);
    await page.fill('#training_planned', '24');
    await Promise.all([page.waitForURL(courseUrl + '#indsatser'), page.locator('section#indsatser button.button-primary').click()]);

    const later = await send(suite.server.db, who, s.step3a());
    await page.goto(courseUrl);
    const c = await course(suite.server.db, who, id);

    expect(later.status).to.equal(200);
    expect(c).to.include({ smoking_start: 'daily', hads_a_start: 9, hads_d_start: 5, test_type: '6mwt', test_start_value: 410, training_planned: 24, training_attended: 5 });
    expect(c.sources).to.include({ hads_a_start: 'manual', training_planned: 'manual', training_attended: 'fhir', start_date: 'fhir' });
    expect(await page.locator('[data-variable="training_attended"] [data-source="fhir"]').count()).to.equal(1);
    expect(await page.inputValue('#training_attended')).to.equal('5');
    expect(await page.inputValue('#hads_a_start')).to.equal('9');
    await screenshot(page, 'fhir-2-after-later-bundle');
  });
});

import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { createUser, loginAs, type LoggedIn } from '../helpers/app';
import { browserSuite, logIn, screenshot } from '../helpers/browser';
import { addDays, today } from '../../server/time';
import { createThroughForm, INDSATSER, OPSTART, saveSection } from '../http/courses/pages-helpers';

const PASSWORD = 'hjerte-demo-1234';
const dk = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
let serial = 0;
/** A CPR number of its own for each course of this file (born 1961, century digit 1). */
const cpr = () => { serial++; return `${String(1 + (serial % 28)).padStart(2, '0')}0${1 + Math.floor(serial / 28)}61-1${String(serial).padStart(3, '0')}`; };

/** Issue 10, each fault clicked through in Chromium: lost input, the shared record, search, "Fjern valget", the worklist. */
describe('browser: nothing typed is lost, names are found, lists lead (issue 10)', function () {
  this.timeout(180_000);
  let base: string;
  let api: LoggedIn;

  const suite = browserSuite(async () => {
    base = suite.server.url;
    api = await loginAs(suite.server.app, 'terapeut.aarhus@demo.dk');
  });

  async function therapistPage(email = 'terapeut.aarhus@demo.dk'): Promise<Page> {
    const page = await (await suite.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await logIn(page, base, email, PASSWORD);
    return page;
  }

  /** Unfold a course section (finished ones start folded). */
  const open = (page: Page, section: string) => page.evaluate((s) => {
    (document.querySelector(`section#${s} details`) as HTMLDetailsElement).open = true;
  }, section);

  const stored = (id: number) => suite.server.db('courses').where('id', id).first();

  it('typing in two sections and saving one keeps the other section\'s input on the page; leaving then asks first', async () => {
    const id = await createThroughForm(api, cpr());
    const page = await therapistPage();
    await page.goto(`${base}/forloeb/${id}`);
    await page.fill('#start_date', '13.01.2024');
    await open(page, 'henvisning');
    await page.click('label[for="referral_source-gp"]');
    await Promise.all([page.waitForURL(`${base}/forloeb/${id}#henvisning`), page.click('section#henvisning button.button-primary')]);
    await page.waitForSelector('section#opstart .form-keep-note');
    expect(await page.inputValue('#start_date')).to.equal('13.01.2024');
    expect(await page.textContent('main')).to.contain('Ændringerne er gemt');
    const row = await stored(id);
    expect([row.referral_source, row.start_date]).to.deep.equal(['gp', null]);
    await screenshot(page, 'ux-1-kept-input');

    let asked = '';
    page.once('dialog', (d) => { asked = d.type(); void d.dismiss(); });
    await page.click('nav.navigation-menu a[href="/arbejdsliste"]');
    await page.waitForTimeout(300);
    expect(asked).to.equal('beforeunload');
    expect(page.url()).to.contain(`/forloeb/${id}`);
    await Promise.all([page.waitForURL(`${base}/forloeb/${id}#opstart`), page.click('section#opstart button.button-primary')]);
    expect((await stored(id)).start_date).to.equal('2024-01-13');
  });

  it('a form sent after the session ended: log in, find the input on the same form, save', async () => {
    const id = await createThroughForm(api, cpr());
    const page = await therapistPage();
    await page.goto(`${base}/forloeb/${id}`);
    await page.fill('#start_date', '14.01.2024');
    await page.fill('#height_cm', '171');
    await suite.server.db('sessions').update({ expires_at: new Date(Date.now() - 1000).toISOString() });
    api = await loginAs(suite.server.app, 'terapeut.aarhus@demo.dk');
    await Promise.all([page.waitForURL(/\/log-ind\?/), page.click('section#opstart button.button-primary')]);
    expect(await page.textContent('main')).to.contain('Du er blevet logget ud efter 30 minutter uden aktivitet.');
    await page.waitForSelector('form[action="/log-ind"] .form-keep-note');
    expect((await stored(id)).start_date).to.equal(null);
    await screenshot(page, 'ux-2-relogin');
    await page.fill('#email', 'terapeut.aarhus@demo.dk');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${base}/forloeb/${id}#opstart`), page.click('button[type=submit].button-primary')]);
    await page.waitForSelector('section#opstart .form-keep-note');
    expect(await page.inputValue('#start_date')).to.equal('14.01.2024');
    expect(await page.inputValue('#height_cm')).to.equal('171');
    expect((await stored(id)).start_date).to.equal(null);
    await Promise.all([page.waitForURL(`${base}/forloeb/${id}#opstart`), page.click('section#opstart button.button-primary')]);
    await page.waitForSelector('text=Ændringerne er gemt');
    const row = await stored(id);
    expect([row.start_date, row.height_cm]).to.deep.equal(['2024-01-14', 171]);
  });

  it('warns two minutes before the idle timeout and "Forbliv logget ind" renews the session', async () => {
    const page = await therapistPage();
    await page.clock.install();
    await page.goto(`${base}/forloeb`);
    expect(await page.isVisible('.session-timeout')).to.equal(false);
    await page.clock.fastForward('27:05');
    await page.waitForSelector('.session-timeout >> text=Du bliver logget ud om 2 minutter');
    await screenshot(page, 'ux-3-idle-warning');
    const renewed = page.waitForResponse((r) => r.url().endsWith('/session/forny'));
    await page.click('.session-timeout button:has-text("Forbliv logget ind")');
    expect((await renewed).status()).to.equal(204);
    await page.waitForSelector('.session-timeout >> text=Du er stadig logget ind.');
  });

  it('two users and one patient: a rename through B survives a save of A; two renames are a conflict shown side by side', async () => {
    const patient = cpr();
    const a = await createThroughForm(api, patient, { patient_name: 'Åse Ørsted' });
    for (const [s, f] of [['opstart', OPSTART], ['indsatser', INDSATSER], ['afslutning', { end_date: '20.04.2024', outcome: 'completed' }]] as const) {
      expect((await saveSection(api, a, s, f)).status).to.equal(303);
    }
    const b = await createThroughForm(api, patient, { referral_date: '01.06.2024', patient_name: 'Åse Ørsted' });
    await createUser(suite.server.db, { email: 'terapeut2.aarhus@test.dk', roles: ['therapist'], scope: '751', name: 'Anden Terapeut' });
    const user1 = await therapistPage();
    const user2 = await therapistPage('terapeut2.aarhus@test.dk');

    await user1.goto(`${base}/forloeb/${a}`);
    await user2.goto(`${base}/forloeb/${b}`);
    await open(user1, 'henvisning');
    await open(user2, 'henvisning');
    await user2.fill('#patient_name', 'Åse Ørsted-Holm');
    await Promise.all([user2.waitForURL(/#henvisning$/), user2.click('section#henvisning button.button-primary')]);
    await user1.click('label[for="referral_source-other"]');
    await Promise.all([user1.waitForURL(/#henvisning$/), user1.click('section#henvisning button.button-primary')]);
    expect(await user1.textContent('.course-patient')).to.contain('Åse Ørsted-Holm');
    expect((await stored(a)).referral_source).to.equal('other');

    await open(user1, 'henvisning');
    await open(user2, 'henvisning');
    await user2.fill('#patient_name', 'Åse Holm');
    await Promise.all([user2.waitForURL(/#henvisning$/), user2.click('section#henvisning button.button-primary')]);
    await user1.fill('#patient_name', 'Åse Ørsted');
    await user1.click('section#henvisning button.button-primary');
    await user1.waitForSelector('.course-conflict');
    const table = await user1.textContent('.course-compare');
    expect(table).to.contain('Åse Ørsted').and.contain('Åse Holm');
    await screenshot(user1, 'ux-4-course-conflict');
    const name = await suite.server.db('patients').join('courses', 'courses.patient_id', 'patients.id').where('courses.id', b).first('patient_name');
    expect(name.patient_name).to.equal('Åse Holm');
  });

  it('searching for "Ørsted" and "SØREN" finds the Danish names', async () => {
    await createThroughForm(api, cpr(), { patient_name: 'Søren Clausen' });
    await createThroughForm(api, cpr(), { patient_name: 'Ørsted Åkjær' });
    const page = await therapistPage();
    for (const [q, name] of [['Ørsted', 'Ørsted Åkjær'], ['SØREN', 'Søren Clausen'], ['clausen', 'Søren Clausen']]) {
      await page.goto(`${base}/forloeb`);
      await page.fill('#q', q);
      await page.click('#course-search button.button-primary');
      await page.waitForSelector(`table.course-table >> text=${name}`);
    }
    await screenshot(page, 'ux-5-search');
  });

  it('"Fjern valget" under Testtype and Psykosocial opfølgning clears the choice, never picks "Ingen test" or "Ingen"', async () => {
    const id = await createThroughForm(api, cpr());
    expect((await saveSection(api, id, 'opstart', { ...OPSTART, test_type: 'none', test_start_value: '', test_not_done_reason: 'declined' })).status).to.equal(303);
    expect((await saveSection(api, id, 'indsatser', { ...INDSATSER, psych_followup: 'none' })).status).to.equal(303);
    const page = await therapistPage();
    await page.goto(`${base}/forloeb/${id}#opstart`);
    for (const [variable, section] of [['test_type', 'opstart'], ['psych_followup', 'indsatser']]) {
      await open(page, section);
      expect(await page.isChecked(`input[name="${variable}"][value="none"]`)).to.equal(true);
      await page.click(`[data-variable="${variable}"] label.course-clear-choice`);
      expect(await page.isChecked(`input[name="${variable}"][value="none"]`)).to.equal(false);
      expect(await page.isChecked(`[data-variable="${variable}"] input[value=""][type=radio]`)).to.equal(true);
    }
  });

  it('the worklist starts with the overdue referrals; the start page counts them and links there', async () => {
    const old = await createThroughForm(api, cpr(), { referral_date: dk(addDays(today(), -400)) });
    await saveSection(api, old, 'opstart', { ...OPSTART, smoking_start: '', start_date: dk(addDays(today(), -390)) });
    const overdue = await createThroughForm(api, cpr(), { referral_date: dk(addDays(today(), -16)), patient_name: 'Overskredet Olsen' });
    const page = await therapistPage();
    await page.click('main a.start-action-urgent');
    await page.waitForURL(/\/arbejdsliste\?overdue=1$/);
    await page.goto(`${base}/arbejdsliste`);
    const marks = await page.locator('table.course-worklist tbody tr').evaluateAll((rows) => rows.map((r) => r.classList.contains('course-overdue')));
    const overdueRows = marks.filter(Boolean).length;
    expect(marks[0]).to.equal(true);
    expect(marks.slice(0, overdueRows).every(Boolean), 'every overdue row before the others').to.equal(true);
    expect(await page.locator(`table.course-worklist tbody tr:nth-child(-n+${overdueRows}) a[href="/forloeb/${overdue}"]`).count()).to.equal(1);
    expect(await page.locator(`table.course-worklist tbody tr:nth-child(n+${overdueRows + 1}) a[href="/forloeb/${old}"]`).count()).to.equal(1);
    await screenshot(page, 'ux-6-worklist');
  });
});

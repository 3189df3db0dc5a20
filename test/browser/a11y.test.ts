import { AxeBuilder } from '@axe-core/playwright';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_USERS } from '../../server/demo/users';
import { loginAs } from '../helpers/app';
import { browserSuite, logIn } from '../helpers/browser';
import { createThroughForm, INDSATSER, OPSTART, saveSection } from '../http/courses/pages-helpers';

const PASSWORD = 'hjerte-demo-1234';
/**
 * The crawl runs by default and fits the suite's budget (issue 10): one user per set of roles (a second user with the
 * same roles but another scope sees the same templates with other rows), one browser context per user, each page
 * visited once per role, and axe run only on a page whose shape no role has had checked yet — or whose content
 * differs for this role (its skeleton: headings, forms, fields, buttons, tables, sections — not the menu, not the
 * rows). Every role's start page is checked, so every role's menu is (the folded phone menu on the first role's).
 * 390 px is checked where it can differ: tables and scrolling regions. A11Y_ALL=1 crawls as all demo users.
 */
const ALL_USERS = process.env.A11Y_ALL === '1';
const CRAWLED = ALL_USERS ? DEMO_USERS : DEMO_USERS.filter((u, i) => DEMO_USERS.findIndex((o) => o.roles.join() === u.roles.join()) === i);
const WIDTHS = [1280, 390];
const MAX_PAGES_PER_ROLE = 25;

/** Links not to follow: logging out, the language toggle, downloads, and pages that change state by GET (none). */
const SKIP = /^\/(log-ud|sprog)|\.(csv|xlsx|zip|json)(\?|$)|\/download|format=|\/api\//;

/**
 * One page per shape of address: /forloeb/12 and /forloeb/13, /indikatorer/HK01 and /indikatorer/HK02, or the same
 * page for another period or unit are one template with other data.
 */
const shape = (path: string) => path.split('?')[0].replace(/\/\d+(?=\/|$)/g, '/:n').replace(/\/HK\d+/g, '/:indicator');

interface Finding { role: string; page: string; width: number; critical: string[]; serious: string[]; duplicateIds: string[] }

/** Open every folded section, so axe sees every field. */
async function unfold(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
}

async function duplicateIds(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const seen = new Map<string, number>();
    document.querySelectorAll('[id]').forEach((el) => seen.set(el.id, (seen.get(el.id) ?? 0) + 1));
    return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} ×${n}`);
  });
}

/**
 * Whether the phone width can show this page differently to axe: it has a table or a scrolling region, or it scrolls
 * sideways at 390 px, or it is a role's start page (the menu folds). Forms and text reflow into one column alike.
 */
async function mattersAtPhoneWidth(page: Page, always: boolean): Promise<boolean> {
  if (always) return true;
  return page.evaluate(() => document.querySelector('main table, main [tabindex="0"]') !== null
    || document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

/**
 * axe-core (WCAG 2.x A and AA) and the id check at each width that matters; one line per page, role and width.
 * `phone`: always check 390 px too (a role's start page, the course page's forms), else only where it matters.
 */
async function check(page: Page, role: string, label: string, findings: Finding[], phone = false): Promise<void> {
  await unfold(page);
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    const started = Date.now();
    if (width !== WIDTHS[0] && !await mattersAtPhoneWidth(page, phone)) {
      console.log(`      axe ${role} ${label} @${width}px: not run (no table, no sideways scrolling at this width)`);
      continue;
    }
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .options({ resultTypes: ['violations'] }).analyze();
    const of = (impact: string) => result.violations.filter((v) => v.impact === impact)
      .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    const f: Finding = { role, page: label, width, critical: of('critical'), serious: of('serious'), duplicateIds: await duplicateIds(page) };
    findings.push(f);
    const other = result.violations.length - f.critical.length - f.serious.length;
    console.log(`      axe ${role} ${label} @${width}px (${Date.now() - started} ms): ${f.critical.length} critical, ${f.serious.length} serious, ${other} other;`
      + ` ${f.duplicateIds.length} duplicate ids${f.critical.length + f.serious.length + f.duplicateIds.length ? ' ← ' + [...f.critical, ...f.serious, ...f.duplicateIds].join(' | ') : ''}`);
  }
  await page.setViewportSize({ width: WIDTHS[0], height: 900 });
}

/** What a role's page shows, without its data: the kinds and ids of main's headings, forms, fields, buttons, tables. */
async function skeleton(page: Page): Promise<string> {
  return page.evaluate(() => {
    const parts = new Set<string>();
    document.querySelectorAll('main :is(h1,h2,h3,form,input,select,textarea,button,table,details,fieldset,[role])').forEach((el) => {
      parts.add(`${el.tagName}#${el.id}[${el.getAttribute('name') ?? ''}][${el.getAttribute('type') ?? ''}][${el.getAttribute('role') ?? ''}]`);
    });
    return [...parts].sort().join(' ');
  });
}

/** Page shapes checked so far, each with the skeletons seen checked (one set for the whole run, across roles). */
type Checked = Map<string, Set<string>>;

/** Every page a role reaches by following links from the start page (one per shape of address). */
async function crawl(page: Page, base: string, role: string, findings: Finding[], checked: Checked): Promise<void> {
  const queue = ['/'];
  const seen = new Set<string>([shape('/')]);
  let visited = 0;
  while (queue.length && visited < MAX_PAGES_PER_ROLE) {
    const path = queue.shift()!;
    const res = await page.goto(base + path);
    visited++;
    if (!res || res.status() >= 400 || !page.url().startsWith(base)) continue;
    const skel = await skeleton(page);
    const known = checked.get(shape(path)) ?? new Set<string>();
    if (path === '/' || !known.has(skel)) {
      // Each role's start page is checked (its menu); the folded phone menu once, on the first role's.
      await check(page, role, path, findings, path === '/' && !checked.has('/'));
      checked.set(shape(path), known.add(skel));
    } else {
      // Not checked again by axe, but the ids are (cheap, and they depend on the data shown).
      const dup = await duplicateIds(page);
      if (dup.length) findings.push({ role, page: path, width: WIDTHS[0], critical: [], serious: [], duplicateIds: dup });
      console.log(`      axe ${role} ${path}: the page another role had checked; ${dup.length} duplicate ids${dup.length ? ' ← ' + dup.join(' | ') : ''}`);
    }
    const links = await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href')!));
    for (const href of links) {
      const p = href.split('#')[0];
      if (!p || SKIP.test(p) || seen.has(shape(p))) continue;
      seen.add(shape(p));
      queue.push(p);
    }
  }
}

/**
 * Issue 10 §3: every page each demo role reaches, every section unfolded, at 1280 and 390 px, with a validation
 * error shown where a form has one: 0 critical and 0 serious axe violations, and no id used twice.
 */
describe('browser: accessibility (axe-core) and unique ids on every page of every demo role', function () {
  this.timeout(900_000);
  let base: string;
  const findings: Finding[] = [];

  const suite = browserSuite(async () => {
    base = suite.server.url;
    const api = await loginAs(suite.server.app, 'terapeut.aarhus@demo.dk');
    const full = await createThroughForm(api, '010170-1001', { patient_name: 'Åse Ørsted' });
    await saveSection(api, full, 'opstart', { ...OPSTART, test_type: 'none', test_start_value: '', test_not_done_reason: 'declined' });
    await saveSection(api, full, 'indsatser', { ...INDSATSER, psych_followup: 'none' });
    await createThroughForm(api, '020270-1002', { referral_date: '01.02.2024' });
  });

  const checked: Checked = new Map();
  for (const user of CRAWLED) {
    it(`${user.roles.join(', ')} (${user.email}): every page reached`, async () => {
      const started = Date.now();
      const context = await suite.browser.newContext({ viewport: { width: WIDTHS[0], height: 900 } });
      const page = await context.newPage();
      await logIn(page, base, user.email, PASSWORD);
      await crawl(page, base, user.email, findings, checked);
      await context.close();
      console.log(`      crawl ${user.email}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    });
  }

  it('therapist: the course page with every section open, and with a validation error shown', async () => {
    const role = 'terapeut.aarhus@demo.dk';
    const page = await (await suite.browser.newContext({ viewport: { width: WIDTHS[0], height: 900 } })).newPage();
    await logIn(page, base, role, PASSWORD);
    await page.goto(base + '/forloeb/1');
    await check(page, role, '/forloeb/1', findings, true);
    await page.goto(base + '/forloeb/2');
    await unfold(page);
    await page.fill('#start_date', '32.13.2024');
    await page.click('section#opstart button.button-primary');
    await page.waitForSelector('.error-summary');
    await check(page, role, '/forloeb/2 (400, opstart)', findings, true);
  });

  it('therapist: forms with a validation error shown (new course, annul, password)', async () => {
    const role = 'terapeut.aarhus@demo.dk';
    const page = await (await suite.browser.newContext({ viewport: { width: WIDTHS[0], height: 900 } })).newPage();
    await logIn(page, base, role, PASSWORD);
    await page.goto(base + '/forloeb/nyt');
    await page.fill('#cpr', '123');
    await page.click('main button[type=submit]');
    await page.waitForSelector('.error-summary');
    await check(page, role, '/forloeb/nyt (400)', findings);
    await page.fill('#cpr', '030370-1003');
    await page.click('main button[type=submit]');
    await page.waitForSelector('#referral_date');
    await check(page, role, '/forloeb/nyt (step 2)', findings);
    await page.click('main form.course-form button.button-primary');
    await page.waitForSelector('.error-summary');
    await check(page, role, '/forloeb/nyt (step 2, 400)', findings);
    await page.goto(base + '/forloeb/2/annuller');
    await page.click('main form button.button-primary');
    await page.waitForSelector('.error-summary');
    await check(page, role, '/forloeb/2/annuller (400)', findings);
    await page.goto(base + '/adgangskode');
    await page.click('main form button.button-primary');
    await page.waitForSelector('.error-summary');
    await check(page, role, '/adgangskode (400)', findings);
  });

  it('admin: the user form with errors', async () => {
    const role = 'admin@demo.dk';
    const page = await (await suite.browser.newContext({ viewport: { width: WIDTHS[0], height: 900 } })).newPage();
    await logIn(page, base, role, PASSWORD);
    await page.goto(base + '/admin/brugere/ny');
    await page.click('main form button.button-primary');
    await page.waitForSelector('.error-summary');
    await check(page, role, '/admin/brugere/ny (400)', findings);
  });

  it('the login page, anonymous and with an error', async () => {
    const page = await (await suite.browser.newContext({ viewport: { width: WIDTHS[0], height: 900 } })).newPage();
    await page.goto(base + '/log-ind');
    await check(page, 'anonymous', '/log-ind', findings);
    await page.click('button[type=submit].button-primary');
    await page.waitForSelector('.error-summary');
    await check(page, 'anonymous', '/log-ind (400)', findings);
  });

  it('0 critical, 0 serious, no duplicate id anywhere', () => {
    const bad = findings.filter((f) => f.critical.length || f.serious.length || f.duplicateIds.length);
    console.log(`      axe: ${findings.length} page checks, ${bad.length} with findings`);
    expect(findings.length).to.be.greaterThan(30);
    expect(bad.map((f) => `${f.role} ${f.page} @${f.width}: ${[...f.critical, ...f.serious, ...f.duplicateIds].join(' | ')}`)).to.deep.equal([]);
  });
});

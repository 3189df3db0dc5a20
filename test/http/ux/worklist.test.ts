import { expect } from 'chai';
import { loginAs, testApp, type TestApp } from '../../helpers/app';
import { addDays, today } from '../../../server/time';
import { cprNo, createThroughForm, OPSTART, saveSection, therapist } from '../courses/pages-helpers';

const dk = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const html = (text: string) => text.replace(/&#x3D;/g, '=');
const ids = (html: string) => [...html.matchAll(/<a href="\/forloeb\/(\d+)">/g)].map((m) => Number(m[1]));

/** Issue 10 §4: the worklist leads (overdue first, 50 a page, filters) and the start page counts what needs action. */
describe('worklist and start page', () => {
  let t: TestApp;
  const made: Record<string, number> = {};
  before(async () => {
    t = await testApp();
    const u = await therapist(t.app);
    const cpr = (i: number) => `${String(1 + (i % 28)).padStart(2, '0')}0${1 + Math.floor(i / 28)}55-1${String(i).padStart(3, '0')}`;
    // 3 old started courses, 2 overdue referrals, 50 recent referrals (not overdue: under 14 days).
    for (let i = 0; i < 3; i++) {
      made[`started${i}`] = await createThroughForm(u, cpr(i), { referral_date: dk(addDays(today(), -120 + i)) });
      expect((await saveSection(u, made[`started${i}`], 'opstart', { ...OPSTART, smoking_start: '', start_date: dk(addDays(today(), -110 + i)) })).status).to.equal(303);
    }
    made.overdue1 = await createThroughForm(u, cpr(3), { referral_date: dk(addDays(today(), -20)) });
    made.overdue2 = await createThroughForm(u, cpr(4), { referral_date: dk(addDays(today(), -15)) });
    for (let i = 0; i < 50; i++) made[`recent${i}`] = await createThroughForm(u, cpr(5 + i), { referral_date: dk(addDays(today(), -13 + Math.floor(i / 4))) });
  });

  it('shows the overdue referrals first, then by referral_date, 50 a page with links to the next', async () => {
    const u = await therapist(t.app);
    const first = await u.agent.get('/arbejdsliste');
    const rows = ids(first.text);
    expect(rows.slice(0, 2)).to.deep.equal([made.overdue1, made.overdue2]);
    expect(rows).to.have.length(50);
    expect(rows[2]).to.equal(made.started0);
    expect(html(first.text)).to.contain('55 forløb').and.contain('href="/arbejdsliste?page=2"');
    const second = await u.agent.get('/arbejdsliste?page=2');
    expect(ids(second.text)).to.have.length(5);
    expect(ids(second.text).at(-1)).to.equal(made.recent49);
  });

  it('filters by state, by missing variable and to overdue only; unknown filter values are ignored', async () => {
    const u = await therapist(t.app);
    expect(ids((await u.agent.get('/arbejdsliste?overdue=1')).text)).to.deep.equal([made.overdue1, made.overdue2]);
    const active = ids((await u.agent.get('/arbejdsliste?state=active')).text);
    expect(active).to.have.members([made.started0, made.started1, made.started2]);
    const missing = ids((await u.agent.get('/arbejdsliste?missing=start_date&state=referred')).text);
    expect(missing).to.include(made.overdue1).and.not.include(made.started0);
    expect((await u.agent.get('/arbejdsliste?state=nonsense&missing=nonsense&page=x')).status).to.equal(200);
  });

  it('the start page counts what needs action, links into the worklist, and offers Nyt forløb to a therapist only', async () => {
    const u = await therapist(t.app);
    const start = html((await u.agent.get('/')).text);
    expect(start).to.contain('2 henvisninger venter over 14 dage').and.contain('href="/arbejdsliste?overdue=1"');
    expect(start).to.contain('55 forløb mangler data').and.contain('href="/arbejdsliste"');
    expect(start).to.contain('href="/forloeb/nyt"');
    const quality = (await (await loginAs(t.app, 'kvalitet.aarhus@demo.dk')).agent.get('/')).text;
    expect(quality).to.contain('2 henvisninger venter over 14 dage').and.not.contain('href="/forloeb/nyt"');
    const region = (await (await loginAs(t.app, 'kvalitet.midt@demo.dk')).agent.get('/')).text;
    expect(region).not.to.contain('venter over 14 dage');
  });
});

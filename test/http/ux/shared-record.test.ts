import { expect } from 'chai';
import { createUser, loginAs, type LoggedIn, testApp, type TestApp } from '../../helpers/app';
import { AFSLUTNING, cprNo, createThroughForm, HENVISNING, INDSATSER, OPSTART, postForm, saveSection, therapist } from '../courses/pages-helpers';

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&#x60;/g, '`')
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The hidden fields (version, seen) of one section's form on a course page, as the browser would send them. */
function hiddenOf(html: string, section: string): Record<string, string> {
  const form = html.slice(html.indexOf(`<section id="${section}"`)).split('</form>')[0];
  const get = (name: string) => unescape(new RegExp(`name="${name}" value="([^"]*)"`).exec(form)![1]);
  return { version: get('version'), seen: get('seen') };
}

const nameOnPage = async (u: LoggedIn, id: number) => /<p class="course-patient">[\s\S]*?·\s*([^<\n]+)/.exec((await u.agent.get(`/forloeb/${id}`)).text)?.[1].trim();

/**
 * Issue 10 §1: a value stored outside the course (the patient's name) changed by someone else meanwhile is never
 * silently overwritten by a stale form or PATCH. The same on both engines.
 */
describe('shared record: the patient name of two courses edited by two users', () => {
  let t: TestApp;
  let user1: LoggedIn;
  let user2: LoggedIn;
  let a: number;
  let b: number;
  const cpr = cprNo(30);
  const henvisningA = { ...HENVISNING(cpr) };
  const henvisningB = { ...HENVISNING(cpr), referral_date: '01.06.2024' };
  before(async () => {
    t = await testApp();
    user1 = await therapist(t.app);
    await createUser(t.db, { email: 'terapeut2.aarhus@test.dk', roles: ['therapist'], scope: '751', name: 'Anden Terapeut' });
    user2 = await loginAs(t.app, 'terapeut2.aarhus@test.dk');
    a = await createThroughForm(user1, cpr);
    for (const [s, f] of [['opstart', OPSTART], ['indsatser', INDSATSER], ['afslutning', AFSLUTNING]] as const) {
      expect((await saveSection(user1, a, s, f)).status).to.equal(303);
    }
    b = await createThroughForm(user1, cpr, { referral_date: '01.06.2024' });
  });

  it('user 1 changes only "Henvist fra" on A after user 2 renamed the patient through B: the new name stays, the audit names only the referral source', async () => {
    const pageA = (await user1.agent.get(`/forloeb/${a}`)).text;
    const rename = await saveSection(user2, b, 'henvisning', { ...henvisningB, patient_name: 'Karen Nyt-Navn' });
    expect(rename.status).to.equal(303);
    const res = await postForm(user1, `/forloeb/${a}/henvisning`, { ...hiddenOf(pageA, 'henvisning'), ...henvisningA, referral_source: 'gp' });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    expect(await nameOnPage(user1, a)).to.equal('Karen Nyt-Navn');
    expect(await nameOnPage(user1, b)).to.equal('Karen Nyt-Navn');
    const page = (await user1.agent.get(`/forloeb/${a}`)).text;
    expect(page).to.match(/Henvist fra[\s\S]*?value="gp" checked/);
    const audit = await t.db('audit_log').where({ action: 'course_update', entity_id: a }).orderBy('id', 'desc').first('detail');
    const detail = typeof audit.detail === 'string' ? JSON.parse(audit.detail) : audit.detail;
    expect(Object.keys(detail.changes)).to.deep.equal(['referral_source']);
  });

  it('both renamed the patient to different names: 409 with both names side by side; the newer name stays', async () => {
    const pageA = (await user1.agent.get(`/forloeb/${a}`)).text;
    expect((await saveSection(user2, b, 'henvisning', { ...henvisningB, patient_name: 'Karen Tredje' })).status).to.equal(303);
    const res = await postForm(user1, `/forloeb/${a}/henvisning`, { ...hiddenOf(pageA, 'henvisning'), ...henvisningA, patient_name: 'Karen Fjerde' });
    expect(res.status).to.equal(409);
    expect(res.text).to.contain('course-compare').and.contain('Karen Fjerde').and.contain('Karen Tredje');
    expect(await nameOnPage(user1, b)).to.equal('Karen Tredje');
  });

  it('the API: a PATCH of A with the version read before the rename through B gets 409 version_conflict with the course as stored', async () => {
    const read = await user1.agent.get(`/api/v1/courses/${a}`);
    expect((await saveSection(user2, b, 'henvisning', { ...henvisningB, patient_name: 'Karen Femte' })).status).to.equal(303);
    const res = await user1.agent.patch(`/api/v1/courses/${a}`).set('X-CSRF-Token', user1.csrf)
      .send({ patient_name: 'Karen Sjette', version: read.body.version });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('version_conflict');
    expect(res.body.error.current.patient_name).to.equal('Karen Femte');
    const again = await user1.agent.patch(`/api/v1/courses/${a}`).set('X-CSRF-Token', user1.csrf)
      .send({ patient_name: 'Karen Sjette', version: res.body.error.current.version });
    expect(again.status).to.equal(200);
    expect(await nameOnPage(user1, b)).to.equal('Karen Sjette');
  });
});

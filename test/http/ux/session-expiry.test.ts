import { expect } from 'chai';
import { testApp, type TestApp } from '../../helpers/app';
import { cprNo, createThroughForm, OPSTART, postForm, therapist, versionOf } from '../courses/pages-helpers';

/** Issue 10 §1: a form sent after the session ended leads to the login and back, never to "Formularen er udløbet". */
describe('a form sent after the session ended', () => {
  let t: TestApp;
  before(async () => { t = await testApp(); });

  it('goes to the login with the reason and the way back to the same form; nothing is saved', async () => {
    const u = await therapist(t.app);
    const id = await createThroughForm(u, cprNo(40));
    const page = await u.agent.get(`/forloeb/${id}`);
    await t.db('sessions').update({ expires_at: new Date(Date.now() - 1000).toISOString() });
    const res = await postForm(u, `/forloeb/${id}/opstart`, { version: versionOf(page.text), ...OPSTART });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/log-ind?next=${encodeURIComponent(`/forloeb/${id}/opstart`)}&udloebet=1`);
    const login = await u.agent.get(res.headers.location);
    expect(login.text).to.contain('Du er blevet logget ud efter 30 minutter uden aktivitet.');
    expect(login.text).to.contain(`name="next" value="/forloeb/${id}/opstart"`);
    const row = await t.db('courses').where('id', id).first('start_date', 'version');
    expect(row.start_date).to.equal(null);
    expect(row.version).to.equal(1);
  });

  it('the save address opened as a page leads to its section; an unknown section is 404', async () => {
    const u = await therapist(t.app);
    const id = await createThroughForm(u, cprNo(41));
    const res = await u.agent.get(`/forloeb/${id}/opstart`);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`/forloeb/${id}#opstart`);
    expect((await u.agent.get(`/forloeb/${id}/nothing`)).status).to.equal(404);
  });

  it('a forged form without a session stays refused (403), and the login form itself is still checked', async () => {
    const anon = (await import('supertest')).default.agent(t.app);
    expect((await anon.post('/forloeb/1/opstart').type('form').send({ _csrf: 'x' })).status).to.equal(403);
    expect((await anon.post('/log-ind').type('form').send({ email: 'a@b.dk', password: 'x', _csrf: 'x' })).status).to.equal(403);
  });

  it('"Forbliv logget ind": POST /session/forny answers 204 with the CSRF token, 403 without, and leads to login once the session ended', async () => {
    const u = await therapist(t.app);
    expect((await u.agent.post('/session/forny').set('X-CSRF-Token', u.csrf)).status).to.equal(204);
    expect((await u.agent.post('/session/forny')).status).to.equal(403);
    await t.db('sessions').update({ expires_at: new Date(Date.now() - 1000).toISOString() });
    const ended = await u.agent.post('/session/forny').set('X-CSRF-Token', u.csrf);
    expect(ended.status).to.equal(303);
    expect(ended.headers.location).to.match(/^\/log-ind\?/);
  });

  it('the layout carries the idle timeout and the warning texts for a logged-in page, none on the login page', async () => {
    const u = await therapist(t.app);
    const page = await u.agent.get('/forloeb');
    expect(page.text).to.contain('data-idle-seconds="1740"').and.contain('data-warn-seconds="120"').and.contain('Forbliv logget ind');
    expect(page.text).to.contain('Du bliver logget ud om 2 minutter');
    const login = await (await import('supertest')).default(t.app).get('/log-ind');
    expect(login.text).not.to.contain('data-idle-seconds');
  });
});

import { expect } from 'chai';
import request from 'supertest';
import { loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { cprNo, createThroughForm, OPSTART, postForm, saveSection, therapist } from './pages-helpers';

describe('course pages: who may see and change what', () => {
  let t: TestApp;
  let aarhus: LoggedIn;
  let randers: LoggedIn;
  let aarhusCourse: number;
  let randersCourse: number;
  before(async () => {
    t = await testApp();
    aarhus = await therapist(t.app);
    randers = await loginAs(t.app, 'terapeut.randers@demo.dk');
    aarhusCourse = await createThroughForm(aarhus, cprNo(20), { patient_name: 'Aarhus Borger' });
    randersCourse = await createThroughForm(randers, cprNo(21), { patient_name: 'Randers Borger' });
  });

  it('a therapist of another municipality gets 404 for the course page and for a save, audited', async () => {
    const page = await randers.agent.get(`/forloeb/${aarhusCourse}`);
    const save = await postForm(randers, `/forloeb/${aarhusCourse}/opstart`, { version: '1', ...OPSTART });

    expect(page.status).to.equal(404);
    expect(page.text).not.to.contain('Aarhus Borger');
    expect(save.status).to.equal(404);
    const denied = await t.db('audit_log').where({ action: 'access_denied', entity_id: String(aarhusCourse) });
    expect(denied.length).to.be.at.least(2);
  });

  it('a quality user of the municipality reads the course (200, no forms) but a save is 403', async () => {
    const quality = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');

    const page = await quality.agent.get(`/forloeb/${aarhusCourse}`);
    const save = await postForm(quality, `/forloeb/${aarhusCourse}/opstart`, { version: '1', ...OPSTART });
    const annul = await postForm(quality, `/forloeb/${aarhusCourse}/annuller`, { version: '1', reason: 'x' });
    const newPage = await quality.agent.get('/forloeb/nyt');

    expect(page.status).to.equal(200);
    expect(page.text).to.contain('Aarhus Borger').and.contain('Du kan se forløbet, men ikke ændre det.');
    expect(page.text).not.to.contain('<form method="post" action="/forloeb/');
    expect(save.status).to.equal(403);
    expect(annul.status).to.equal(403);
    expect(newPage.status).to.equal(403);
  });

  it('a region-scope user gets 403 on the list, the worklist and a course page', async () => {
    const region = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const statuses = [
      (await region.agent.get('/forloeb')).status,
      (await region.agent.get('/arbejdsliste')).status,
      (await region.agent.get(`/forloeb/${aarhusCourse}`)).status,
      (await postForm(region, '/forloeb', { q: cprNo(20) })).status,
    ];

    expect(statuses).to.deep.equal([403, 403, 403, 403]);
  });

  it('anonymous requests to the course pages are redirected to login', async () => {
    const list = await request(t.app).get('/forloeb');
    const course = await request(t.app).get(`/forloeb/${aarhusCourse}`);

    expect(list.status).to.equal(303);
    expect(list.headers.location).to.equal('/log-ind?next=%2Fforloeb');
    expect(course.status).to.equal(303);
    expect(course.headers.location).to.match(/^\/log-ind\?next=/);
  });

  it('the list and the worklist show only the municipality’s own courses', async () => {
    const list = await aarhus.agent.get('/forloeb');
    const work = await aarhus.agent.get('/arbejdsliste');

    expect(list.status).to.equal(200);
    expect(list.text).to.contain(`href="/forloeb/${aarhusCourse}"`).and.not.contain(`href="/forloeb/${randersCourse}"`);
    expect(work.status).to.equal(200);
    expect(work.text).to.contain(`href="/forloeb/${aarhusCourse}"`).and.not.contain(`href="/forloeb/${randersCourse}"`);
    expect(list.text).not.to.contain('Randers Borger');
  });

  it('a CPR search by POST finds the course; a CPR in the query string is never used as a search', async () => {
    const found = await postForm(aarhus, '/forloeb', { q: cprNo(20) });
    const other = await postForm(aarhus, '/forloeb', { q: cprNo(21) });
    const viaUrl = await aarhus.agent.get(`/forloeb?q=${cprNo(20)}`);

    expect(found.status).to.equal(200);
    expect(found.text).to.contain('role="status">1 forløb<').and.contain(`href="/forloeb/${aarhusCourse}"`);
    expect(other.text).to.contain('Ingen forløb matcher.');
    expect(viaUrl.text).to.contain('name="q" type="search" value=""');
  });

  it('the list filters by state (GET) and keeps the chosen filter selected', async () => {
    const started = await createThroughForm(aarhus, cprNo(22));
    await saveSection(aarhus, started, 'opstart', OPSTART);

    const active = await aarhus.agent.get('/forloeb?state=active');

    expect(active.text).to.contain(`href="/forloeb/${started}"`).and.not.contain(`href="/forloeb/${aarhusCourse}"`);
    expect(active.text).to.match(/<option value="active" selected>/);
  });

  it('the worklist lists incomplete courses oldest first, with missing variables by label and overdue referrals marked', async () => {
    const older = await createThroughForm(aarhus, cprNo(23), { referral_date: '01.06.2023' });

    const res = await aarhus.agent.get('/arbejdsliste');

    expect(res.text.indexOf(`href="/forloeb/${older}"`)).to.be.lessThan(res.text.indexOf(`href="/forloeb/${aarhusCourse}"`));
    expect(res.text).to.contain('Dato for opstartssamtale');
    expect(res.text).to.contain('class="course-overdue"').and.contain('Ikke startet efter 14 dage');
  });
});

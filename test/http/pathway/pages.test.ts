import { expect } from 'chai';
import { createUser, loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { aCpr, daysAgo } from '../../integration/courses/helpers';

describe('Henvisninger uden forløb and Opret forløb (pathway.md §6)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let auh: LoggedIn;
  let therapist: LoggedIn;
  let quality: LoggedIn;
  let lostId: number;
  let cpr: string;
  before(async () => {
    t = await testApp();
    await t.db('municipalities').where('code', '751').update({ registering_since: '2020-01-01' });
    await createUser(t.db, { email: 'pg.auh@test.dk', roles: ['hospital'], scope: 'P108201' });
    auh = await loginAs(t.app, 'pg.auh@test.dk');
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    quality = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');
    cpr = aCpr();
    const send = (body: object) => auh.agent.post('/api/v1/referrals').set('X-CSRF-Token', auh.csrf).send(body);
    lostId = (await send({ referral_id: 'L1', cpr, municipality_code: '751', referral_date: daysAgo(40), diagnosis_group: 'ihd', ihd_treatment: 'pci', icd10: 'DI219' })).body.referral.id;
    await send({ referral_id: 'O1', cpr: aCpr(), municipality_code: '751', referral_date: daysAgo(20), diagnosis_group: 'heart_failure' });
  });

  it('lists lost and overdue referrals oldest first, with text beside the colour', async () => {
    const res = await therapist.agent.get('/henvisninger-uden-forloeb');
    expect(res.status).to.equal(200);
    const lost = res.text.indexOf('Tabt i overgangen');
    const overdue = res.text.indexOf('Overskredet');
    expect(lost).to.be.greaterThan(0);
    expect(overdue).to.be.greaterThan(lost);
    expect(res.text).to.contain(`/forloeb/nyt?henvisning=${lostId}`);
    expect(res.text).to.contain('aria-label="2 overskredne"');
    const q = await quality.agent.get('/henvisninger-uden-forloeb');
    expect(q.status).to.equal(200);
    expect(q.text).not.to.contain('/forloeb/nyt?henvisning=');
  });

  it('hospital users get 403 on the list and the course pages', async () => {
    expect((await auh.agent.get('/henvisninger-uden-forloeb')).status).to.equal(403);
    expect((await auh.agent.get('/forloeb')).status).to.equal(403);
    expect((await auh.agent.get('/arbejdsliste')).status).to.equal(403);
  });

  it('Opret forløb pre-fills Henvisning; the saved course matches and the row leaves the list', async () => {
    const form = await therapist.agent.get(`/forloeb/nyt?henvisning=${lostId}`);
    expect(form.status).to.equal(200);
    expect(form.text).to.contain(`${cpr.slice(0, 6)}-${cpr.slice(6)}`);
    expect(form.text).to.contain('DI219');
    const created = await therapist.agent.post('/api/v1/courses').set('X-CSRF-Token', therapist.csrf)
      .send({ cpr, referral_date: daysAgo(38), referral_source: 'hospital', diagnosis_group: 'ihd', ihd_treatment: 'pci' });
    expect(created.status).to.equal(201);
    expect((await t.db('referrals').where('id', lostId).first()).course_id).to.equal(created.body.id);
    expect((await therapist.agent.get('/henvisninger-uden-forloeb')).text).not.to.contain(`henvisning=${lostId}`);
    const page = await therapist.agent.get(`/forloeb/${created.body.id}`);
    expect(page.text).to.contain('data-referral-origin');
    expect(page.text).to.contain(`Henvist fra Aarhus Universitetshospital, Hjertesygdomme den ${daysAgo(40).split('-').reverse().join('.')}`);
    const other = await therapist.agent.post('/api/v1/courses').set('X-CSRF-Token', therapist.csrf)
      .send({ cpr: aCpr(), referral_date: daysAgo(38), referral_source: 'hospital', diagnosis_group: 'ihd', ihd_treatment: 'pci' });
    expect((await therapist.agent.get(`/forloeb/${other.body.id}`)).text).not.to.contain('data-referral-origin');
  });

  it('the pathway page: a department sees its referrals per municipality, a therapist its hospitals; both download', async () => {
    const h = await auh.agent.get('/forloebsvej?period=' + daysAgo(40).slice(0, 4));
    expect(h.status).to.equal(200);
    expect(h.text).to.contain('Aarhus (751)');
    expect(h.text).to.contain('Tværsektorielt forløb');
    const m = await therapist.agent.get('/forloebsvej');
    expect(m.status).to.equal(200);
    expect(m.text).to.contain('P108201');
    expect((await auh.agent.get('/forloebsvej?period=bad')).status).to.equal(400);
  });

  it('a referral of another municipality is 404 in the pre-fill', async () => {
    expect((await therapist.agent.get('/forloeb/nyt?henvisning=999999')).status).to.equal(404);
  });
});

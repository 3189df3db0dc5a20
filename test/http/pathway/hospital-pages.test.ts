import { expect } from 'chai';
import request from 'supertest';
import { createUser, loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { aCpr, daysAgo } from '../../integration/courses/helpers';

describe('Hospital pages: Mine henvisninger and Importér henvisninger (pathway.md §6)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let auh: LoggedIn;
  let randers: LoggedIn;
  let midt: LoggedIn;
  let therapist: LoggedIn;
  let admin: LoggedIn;
  let others: LoggedIn[];
  let cpr: string;
  let id: number;
  const denials = async () => Number((await t.db('audit_log').where('action', 'access_denied').count({ n: '*' }))[0].n);
  before(async () => {
    t = await testApp();
    await t.db('municipalities').where('code', '751').update({ registering_since: '2020-01-01' });
    await createUser(t.db, { email: 'hp.auh@test.dk', roles: ['hospital'], scope: 'P108201' });
    await createUser(t.db, { email: 'hp.randers@test.dk', roles: ['hospital'], scope: 'P108203' });
    await createUser(t.db, { email: 'hp.midt@test.dk', roles: ['hospital'], scope: '1082' });
    [auh, randers, midt] = await Promise.all(['hp.auh@test.dk', 'hp.randers@test.dk', 'hp.midt@test.dk'].map((e) => loginAs(t.app, e)));
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    admin = await loginAs(t.app, 'admin@demo.dk');
    await createUser(t.db, { email: 'hp.dk@test.dk', roles: ['hospital'], scope: 'DK' });
    others = [therapist, admin, await loginAs(t.app, 'kvalitet.aarhus@demo.dk'), await loginAs(t.app, 'indberetter.aarhus@demo.dk'),
      await loginAs(t.app, 'hp.dk@test.dk')];
    cpr = aCpr();
    const res = await auh.agent.post('/api/v1/referrals').set('X-CSRF-Token', auh.csrf)
      .send({ referral_id: 'MINE-1', cpr, municipality_code: '751', referral_date: daysAgo(40), diagnosis_group: 'ihd' });
    id = res.body.referral.id;
  });

  it('every route answers 401/403 for all but hospital users with a department or region scope (DK too); refusals are audited', async () => {
    for (const path of ['/mine-henvisninger', '/henvisninger/import']) {
      expect((await request(t.app).get(path)).status).to.be.oneOf([302, 303, 401]);
      for (const u of others) {
        const before = await denials();
        expect((await u.agent.get(path)).status, path).to.equal(403);
        expect(await denials()).to.equal(before + 1);
      }
    }
    for (const u of others) {
      const post = await u.agent.post(`/mine-henvisninger/${id}/traek-tilbage`).type('form').send({ _csrf: u.csrf, version: 1 });
      expect(post.status).to.equal(403);
    }
    expect(Boolean((await t.db('referrals').where('id', id).first()).withdrawn)).to.equal(false);
    const imp = await therapist.agent.post('/henvisninger/import').field('_csrf', therapist.csrf).attach('file', Buffer.from('a\n1\n'), 'h.csv');
    expect(imp.status).to.equal(403);
  });

  it('Mine henvisninger lists the scope\'s referrals with values, never a status or course; search by CPR or id', async () => {
    const own = await auh.agent.get('/mine-henvisninger');
    expect(own.status).to.equal(200);
    expect(own.text).to.contain('MINE-1').and.to.contain(`${cpr.slice(0, 6)}-${cpr.slice(6)}`);
    expect(own.text).not.to.match(/Tabt i overgangen|\/forloeb\/\d/);
    expect((await midt.agent.get('/mine-henvisninger')).text).to.contain('MINE-1');
    expect((await randers.agent.get('/mine-henvisninger')).text).not.to.contain('MINE-1');
    expect((await auh.agent.get(`/mine-henvisninger?q=${cpr}`)).text).to.contain('MINE-1');
    expect((await auh.agent.get('/mine-henvisninger?q=MINE-1')).text).to.contain('data-referral="' + id + '"');
    expect((await auh.agent.get('/mine-henvisninger?q=NOPE')).text).not.to.contain('data-referral=');
    expect((await auh.agent.get('/mine-henvisninger?side=x')).status).to.equal(400);
    const reads = await t.db('audit_log').where({ action: 'referral_read', entity_id: String(id) }).count({ n: '*' }).first();
    expect(Number(reads!.n)).to.be.greaterThan(0);
  });

  it('Træk tilbage: another department gets 404; a stale version 409 keeping the page; the owner withdraws', async () => {
    const other = await randers.agent.post(`/mine-henvisninger/${id}/traek-tilbage`).type('form').send({ _csrf: randers.csrf, version: 1, reason: 'x' });
    expect(other.status).to.equal(404);
    const stale = await auh.agent.post(`/mine-henvisninger/${id}/traek-tilbage`).type('form').send({ _csrf: auh.csrf, version: 7, reason: 'x' });
    expect(stale.status).to.equal(409);
    expect(stale.text).to.contain('ændret af en anden');
    const ok = await auh.agent.post(`/mine-henvisninger/${id}/traek-tilbage`).type('form').send({ _csrf: auh.csrf, version: 1, reason: 'Fejlsendt' });
    expect(ok.status).to.equal(303);
    const row = await t.db('referrals').where('id', id).first();
    expect(Boolean(row.withdrawn)).to.equal(true);
    expect(row.withdrawal_reason).to.equal('Fejlsendt');
    expect((await auh.agent.get('/mine-henvisninger')).text).not.to.contain('MINE-1');
    expect((await auh.agent.get('/mine-henvisninger?q=MINE-1')).text).to.contain('Trukket tilbage');
  });

  it('the import page: CSRF field before the file, dry run, commit, and the same file again is all unchanged without audit rows', async () => {
    const csv = Buffer.from(`referral_id;cpr;municipality_code;referral_date;diagnosis_group\nUP-1;${aCpr()};751;${daysAgo(10)};ihd\nUP-2;${aCpr()};751;${daysAgo(12)};heart_failure\n`);
    expect((await auh.agent.get('/henvisninger/import')).text).to.contain('name="_csrf"');
    const noCsrf = await auh.agent.post('/henvisninger/import').attach('file', csv, 'h.csv');
    expect(noCsrf.status).to.equal(403);
    const dry = await auh.agent.post('/henvisninger/import?dry_run=1').field('_csrf', auh.csrf).attach('file', csv, 'h.csv');
    expect(dry.status).to.equal(200);
    expect(dry.text).to.contain('Prøvekørsel: alle 2 rækker er gyldige');
    expect(await t.db('referrals').where('referral_id', 'UP-1').first()).to.equal(undefined);
    const done = await auh.agent.post('/henvisninger/import').field('_csrf', auh.csrf).attach('file', csv, 'h.csv');
    expect(done.status).to.equal(200);
    expect(done.text).to.contain('Importeret: 2 oprettet');
    const audits = async () => Number((await t.db('audit_log').whereIn('action', ['referral_create', 'referral_update']).count({ n: '*' }))[0].n);
    const before = await audits();
    const again = await auh.agent.post('/henvisninger/import').field('_csrf', auh.csrf).attach('file', csv, 'h.csv');
    expect(again.text).to.contain('2 uændrede');
    expect(await audits()).to.equal(before);
    const bad = await midt.agent.post('/henvisninger/import').field('_csrf', midt.csrf).attach('file', csv, 'h.csv');
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('sor_code');
    const none = await auh.agent.post('/henvisninger/import').field('_csrf', auh.csrf);
    expect(none.status).to.equal(400);
  });
});

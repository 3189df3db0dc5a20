import { expect } from 'chai';
import request from 'supertest';
import { createUser, loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';

describe('Administration: Hospitalsafdelinger and Kommuners registrering (pathway.md §1)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let admin: LoggedIn;
  let localAdmin: LoggedIn;
  let hospitalUser: LoggedIn;
  let therapist: LoggedIn;
  before(async () => {
    t = await testApp();
    await createUser(t.db, { email: 'adm.dk@test.dk', roles: ['admin'], scope: 'DK' });
    await createUser(t.db, { email: 'adm.751@test.dk', roles: ['admin'], scope: '751' });
    await createUser(t.db, { email: 'adm.hosp@test.dk', roles: ['hospital'], scope: 'DK' });
    [admin, localAdmin, hospitalUser] = await Promise.all(['adm.dk@test.dk', 'adm.751@test.dk', 'adm.hosp@test.dk'].map((e) => loginAs(t.app, e)));
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
  });
  const form = (u: LoggedIn, path: string, body: Record<string, string>) => u.agent.post(path).type('form').send({ _csrf: u.csrf, ...body });

  it('every route is 401 anonymous and 403 for all but an admin with scope DK', async () => {
    const gets = ['/admin/hospitalsafdelinger', '/admin/hospitalsafdelinger/P108201', '/admin/kommuner'];
    const posts = ['/admin/hospitalsafdelinger', '/admin/hospitalsafdelinger/P108201', '/admin/hospitalsafdelinger/P108201/deaktiver',
      '/admin/hospitalsafdelinger/P108201/omkod', '/admin/kommuner/751'];
    for (const p of gets) {
      expect((await request(t.app).get(p)).status).to.be.oneOf([302, 303, 401]);
      for (const u of [localAdmin, hospitalUser, therapist]) expect((await u.agent.get(p)).status, p).to.equal(403);
      expect((await admin.agent.get(p)).status, p).to.equal(200);
    }
    for (const p of posts) for (const u of [localAdmin, hospitalUser, therapist]) expect((await form(u, p, {})).status, p).to.equal(403);
    expect((await admin.agent.get('/admin/hospitalsafdelinger/P999999')).status).to.equal(404);
    expect((await localAdmin.agent.get('/admin/brugere')).text).not.to.contain('/admin/hospitalsafdelinger');
  });

  it('add: a bad code keeps what was typed with a Danish message; a good one is listed and audited', async () => {
    const bad = await form(admin, '/admin/hospitalsafdelinger', { sor_code: '0123', name: 'Ny afdeling', region_code: '1082' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('value="Ny afdeling"').and.to.contain('Skriv en SOR-kode');
    const taken = await form(admin, '/admin/hospitalsafdelinger', { sor_code: 'P108201', name: 'X', region_code: '1082' });
    expect(taken.text).to.contain('Koden findes allerede');
    const ok = await form(admin, '/admin/hospitalsafdelinger', { sor_code: 'P108299', name: 'Ny afdeling', region_code: '1082', cluster_code: 'aarhus' });
    expect(ok.status).to.equal(303);
    const row = await t.db('hospitals').where('sor_code', 'P108299').first();
    expect(row).to.include({ name: 'Ny afdeling', sor_status: 'placeholder', cluster_code: 'aarhus' });
    expect((await admin.agent.get('/admin/hospitalsafdelinger')).text).to.contain('data-sor="P108299"');
    expect(await t.db('audit_log').where({ action: 'hospital_add', entity_id: 'P108299' }).first()).to.not.equal(undefined);
  });

  it('edit, deactivate and recode as the CLI does', async () => {
    expect((await form(admin, '/admin/hospitalsafdelinger/P108299', { name: '', sor_status: 'placeholder' })).status).to.equal(400);
    expect((await form(admin, '/admin/hospitalsafdelinger/P108299', { name: 'Omdøbt', sor_status: 'placeholder', source: 'test' })).status).to.equal(303);
    expect((await t.db('hospitals').where('sor_code', 'P108299').first()).name).to.equal('Omdøbt');
    expect((await form(admin, '/admin/hospitalsafdelinger/P108299/deaktiver', {})).status).to.equal(303);
    expect(Boolean((await t.db('hospitals').where('sor_code', 'P108299').first()).active)).to.equal(false);
    const badTo = await form(admin, '/admin/hospitalsafdelinger/P108299/omkod', { to: 'abc' });
    expect(badTo.status).to.equal(400);
    expect(badTo.text).to.contain('value="abc"');
    expect((await form(admin, '/admin/hospitalsafdelinger/P108299/omkod', { to: '1234567890123' })).status).to.equal(303);
    expect(await t.db('hospitals').where('sor_code', 'P108299').first()).to.equal(undefined);
    expect((await t.db('hospitals').where('sor_code', '1234567890123').first()).sor_status).to.equal('unconfirmed');
  });

  it('registering_since: set as dd.mm.åååå, cleared when empty, a bad date kept with a message', async () => {
    expect((await form(admin, '/admin/kommuner/751', { registering_since: '01.02.2024' })).status).to.equal(303);
    expect(String((await t.db('municipalities').where('code', '751').first()).registering_since)).to.match(/2024-02-01|Feb 01 2024/);
    const bad = await form(admin, '/admin/kommuner/751', { registering_since: '31.02.2024' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.contain('value="31.02.2024"').and.to.contain('Skriv en gyldig dato');
    expect((await form(admin, '/admin/kommuner/751', { registering_since: '' })).status).to.equal(303);
    expect((await t.db('municipalities').where('code', '751').first()).registering_since).to.equal(null);
    expect((await form(admin, '/admin/kommuner/999', { registering_since: '' })).status).to.equal(404);
    expect(Number((await t.db('audit_log').where({ action: 'registering_since', entity_id: '751' }).count({ n: '*' }).first())!.n)).to.equal(2);
  });
});

import { expect } from 'chai';
import request from 'supertest';
import { issueToken } from '../../../server/auth/tokens';
import { createUser, csrfFrom, loginAs, LoggedIn, randomEmail, testApp, TestApp } from '../../helpers/app';

describe('admin: users', () => {
  let t: TestApp;
  let dk: LoggedIn;
  let aarhus: LoggedIn;
  let aarhusAdminId: number;
  before(async () => {
    t = await testApp();
    aarhusAdminId = await createUser(t.db, { email: 'admin.aarhus@test.dk', roles: ['admin'], scope: '751' });
    dk = await loginAs(t.app, 'admin@demo.dk');
    aarhus = await loginAs(t.app, 'admin.aarhus@test.dk');
  });

  const auditOf = (action: string, entityId: number) =>
    t.db('audit_log').where({ action, entity: 'user', entity_id: String(entityId) }).orderBy('id');

  it('anonymous request for /admin/brugere is redirected to login', async () => {
    const res = await request(t.app).get('/admin/brugere');

    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/log-ind?next=%2Fadmin%2Fbrugere');
  });

  it('a therapist gets 403 on every admin page', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    for (const path of ['/admin/brugere', '/admin/brugere/ny', '/admin/brugere/1', '/admin/noegler', '/admin/log']) {
      expect((await agent.get(path)).status, path).to.equal(403);
    }
  });

  it('the user list of an admin of 751 holds only users with scope 751', async () => {
    const res = await aarhus.agent.get('/admin/brugere');

    expect(res.status).to.equal(200);
    expect(res.text).to.contain('terapeut.aarhus@demo.dk');
    expect(res.text).not.to.contain('terapeut.randers@demo.dk');
    expect(res.text).not.to.contain('kvalitet.midt@demo.dk');
  });

  it('the DK admin creates a user and sees the one-time password once; the change is audited without a password', async () => {
    const email = randomEmail('ny');

    const res = await dk.agent.post('/admin/brugere/ny').type('form')
      .send({ _csrf: dk.csrf, email, name: 'Ny Terapeut', roles: ['therapist', 'quality'], scope: '751' });

    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    const password = /data-secret>([^<]+)</.exec(res.text)?.[1];
    expect(password).to.have.length(16);
    const user = await t.db('users').where('email', email).first();
    expect(Boolean(user.must_change_password)).to.equal(true);
    const [row] = await auditOf('user_create', user.id);
    expect(row.actor_email).to.equal('admin@demo.dk');
    expect(row.record_scope).to.equal('751');
    expect(JSON.parse(row.detail).new).to.deep.include({ email, roles: ['quality', 'therapist'], scope: '751' });
    expect(row.detail).not.to.contain(password);
  });

  it('an admin of 751 cannot create a DK user: 400 with a Danish message at the scope field, nothing stored', async () => {
    const email = randomEmail('dk');

    const res = await aarhus.agent.post('/admin/brugere/ny').type('form')
      .send({ _csrf: aarhus.csrf, email, name: 'Landsbruger', roles: 'quality', scope: 'DK' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('id="scope-error"');
    expect(res.text).to.contain('Du kan kun give adgang inden for dit eget område.');
    expect(res.text).to.contain(`value="${email}"`);
    expect(await t.db('users').where('email', email)).to.have.length(0);
    expect(await t.db('audit_log').where('action', 'user_create').where('detail', 'like', `%${email}%`)).to.have.length(0);
  });

  it('a therapist with a region scope is refused with 400 at the roles field', async () => {
    const res = await dk.agent.post('/admin/brugere/ny').type('form')
      .send({ _csrf: dk.csrf, email: randomEmail('region'), name: 'Regionsterapeut', roles: 'therapist', scope: '1082' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Rollen terapeut kræver, at området er én kommune.');
  });

  it('bad input answers 400 with an error summary, messages at each field and everything typed kept', async () => {
    const res = await dk.agent.post('/admin/brugere/ny').type('form')
      .send({ _csrf: dk.csrf, email: 'ikke-en-mail', name: '', scope: '751' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Der er fejl i formularen');
    expect(res.text).to.contain('href="#email"');
    expect(res.text).to.contain('Skriv en gyldig e-mailadresse');
    expect(res.text).to.contain('Udfyld navn.');
    expect(res.text).to.contain('Vælg mindst én rolle.');
    expect(res.text).to.contain('value="ikke-en-mail"');
    expect(res.text).to.match(/<option value="751" selected>/);
  });

  it('an existing email is refused with 400 at the email field', async () => {
    const res = await dk.agent.post('/admin/brugere/ny').type('form')
      .send({ _csrf: dk.csrf, email: 'Terapeut.Aarhus@demo.dk', name: 'Dublet', roles: 'quality', scope: '751' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Der findes allerede en bruger med denne e-mail.');
  });

  it('an admin of 751 gets 404 for a user in 730, on the page and on every action', async () => {
    const randers = await t.db('users').where('email', 'terapeut.randers@demo.dk').first();

    const page = await aarhus.agent.get(`/admin/brugere/${randers.id}`);
    const edit = await aarhus.agent.post(`/admin/brugere/${randers.id}`).type('form').send({ _csrf: aarhus.csrf, name: 'X', roles: 'quality', scope: '751' });
    const off = await aarhus.agent.post(`/admin/brugere/${randers.id}/deaktiver`).type('form').send({ _csrf: aarhus.csrf });
    const reset = await aarhus.agent.post(`/admin/brugere/${randers.id}/nulstil-adgangskode`).type('form').send({ _csrf: aarhus.csrf });

    expect([page.status, edit.status, off.status, reset.status]).to.deep.equal([404, 404, 404, 404]);
    expect((await t.db('users').where('id', randers.id).first()).name).to.equal('Terapeut Randers');
    expect(await auditOf('password_reset', randers.id)).to.have.length(0);
  });

  it('an admin removes a user\'s single sign-on link from the user page (audited); outside the scope 404, unchanged', async () => {
    const id = await createUser(t.db, { email: randomEmail('sso'), roles: ['therapist'], scope: '751' });
    await t.db('users').where('id', id).update({ oidc_issuer: 'https://login.aarhus.test', oidc_sub: 'sub-1' });
    const randers = await t.db('users').where('email', 'terapeut.randers@demo.dk').first();
    await t.db('users').where('id', randers.id).update({ oidc_issuer: 'https://login.randers.test', oidc_sub: 'sub-2' });

    const page = await aarhus.agent.get(`/admin/brugere/${id}`);
    expect(page.text).to.contain('Koblet til https://login.aarhus.test');
    expect(page.text).to.contain(`action="/admin/brugere/${id}/fjern-sso"`);
    const outside = await aarhus.agent.post(`/admin/brugere/${randers.id}/fjern-sso`).type('form').send({ _csrf: aarhus.csrf });
    const done = await aarhus.agent.post(`/admin/brugere/${id}/fjern-sso`).type('form').send({ _csrf: aarhus.csrf });
    const after = await aarhus.agent.get(`/admin/brugere/${id}`);
    const again = await aarhus.agent.post(`/admin/brugere/${id}/fjern-sso`).type('form').send({ _csrf: aarhus.csrf });

    expect([outside.status, done.status, again.status]).to.deep.equal([404, 303, 303]);
    expect(await t.db('users').where('id', id).first('oidc_issuer', 'oidc_sub')).to.deep.equal({ oidc_issuer: null, oidc_sub: null });
    expect((await t.db('users').where('id', randers.id).first()).oidc_sub).to.equal('sub-2');
    expect(after.text).to.contain('Kontoen er ikke længere koblet til single sign-on');
    expect(after.text).to.contain('Ikke koblet');
    expect(after.text).not.to.contain('/fjern-sso"');
    expect((await aarhus.agent.get(`/admin/brugere/${id}`)).text).to.contain('Kontoen var ikke koblet til single sign-on');
    const [row, ...more] = await auditOf('oidc_unlink', id);
    expect(more).to.have.length(0);
    expect(row.actor_email).to.equal('admin.aarhus@test.dk');
    expect(JSON.parse(row.detail).old).to.deep.equal({ issuer: 'https://login.aarhus.test', sub: 'sub-1' });
    expect(await auditOf('oidc_unlink', randers.id)).to.have.length(0);
  });

  it('a non-numeric user id answers 404', async () => {
    expect((await dk.agent.get('/admin/brugere/abc')).status).to.equal(404);
  });

  it('editing roles and scope saves them and audits the old and new values', async () => {
    const id = await createUser(t.db, { email: randomEmail('edit'), roles: ['quality'], scope: '751' });

    const res = await dk.agent.post(`/admin/brugere/${id}`).type('form')
      .send({ _csrf: dk.csrf, name: 'Omdøbt', roles: ['exporter', 'quality'], scope: '1082' });

    expect(res.status).to.equal(303);
    const roles = await t.db('user_roles').where('user_id', id).orderBy('role').pluck('role');
    expect(roles).to.deep.equal(['exporter', 'quality']);
    const [row] = await auditOf('user_update', id);
    expect(JSON.parse(row.detail)).to.deep.include({
      old: { name: `${(await t.db('users').where('id', id).first()).email}`, roles: ['quality'], scope: '751' },
      new: { name: 'Omdøbt', roles: ['exporter', 'quality'], scope: '1082' },
    });
  });

  it('a hospital user with a department scope is created and edited as any other: the form offers the departments', async () => {
    const form = await dk.agent.get('/admin/brugere/ny');
    expect(form.text).to.match(/<option value="P108201"[^>]*>P108201 – Aarhus Universitetshospital/);
    const email = randomEmail('afdeling');

    const created = await dk.agent.post('/admin/brugere/ny').type('form')
      .send({ _csrf: dk.csrf, email, name: 'Afdeling', roles: ['hospital'], scope: 'P108201' });

    expect(created.status).to.equal(200);
    const user = await t.db('users').where('email', email).first();
    expect(user.scope).to.equal('P108201');
    const page = await dk.agent.get(`/admin/brugere/${user.id}`);
    expect(page.text).to.match(/<option value="P108201" selected/);
    const saved = await dk.agent.post(`/admin/brugere/${user.id}`).type('form')
      .send({ _csrf: dk.csrf, name: 'Afdeling omdøbt', roles: ['hospital'], scope: 'P108201' });
    expect(saved.status).to.equal(303);
    expect((await t.db('users').where('id', user.id).first()).name).to.equal('Afdeling omdøbt');
  });

  it('an admin of 751 cannot move a 751 user to the region: 400, unchanged', async () => {
    const id = await createUser(t.db, { email: randomEmail('move'), roles: ['quality'], scope: '751' });

    const res = await aarhus.agent.post(`/admin/brugere/${id}`).type('form')
      .send({ _csrf: aarhus.csrf, name: 'Flyttet', roles: 'quality', scope: '1082' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('value="Flyttet"');
    expect((await t.db('users').where('id', id).first()).scope).to.equal('751');
  });

  it('deactivation ends the session and revokes the token at once, and is audited', async () => {
    const email = randomEmail('off');
    const id = await createUser(t.db, { email, roles: ['quality'], scope: '751' });
    const victim = await loginAs(t.app, email);
    const { token } = await issueToken(t.db, id, null, null);
    expect((await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).to.equal(200);

    const res = await aarhus.agent.post(`/admin/brugere/${id}/deaktiver`).type('form').send({ _csrf: aarhus.csrf });
    const page = await victim.agent.get('/');
    const api = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);

    expect(res.status).to.equal(303);
    expect(page.status).to.equal(303);
    expect(page.headers.location).to.match(/^\/log-ind/);
    expect(api.status).to.equal(401);
    const [row] = await auditOf('user_deactivate', id);
    expect(row.actor_email).to.equal('admin.aarhus@test.dk');
    expect(JSON.parse(row.detail)).to.deep.include({ old: { active: true }, new: { active: false }, sessions_ended: 1, tokens_revoked: 1 });
  });

  it('an admin cannot deactivate their own user: 400 with a message', async () => {
    const res = await aarhus.agent.post(`/admin/brugere/${aarhusAdminId}/deaktiver`).type('form').send({ _csrf: aarhus.csrf });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Du kan ikke deaktivere din egen bruger.');
  });

  it('a deactivated user can be reactivated (audited) but cannot log in while deactivated', async () => {
    const email = randomEmail('back');
    const id = await createUser(t.db, { email, roles: ['quality'], scope: '751', active: false });

    const refused = await loginAs(t.app, email).catch((e: Error) => e);
    const res = await aarhus.agent.post(`/admin/brugere/${id}/aktiver`).type('form').send({ _csrf: aarhus.csrf });
    const again = await loginAs(t.app, email);

    expect(refused).to.be.instanceOf(Error);
    expect(res.status).to.equal(303);
    expect((await again.agent.get('/')).status).to.equal(200);
    expect(await auditOf('user_reactivate', id)).to.have.length(1);
  });

  it('a password reset gives a one-time password that forces /adgangskode until it is changed; all audited', async () => {
    const email = randomEmail('reset');
    const id = await createUser(t.db, { email, roles: ['quality'], scope: '751' });
    const before = await loginAs(t.app, email);

    const reset = await aarhus.agent.post(`/admin/brugere/${id}/nulstil-adgangskode`).type('form').send({ _csrf: aarhus.csrf });
    const oneTime = /data-secret>([^<]+)</.exec(reset.text)![1];
    const oldSession = await before.agent.get('/');
    const agent = request.agent(t.app);
    const loginPage = await agent.get('/log-ind');
    const login = await agent.post('/log-ind').type('form').send({ email, password: oneTime, _csrf: csrfFrom(loginPage.text) });
    const elsewhere = await agent.get('/indikatorer');
    const form = await agent.get('/adgangskode');
    const change = await agent.post('/adgangskode').type('form')
      .send({ _csrf: csrfFrom(form.text), current_password: oneTime, new_password: 'mit-nye-kodeord-2026', repeat_password: 'mit-nye-kodeord-2026' });
    const start = await agent.get('/');

    expect(reset.status).to.equal(200);
    expect(reset.headers['cache-control']).to.equal('no-store');
    expect(oldSession.status).to.equal(303);
    expect(login.headers.location).to.equal('/adgangskode');
    expect(elsewhere.status).to.equal(303);
    expect(elsewhere.headers.location).to.equal('/adgangskode');
    expect(form.text).to.contain('engangsadgangskode');
    expect(change.status).to.equal(303);
    expect(start.status).to.equal(200);
    const [row] = await auditOf('password_reset', id);
    expect(row.detail).not.to.contain(oneTime);
    const actions = await t.db('audit_log').where('entity_id', String(id)).orderBy('id').pluck('action');
    expect(actions.slice(actions.indexOf('password_reset'))).to.deep.equal(['password_reset', 'login', 'password_change']);
  });

  it('an admin POST without the CSRF token is refused with 403 and changes nothing', async () => {
    const id = await createUser(t.db, { email: randomEmail('csrf'), roles: ['quality'], scope: '751' });

    const res = await aarhus.agent.post(`/admin/brugere/${id}/deaktiver`).type('form').send({});

    expect(res.status).to.equal(403);
    expect(Boolean((await t.db('users').where('id', id).first()).active)).to.equal(true);
  });
});

import { expect } from 'chai';
import request from 'supertest';
import { issueToken } from '../../../server/auth/tokens';
import { createUser, loginAs, LoggedIn, randomEmail, testApp, TestApp } from '../../helpers/app';

describe('admin: API tokens', () => {
  let t: TestApp;
  let aarhus: LoggedIn;
  before(async () => {
    t = await testApp();
    await createUser(t.db, { email: 'admin.aarhus@test.dk', roles: ['admin'], scope: '751' });
    aarhus = await loginAs(t.app, 'admin.aarhus@test.dk');
  });

  it('anonymous request for /admin/noegler is redirected to login; a quality user gets 403', async () => {
    const anonymous = await request(t.app).get('/admin/noegler');
    const { agent } = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');

    expect(anonymous.status).to.equal(303);
    expect((await agent.get('/admin/noegler')).status).to.equal(403);
  });

  it('issuing shows the token once; it works as a Bearer token, expires in 12 months and is audited', async () => {
    const email = randomEmail('tok');
    const userId = await createUser(t.db, { email, roles: ['therapist'], scope: '751' });

    const res = await aarhus.agent.post('/admin/noegler').type('form').send({ _csrf: aarhus.csrf, user_id: String(userId), name: 'Omsorgssystem' });
    const token = /data-secret>([^<]+)</.exec(res.text)![1];
    const me = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);
    const list = await aarhus.agent.get('/admin/noegler');

    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(me.body.email).to.equal(email);
    const row = await t.db('api_tokens').where('user_id', userId).first();
    const months = (Date.parse(row.expires_at) - Date.parse(row.created_at)) / (30.44 * 86_400_000);
    expect(months).to.be.within(11.9, 12.1);
    expect(list.text).to.contain(token.slice(0, 10) + '…');
    expect(list.text).not.to.contain(token);
    expect(list.text).to.contain('Omsorgssystem');
    const [audit] = await t.db('audit_log').where({ action: 'token_issue', entity_id: String(row.id) });
    expect(audit.actor_email).to.equal('admin.aarhus@test.dk');
    expect(audit.detail).not.to.contain(token);
    expect(JSON.parse(audit.detail).new).to.include({ user_id: userId, name: 'Omsorgssystem' });
  });

  it('a token for a user outside the scope or without a user is refused with 400 at the user field', async () => {
    const randers = await t.db('users').where('email', 'terapeut.randers@demo.dk').first();

    const outside = await aarhus.agent.post('/admin/noegler').type('form').send({ _csrf: aarhus.csrf, user_id: String(randers.id), name: 'Kept' });
    const none = await aarhus.agent.post('/admin/noegler').type('form').send({ _csrf: aarhus.csrf, user_id: '' });

    expect(outside.status).to.equal(400);
    expect(outside.text).to.contain('Vælg en bruger.');
    expect(outside.text).to.contain('value="Kept"');
    expect(none.status).to.equal(400);
    expect(await t.db('api_tokens').where('user_id', randers.id)).to.have.length(0);
  });

  it('revoking a token makes the next API call answer 401, and is audited', async () => {
    const userId = await createUser(t.db, { email: randomEmail('rev'), roles: ['quality'], scope: '751' });
    const { token, id } = await issueToken(t.db, userId, null, null);

    const res = await aarhus.agent.post(`/admin/noegler/${id}/tilbagekald`).type('form').send({ _csrf: aarhus.csrf });
    const me = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);

    expect(res.status).to.equal(303);
    expect(me.status).to.equal(401);
    const rows = await t.db('audit_log').where({ action: 'token_revoke', entity_id: String(id) });
    expect(rows).to.have.length(1);
    expect(JSON.parse(rows[0].detail)).to.deep.include({ old: { revoked: false }, new: { revoked: true } });
  });

  it('an admin of 751 gets 404 revoking a token of a user in 730, and the token keeps working', async () => {
    const randers = await t.db('users').where('email', 'terapeut.randers@demo.dk').first();
    const { token, id } = await issueToken(t.db, randers.id, null, null);

    const res = await aarhus.agent.post(`/admin/noegler/${id}/tilbagekald`).type('form').send({ _csrf: aarhus.csrf });

    expect(res.status).to.equal(404);
    expect((await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).to.equal(200);
  });

  it('revoking without the CSRF token is refused with 403', async () => {
    const userId = await createUser(t.db, { email: randomEmail('csrf'), roles: ['quality'], scope: '751' });
    const { id } = await issueToken(t.db, userId, null, null);

    const res = await aarhus.agent.post(`/admin/noegler/${id}/tilbagekald`).type('form').send({});

    expect(res.status).to.equal(403);
    expect((await t.db('api_tokens').where('id', id).first()).revoked_at).to.equal(null);
  });
});

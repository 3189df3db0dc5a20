import { expect } from 'chai';
import request from 'supertest';
import { issueToken } from '../../../server/auth/tokens';
import { createUser, loginAs, testApp, TestApp } from '../../helpers/app';
import { testEngine } from '../../helpers/db';

/** Every authenticated request reads its user: the statements that costs, counted on the database's query events. */
describe(`authentication: the SQL behind an authenticated request (${testEngine})`, () => {
  let t: TestApp;
  let seen: string[];
  const listen = (q: { sql: string }) => { seen.push(q.sql); };
  before(async () => { t = await testApp(); t.db.on('query', listen); });
  after(() => { t.db.off('query', listen); });
  beforeEach(() => { seen = []; });

  it('a Bearer token: the token, its user and the user\'s roles in one read (two roles, both answered, in order)', async () => {
    const id = await createUser(t.db, { email: 'to.roller@test.dk', roles: ['therapist', 'quality'], scope: '751' });
    const { token } = await issueToken(t.db, id, null, null);
    await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`); // writes last_used_at once
    seen = [];

    const res = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);

    expect(res.status).to.equal(200);
    expect(res.body.roles).to.deep.equal(['quality', 'therapist']);
    expect(seen, seen.join('\n')).to.have.length(1);
    expect(seen[0]).to.match(/from "api_tokens"|from `api_tokens`/);
    expect(seen[0]).to.match(/left join .user_roles./);
  });

  it('a user without roles is answered with none (the outer join\'s empty row is no role)', async () => {
    const id = await createUser(t.db, { email: 'ingen.roller@test.dk', roles: ['quality'], scope: '751' });
    await t.db('user_roles').where('user_id', id).delete();
    const { token } = await issueToken(t.db, id, null, null);

    const res = await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${token}`);

    expect(res.status).to.equal(200);
    expect(res.body.roles).to.deep.equal([]);
  });

  it('a revoked token, and a token of a deactivated user, are refused with 401', async () => {
    const id = await createUser(t.db, { email: 'snart.vaek@test.dk', roles: ['quality'], scope: '751' });
    const revoked = await issueToken(t.db, id, null, null);
    const ofInactive = await issueToken(t.db, id, null, null);
    await t.db('api_tokens').where('id', revoked.id).update({ revoked_at: new Date().toISOString() });
    expect((await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${revoked.token}`)).status).to.equal(401);
    expect((await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${ofInactive.token}`)).status).to.equal(200);

    await t.db('users').where('id', id).update({ active: false });

    expect((await request(t.app).get('/api/v1/me').set('Authorization', `Bearer ${ofInactive.token}`)).status).to.equal(401);
  });

  it('a session: the user with its roles in one read as well', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');
    seen = [];

    const res = await agent.get('/api/v1/me');

    expect(res.status).to.equal(200);
    expect(seen.filter((s) => /from "users"|from `users`/.test(s)), seen.join('\n')).to.have.length(1);
    expect(seen.filter((s) => /from "user_roles"|from `user_roles`/.test(s)), seen.join('\n')).to.deep.equal([]);
  });
});

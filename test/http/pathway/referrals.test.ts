import { expect } from 'chai';
import request from 'supertest';
import { createUser, loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { aCourse, aCpr, daysAgo } from '../../integration/courses/helpers';
import { rematchAll } from '../../../server/pathway/matching';

describe('API /api/v1/referrals (pathway.md §2, §3, §7)', () => {
  let t: TestApp;
  let auh: LoggedIn;
  let midt: LoggedIn;
  let rh: LoggedIn;
  let dkHospital: LoggedIn;
  let therapist: LoggedIn;
  let odense: LoggedIn;
  before(async function setUp() {
    this.timeout(120_000);
    t = await testApp();
    await t.db('municipalities').whereIn('code', ['751', '461']).update({ registering_since: '2020-01-01' });
    await createUser(t.db, { email: 'h.auh@test.dk', roles: ['hospital'], scope: 'P108201' });
    await createUser(t.db, { email: 'h.midt@test.dk', roles: ['hospital'], scope: '1082' });
    await createUser(t.db, { email: 'h.rh@test.dk', roles: ['hospital'], scope: 'P108401' });
    await createUser(t.db, { email: 'h.dk@test.dk', roles: ['hospital'], scope: 'DK' });
    await createUser(t.db, { email: 't.odense@test.dk', roles: ['therapist'], scope: '461' });
    auh = await loginAs(t.app, 'h.auh@test.dk');
    midt = await loginAs(t.app, 'h.midt@test.dk');
    rh = await loginAs(t.app, 'h.rh@test.dk');
    dkHospital = await loginAs(t.app, 'h.dk@test.dk');
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    odense = await loginAs(t.app, 't.odense@test.dk');
  });

  const post = (u: LoggedIn, path: string, body: unknown) => u.agent.post(path).set('X-CSRF-Token', u.csrf).send(body as object);
  const aReferral = (over: Record<string, unknown> = {}) => ({
    referral_id: 'R-' + Math.random().toString(36).slice(2), cpr: aCpr(), municipality_code: '751',
    referral_date: daysAgo(60), diagnosis_group: 'heart_failure', ...over,
  });
  const audits = async (action: string) => Number((await t.db('audit_log').where('action', action).count({ n: '*' }))[0].n);

  it('creates (201), then the same body is unchanged (200, no new version, no audit row)', async () => {
    const body = aReferral();
    const first = await post(auh, '/api/v1/referrals', body);
    expect(first.status).to.equal(201);
    expect(first.body.action).to.equal('create');
    expect(first.body.referral).to.include({ sor_code: 'P108201', version: 1, withdrawn: 'no' });
    expect(first.body.referral).not.to.have.property('status');
    const before = await audits('referral_create') + await audits('referral_update');
    const again = await post(auh, '/api/v1/referrals', body);
    expect(again.status).to.equal(200);
    expect(again.body.action).to.equal('unchanged');
    expect(again.body.referral.version).to.equal(1);
    expect(await audits('referral_create') + await audits('referral_update')).to.equal(before);
  });

  it('skips an uncovered new referral with warning not_covered', async () => {
    const res = await post(auh, '/api/v1/referrals', aReferral({ municipality_code: '101' }));
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ action: 'skip', referral: null });
    expect(res.body.warnings[0].code).to.equal('not_covered');
  });

  it('refuses a department outside the scope with the same text as an unknown one', async () => {
    const outside = await post(auh, '/api/v1/referrals', aReferral({ sor_code: 'P108401' }));
    const unknown = await post(auh, '/api/v1/referrals', aReferral({ sor_code: 'P999999' }));
    expect(outside.status).to.equal(400);
    expect(outside.body.error.fields.sor_code).to.equal('Afdelingen findes ikke eller ligger uden for din adgang.');
    expect(unknown.body.error.fields.sor_code).to.equal(outside.body.error.fields.sor_code);
  });

  it('a correction changes cpr; the addressee sees status and course_id, the hospital never does', async () => {
    const body = aReferral({ referral_date: daysAgo(40) });
    const created = (await post(auh, '/api/v1/referrals', body)).body.referral;
    const cpr = aCpr();
    const course = (await post(therapist, '/api/v1/courses', aCourse({ cpr, referral_date: daysAgo(35) }))).body;
    const upd = await post(auh, '/api/v1/referrals', { referral_id: body.referral_id, cpr });
    expect(upd.body.action).to.equal('update');
    expect(upd.body.referral.version).to.equal(2);
    const municipal = await therapist.agent.get(`/api/v1/referrals/${created.id}`);
    expect(municipal.body).to.include({ status: 'received', course_id: course.id });
    const hospital = await auh.agent.get(`/api/v1/referrals/${created.id}`);
    expect(hospital.status).to.equal(200);
    expect(hospital.body).not.to.have.any.keys('status', 'course_id', 'age_days');
  });

  it('withdrawal frees the course; a later change is 400, the same withdrawn body unchanged; a stale version 409', async () => {
    const cpr = aCpr();
    await post(therapist, '/api/v1/courses', aCourse({ cpr, referral_date: daysAgo(50) }));
    const body = aReferral({ cpr, referral_date: daysAgo(50) });
    const r = (await post(auh, '/api/v1/referrals', body)).body.referral;
    expect((await therapist.agent.get(`/api/v1/referrals/${r.id}`)).body.status).to.equal('received');
    expect((await post(auh, `/api/v1/referrals/${r.id}/withdraw`, { reason: 'fejl', version: 2 })).status).to.equal(409);
    const w = await post(auh, `/api/v1/referrals/${r.id}/withdraw`, { reason: 'fejl', version: 1 });
    expect(w.status).to.equal(200);
    expect(w.body).to.include({ withdrawn: 'yes', version: 2 });
    expect((await t.db('referrals').where('id', r.id).first()).course_id).to.equal(null);
    expect((await therapist.agent.get(`/api/v1/referrals/${r.id}`)).body.status).to.equal(null);
    const change = await post(auh, '/api/v1/referrals', { ...body, diagnosis_group: 'ihd' });
    expect(change.status).to.equal(400);
    const same = await post(auh, '/api/v1/referrals', { referral_id: body.referral_id, withdrawn: 'yes' });
    expect(same.body.action).to.equal('unchanged');
  });

  it('reach: the addressee only; hospital users their scope; others 404 (audited)', async () => {
    const r = (await post(auh, '/api/v1/referrals', aReferral())).body.referral;
    expect((await midt.agent.get(`/api/v1/referrals/${r.id}`)).status).to.equal(200);
    expect((await dkHospital.agent.get(`/api/v1/referrals/${r.id}`)).status).to.equal(403);
    const before = await audits('access_denied');
    expect((await rh.agent.get(`/api/v1/referrals/${r.id}`)).status).to.equal(404);
    expect((await odense.agent.get(`/api/v1/referrals/${r.id}`)).status).to.equal(404);
    expect(await audits('access_denied')).to.equal(before + 2);
    const listed = await odense.agent.get('/api/v1/referrals');
    expect(listed.body.items.map((x: { id: number }) => x.id)).not.to.include(r.id);
  });

  it('403 before lookup: hospital users on courses and status filter; therapists on submission; DK hospital submit', async () => {
    expect((await auh.agent.get('/api/v1/courses')).status).to.equal(403);
    expect((await auh.agent.get('/api/v1/referrals?status=open')).status).to.equal(403);
    expect((await post(therapist, '/api/v1/referrals', aReferral())).status).to.equal(403);
    expect((await post(dkHospital, '/api/v1/referrals', aReferral())).status).to.equal(403);
    expect((await request(t.app).get('/api/v1/referrals')).status).to.equal(401);
  });

  it('list: status filters for the municipality, newest first; GET /api/v1/hospitals for anyone logged in', async () => {
    const lost = (await post(auh, '/api/v1/referrals', aReferral({ referral_date: daysAgo(45) }))).body.referral;
    const open = (await post(auh, '/api/v1/referrals', aReferral({ referral_date: daysAgo(3) }))).body.referral;
    const lostIds = (await therapist.agent.get('/api/v1/referrals?status=lost')).body.items.map((x: { id: number }) => x.id);
    const openIds = (await therapist.agent.get('/api/v1/referrals?status=open')).body.items.map((x: { id: number }) => x.id);
    expect(lostIds).to.include(lost.id).and.not.include(open.id);
    expect(openIds).to.include(open.id).and.not.include(lost.id);
    const h = await therapist.agent.get('/api/v1/hospitals');
    expect(h.body.items[0]).to.have.keys('sor_code', 'name', 'region_code', 'cluster_code', 'sor_status', 'active');
  });

  it('stored matches equal a fresh recomputation', async () => {
    const before = await t.db('referrals').select('id', 'course_id').orderBy('id');
    const result = await rematchAll(t.db);
    expect(result.changed).to.equal(0);
    expect(await t.db('referrals').select('id', 'course_id').orderBy('id')).to.deep.equal(before);
  });
});

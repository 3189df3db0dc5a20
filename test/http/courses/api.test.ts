import { expect } from 'chai';
import request from 'supertest';
import { issueToken } from '../../../server/auth/tokens';
import { VARIABLE_NAMES } from '../../../server/courses/variables';
import { addDays, today } from '../../../server/time';
import { loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { aCourse, daysAgo } from '../../integration/courses/helpers';

describe('API /api/v1/courses: create, read, change', () => {
  let t: TestApp;
  let therapist: LoggedIn;
  before(async () => {
    t = await testApp();
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
  });

  const post = (path: string, body: object) => therapist.agent.post(path).set('X-CSRF-Token', therapist.csrf).send(body);
  const patch = (id: number, body: object) => therapist.agent.patch(`/api/v1/courses/${id}`).set('X-CSRF-Token', therapist.csrf).send(body);

  it('POST creates a course: 201 with every variable (null when not registered) and the output keys', async () => {
    const body = aCourse({ patient_name: 'Åse Ørum', ihd_treatment: null });

    const res = await post('/api/v1/courses', body);

    expect(res.status).to.equal(201);
    for (const name of VARIABLE_NAMES) expect(res.body).to.have.property(name);
    expect(res.body).to.include({
      cpr: body.cpr, patient_name: 'Åse Ørum', municipality_code: '751', version: 1, state: 'referred',
      annulled: false, complete: false, icd10: null, birth_date: '1965-' + String(body.cpr).slice(2, 4) + '-' + String(body.cpr).slice(0, 2),
    });
    expect(res.body.id).to.be.a('number');
    expect(res.body.missing).to.deep.equal(['start_date']);
    expect(res.body.warnings).to.deep.equal([]);
    expect(res.body.sex).to.be.oneOf(['M', 'F']);
  });

  it('GET /:id returns the course with its version and writes one course_read audit row', async () => {
    const created = (await post('/api/v1/courses', aCourse())).body;

    const res = await therapist.agent.get(`/api/v1/courses/${created.id}`);

    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal(created);
    const reads = await t.db('audit_log').where({ action: 'course_read', entity_id: String(created.id) });
    expect(reads).to.have.length(1);
    expect(reads[0].patient_id).to.be.a('number');
  });

  it('PATCH changes only the keys sent, null un-registers, and numbers stay JSON numbers', async () => {
    const created = (await post('/api/v1/courses', aCourse({ icd10: 'DI219', discharge_date: daysAgo(101) }))).body;

    const res = await patch(created.id, { version: 1, icd10: null, start_date: daysAgo(90), height_cm: 178, weight_start_kg: 82.5 });

    expect(res.status).to.equal(200);
    expect(res.body).to.include({ version: 2, icd10: null, discharge_date: daysAgo(101), state: 'active', height_cm: 178, weight_start_kg: 82.5 });
  });

  it('PATCH with a stale version gets 409 version_conflict with error.current, and the first save is kept', async () => {
    const created = (await post('/api/v1/courses', aCourse())).body;
    await patch(created.id, { version: 1, icd10: 'DI219' });

    const res = await patch(created.id, { version: 1, icd10: 'DI500' });

    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('version_conflict');
    expect(res.body.error.current).to.include({ id: created.id, version: 2, icd10: 'DI219' });
  });

  it('PATCH without version gets 400 with fields.version', async () => {
    const created = (await post('/api/v1/courses', aCourse())).body;

    const res = await patch(created.id, { icd10: 'DI219' });

    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('invalid');
    expect(res.body.error.fields).to.have.property('version');
  });

  it('POST with invalid values gets 400 with a Danish message per field', async () => {
    const res = await post('/api/v1/courses', aCourse({ referral_date: addDays(today(), 3), diagnosis_group: 'IHD' }));

    expect(res.status).to.equal(400);
    expect(res.body.error.fields.referral_date).to.equal('Henvisningsdato kan ikke ligge i fremtiden.');
    expect(res.body.error.fields).to.have.property('diagnosis_group');
  });

  it('POST with an output-only key, an unknown key or a string number gets 400 at that key', async () => {
    const res = await post('/api/v1/courses', { ...aCourse(), state: 'closed', colour: 'red', height_cm: '180' });

    expect(res.status).to.equal(400);
    expect(res.body.error.fields).to.have.keys('state', 'colour', 'height_cm');
  });

  it('POST with another municipality_code gets 400 at municipality_code', async () => {
    const res = await post('/api/v1/courses', aCourse({ municipality_code: '730' }));

    expect(res.status).to.equal(400);
    expect(res.body.error.fields.municipality_code).to.contain('751');
  });

  it('an overlapping course gets 409 overlap naming the other course', async () => {
    const first = (await post('/api/v1/courses', aCourse())).body;

    const res = await post('/api/v1/courses', aCourse({ cpr: first.cpr, referral_date: daysAgo(20) }));

    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('overlap');
    expect(res.body.error.message).to.contain(`forløb ${first.id}`);
  });

  it('a second course with the same external_id gets 409 duplicate_external_id', async () => {
    await post('/api/v1/courses', aCourse({ external_id: 'EPJ-77' }));

    const res = await post('/api/v1/courses', aCourse({ external_id: 'EPJ-77' }));

    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('duplicate_external_id');
    expect(res.body.error.fields).to.have.property('external_id');
  });

  it('annul needs a reason (400), then gives annulled: true; the course stays readable and any change gets 400', async () => {
    const created = (await post('/api/v1/courses', aCourse())).body;

    const noReason = await post(`/api/v1/courses/${created.id}/annul`, { version: 1, reason: ' ' });
    const annulled = await post(`/api/v1/courses/${created.id}/annul`, { version: 1, reason: 'Oprettet ved en fejl' });
    const read = await therapist.agent.get(`/api/v1/courses/${created.id}`);
    const change = await patch(created.id, { version: 2, icd10: 'DI219' });

    expect(noReason.status).to.equal(400);
    expect(noReason.body.error.fields).to.have.property('reason');
    expect(annulled.status).to.equal(200);
    expect(annulled.body).to.include({ annulled: true, version: 2 });
    expect(read.body.annulled).to.equal(true);
    expect(change.status).to.equal(400);
    expect(change.body.error.message).to.equal('Et annulleret forløb kan ikke ændres.');
  });

  it('an unknown id gets 404 not_found', async () => {
    const res = await therapist.agent.get('/api/v1/courses/999999');

    expect(res.status).to.equal(404);
    expect(res.body.error.code).to.equal('not_found');
  });

  it('a non-numeric id is not a course route (404), and /api/v1/courses.csv is not answered by the list', async () => {
    const word = await therapist.agent.get('/api/v1/courses/abc');
    const csv = await therapist.agent.get('/api/v1/courses.csv');

    expect(word.status).to.equal(404);
    expect(csv.body?.items).to.equal(undefined);
  });
});

describe('API /api/v1/courses: list and search', () => {
  let t: TestApp;
  let therapist: LoggedIn;
  const ids: number[] = [];
  before(async () => {
    t = await testApp();
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const post = (body: object) => therapist.agent.post('/api/v1/courses').set('X-CSRF-Token', therapist.csrf).send(body);
    for (const [days, group, name] of [[400, 'ihd', 'Ole Ærø'], [30, 'valve', 'Kim Berg'], [30, 'valve', 'Bo Dam']] as const) {
      const res = await post(aCourse({ referral_date: daysAgo(days), diagnosis_group: group, ihd_treatment: group === 'ihd' ? 'pci' : undefined, patient_name: name }));
      ids.push(res.body.id);
    }
    const annulled = (await post(aCourse({ patient_name: 'Ane Annulleret' }))).body;
    await therapist.agent.post(`/api/v1/courses/${annulled.id}/annul`).set('X-CSRF-Token', therapist.csrf).send({ version: 1, reason: 'fejl' });
  });

  it('GET lists newest referral first then highest id, 50 a page, annulled left out', async () => {
    const res = await therapist.agent.get('/api/v1/courses');

    expect(res.status).to.equal(200);
    expect(res.body).to.include({ page: 1, page_size: 50, total: 3 });
    expect(res.body.items.map((c: { id: number }) => c.id)).to.deep.equal([ids[2], ids[1], ids[0]]);
  });

  it('GET filters by diagnosis_group and year; a bad filter value gets 400 at its name', async () => {
    const year = Number(daysAgo(400).slice(0, 4));

    const byGroup = await therapist.agent.get('/api/v1/courses?diagnosis_group=valve');
    const byYear = await therapist.agent.get(`/api/v1/courses?year=${year}&diagnosis_group=ihd`);
    const bad = await therapist.agent.get('/api/v1/courses?state=open');

    expect(byGroup.body.total).to.equal(2);
    expect(byYear.body.items.map((c: { id: number }) => c.id)).to.deep.equal([ids[0]]);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields).to.have.property('state');
  });

  it('POST /search finds by cpr, and by q case-insensitively in the name (æøå too), course id and external_id', async () => {
    const first = (await therapist.agent.get(`/api/v1/courses/${ids[0]}`)).body;
    const search = (body: object) => therapist.agent.post('/api/v1/courses/search').set('X-CSRF-Token', therapist.csrf).send(body);

    const byCpr = await search({ cpr: first.cpr });
    const byName = await search({ q: 'ærø' });
    const byId = await search({ q: String(ids[1]) });
    const neither = await search({});

    expect(byCpr.body.items.map((c: { id: number }) => c.id)).to.deep.equal([ids[0]]);
    expect(byName.body.items.map((c: { id: number }) => c.id)).to.deep.equal([ids[0]]);
    expect(byId.body.items.map((c: { id: number }) => c.id)).to.deep.equal([ids[1]]);
    expect(neither.status).to.equal(400);
  });

  it('a list writes one course_list audit row per patient shown', async () => {
    const before = await t.db('audit_log').where('action', 'course_list').count({ n: '*' });

    await therapist.agent.get('/api/v1/courses?diagnosis_group=valve');

    const after = await t.db('audit_log').where('action', 'course_list').count({ n: '*' });
    expect(Number(after[0].n) - Number(before[0].n)).to.equal(2);
  });
});

describe('API /api/v1/courses: who may do what', () => {
  let t: TestApp;
  let courseId: number;
  before(async () => {
    t = await testApp();
    const therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    courseId = (await therapist.agent.post('/api/v1/courses').set('X-CSRF-Token', therapist.csrf).send(aCourse())).body.id;
  });

  it('anonymous gets 401 unauthenticated', async () => {
    const res = await request(t.app).get(`/api/v1/courses/${courseId}`);

    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthenticated');
  });

  it('a therapist of another municipality gets 404 for the course, and the refusal is audited', async () => {
    const randers = await loginAs(t.app, 'terapeut.randers@demo.dk');

    const res = await randers.agent.get(`/api/v1/courses/${courseId}`);
    const change = await randers.agent.patch(`/api/v1/courses/${courseId}`).set('X-CSRF-Token', randers.csrf).send({ version: 1 });

    expect(res.status).to.equal(404);
    expect(change.status).to.equal(404);
    const denied = await t.db('audit_log').where({ action: 'access_denied', actor_email: 'terapeut.randers@demo.dk', entity_id: String(courseId) });
    expect(denied).to.have.length(2);
  });

  it('a quality user of the municipality can read (200) but not create or change (403)', async () => {
    const quality = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');

    const read = await quality.agent.get(`/api/v1/courses/${courseId}`);
    const create = await quality.agent.post('/api/v1/courses').set('X-CSRF-Token', quality.csrf).send(aCourse());
    const change = await quality.agent.patch(`/api/v1/courses/${courseId}`).set('X-CSRF-Token', quality.csrf).send({ version: 1 });

    expect(read.status).to.equal(200);
    expect(create.status).to.equal(403);
    expect(change.status).to.equal(403);
    expect(change.body.error.code).to.equal('forbidden');
  });

  it('a region-scope user gets 403 on patient-level data, audited', async () => {
    const region = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const list = await region.agent.get('/api/v1/courses');
    const one = await region.agent.get(`/api/v1/courses/${courseId}`);

    expect(list.status).to.equal(403);
    expect(one.status).to.equal(403);
    const denied = await t.db('audit_log').where({ action: 'access_denied', actor_email: 'kvalitet.midt@demo.dk' });
    expect(denied).to.have.length(2);
  });

  it('a cookie-authenticated change without X-CSRF-Token gets 403', async () => {
    const therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const res = await therapist.agent.post('/api/v1/courses').send(aCourse());

    expect(res.status).to.equal(403);
  });

  it('a Bearer token works without a CSRF token', async () => {
    const user = await t.db('users').where('email', 'terapeut.aarhus@demo.dk').first('id');
    const { token } = await issueToken(t.db, user.id, null, 'test');

    const res = await request(t.app).post('/api/v1/courses').set('Authorization', `Bearer ${token}`).send(aCourse());

    expect(res.status).to.equal(201);
  });
});

import { expect } from 'chai';
import { OUTPUT_ONLY, VARIABLE_NAMES } from '../../../server/courses/variables';
import { loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { aCourse, closedValues, daysAgo } from '../../integration/courses/helpers';

describe('API /api/v1/courses: formats.md semantics', () => {
  let t: TestApp;
  let u: LoggedIn;
  before(async () => {
    t = await testApp();
    u = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
  });

  const post = (path: string, body: unknown) => u.agent.post(path).set('X-CSRF-Token', u.csrf).send(body as object);
  const patch = (id: number, body: unknown) => u.agent.patch(`/api/v1/courses/${id}`).set('X-CSRF-Token', u.csrf).send(body as object);
  const create = async (over = {}) => (await post('/api/v1/courses', aCourse(over))).body as Record<string, unknown> & { id: number };

  it('a create with the external_id of an annulled course gets 409 duplicate_external_id at external_id', async () => {
    const c = await create({ external_id: 'EPJ-ANNUL' });
    await post(`/api/v1/courses/${c.id}/annul`, { version: 1, reason: 'fejl' });

    const res = await post('/api/v1/courses', aCourse({ external_id: 'EPJ-ANNUL' }));

    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('duplicate_external_id');
    expect(res.body.error.fields).to.have.property('external_id');
  });

  it('an annulled course counts nowhere: not listed, not searched, not in the worklist, occupies no days', async () => {
    const c = await create({ patient_name: 'Annul Lerløs', referral_date: daysAgo(50) });
    await post(`/api/v1/courses/${c.id}/annul`, { version: 1, reason: 'fejl' });

    const list = await u.agent.get('/api/v1/courses');
    const search = await post('/api/v1/courses/search', { cpr: c.cpr });
    const worklist = await u.agent.get('/arbejdsliste');
    const again = await post('/api/v1/courses', aCourse({ cpr: String(c.cpr), referral_date: daysAgo(50) }));

    expect(list.body.items.map((x: { id: number }) => x.id)).not.to.include(c.id);
    expect(search.body.total).to.equal(0);
    expect(worklist.text).not.to.contain('Annul Lerløs');
    expect(again.status).to.equal(201);
  });

  it('annul without version gets 400 at version', async () => {
    const c = await create();

    const res = await post(`/api/v1/courses/${c.id}/annul`, { reason: 'fejl' });

    expect(res.status).to.equal(400);
    expect(res.body.error.fields).to.have.property('version');
  });

  it('PATCH with each output-only key but version gets 400 at that key, nothing saved', async () => {
    const c = await create();
    const sent = Object.fromEntries(OUTPUT_ONLY.filter((k) => k !== 'version').map((k) => [k, c[k]]));

    const res = await patch(c.id, { version: 1, icd10: 'DI219', ...sent });

    expect(res.status).to.equal(400);
    expect(res.body.error.fields).to.have.keys(Object.keys(sent));
    expect((await u.agent.get(`/api/v1/courses/${c.id}`)).body).to.include({ version: 1, icd10: null });
  });

  it('PATCH with version as a string or 0 gets 400 at version', async () => {
    const c = await create();

    for (const version of ['1', 0, 1.5]) {
      const res = await patch(c.id, { version, icd10: 'DI219' });
      expect(res.status, String(version)).to.equal(400);
      expect(res.body.error.fields, String(version)).to.have.property('version');
    }
  });

  it('PATCH with more decimals than the dictionary gets 400 at the variable, never rounded', async () => {
    const c = await create();

    const res = await patch(c.id, { version: 1, start_date: daysAgo(90), weight_start_kg: 82.55, heartqol_start: 2.125 });

    expect(res.status).to.equal(400);
    expect(res.body.error.fields).to.have.keys('weight_start_kg', 'heartqol_start');
    expect(res.body.error.fields.weight_start_kg).to.contain('Vægt ved opstart');
  });

  it('the stored course holds decimals exactly as sent and returns every number as a JSON number', async () => {
    const c = await create();

    const res = await patch(c.id, { version: 1, ...closedValues(daysAgo(90), daysAgo(5)), weight_start_kg: 82.5, ldl_start: 0.1,
      heartqol_start: 2.15, heartqol_end: 0.07, weight_end_kg: 299.9, ldl_end: 15 });

    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ weight_start_kg: 82.5, ldl_start: 0.1, heartqol_start: 2.15, heartqol_end: 0.07,
      weight_end_kg: 299.9, ldl_end: 15, test_start_value: 420, training_planned: 24, state: 'closed', complete: true });
    const raw = (await u.agent.get(`/api/v1/courses/${c.id}`)).text;
    expect(raw).to.contain('"heartqol_end":0.07').and.contain('"ldl_start":0.1').and.contain('"height_cm":null');
    for (const name of VARIABLE_NAMES) expect(res.body, name).to.have.property(name);
  });

  it('a PATCH that makes registered values inapplicable gets 400 naming them; sending null for them saves', async () => {
    const c = await create();
    await patch(c.id, { version: 1, start_date: daysAgo(90), smoking_start: 'daily', smoking_cessation: 'started' });

    const refused = await patch(c.id, { version: 2, smoking_start: 'never' });
    const cleared = await patch(c.id, { version: 2, smoking_start: 'never', smoking_cessation: null });

    expect(refused.status).to.equal(400);
    expect(refused.body.error.fields).to.have.keys('smoking_cessation');
    expect(refused.body.error.fields.smoking_cessation).to.contain('Rygestoptilbud');
    expect(cleared.status).to.equal(200);
    expect(cleared.body).to.include({ smoking_start: 'never', smoking_cessation: null, version: 3 });
  });

  it('an end more than 26 weeks after start saves (200) with a warning at end_date', async () => {
    const c = await create({ referral_date: daysAgo(300) });

    const res = await patch(c.id, { version: 1, ...closedValues(daysAgo(290), daysAgo(290 - 183)) });

    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body.warnings).to.have.length(1);
    expect(res.body.warnings[0].variable).to.equal('end_date');
    expect(res.body.warnings[0].message).to.be.a('string').and.contain('26');
  });

  it('a CPR or q in the list URL gets 400 (a CPR never goes in a URL: search by POST)', async () => {
    const c = await create();

    const byCpr = await u.agent.get(`/api/v1/courses?cpr=${String(c.cpr)}`);
    const byQ = await u.agent.get('/api/v1/courses?q=Hansen');

    expect(byCpr.status).to.equal(400);
    expect(byCpr.body.error.fields).to.have.property('cpr');
    expect(byQ.status).to.equal(400);
    expect(byQ.body.error.fields).to.have.property('q');
  });
});

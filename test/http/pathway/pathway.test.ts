import { expect } from 'chai';
import { createUser, loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { aCourse, aCpr, closedValues } from '../../integration/courses/helpers';

describe('API /api/v1/pathway (pathway.md §5, §7): hand-worked counts', function () {
  this.timeout(120_000);
  let t: TestApp;
  let auh: LoggedIn;
  let therapist: LoggedIn;
  const q = 'period=2025&unit_type=municipality&unit_code=751&as_of=2025-06-30';

  before(async () => {
    t = await testApp();
    await t.db('municipalities').where('code', '751').update({ registering_since: '2020-01-01' });
    await createUser(t.db, { email: 'pw.auh@test.dk', roles: ['hospital'], scope: 'P108201' });
    auh = await loginAs(t.app, 'pw.auh@test.dk');
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const post = (u: LoggedIn, path: string, body: object) => u.agent.post(path).set('X-CSRF-Token', u.csrf).send(body);
    const refer = async (id: string, date: string, cpr = aCpr(), extra = {}) => {
      const res = await post(auh, '/api/v1/referrals', { referral_id: id, cpr, municipality_code: '751', referral_date: date, diagnosis_group: 'heart_failure', ...extra });
      expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
      return cpr;
    };
    const course = async (values: object) => {
      const res = await post(therapist, '/api/v1/courses', aCourse(values as never));
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
    };
    const c1 = await refer('R1', '2025-03-01');
    await course({ cpr: c1, referral_date: '2025-03-02', ...closedValues('2025-03-10', '2025-06-01') });
    await refer('R2', '2025-03-05');
    await refer('R3', '2025-06-20');
    const c2 = await refer('R4', '2025-03-10');
    await course({ cpr: c2, referral_date: '2025-03-10', not_started_reason: 'died' });
    const c3 = await refer('R5', '2025-04-01');
    await course({ cpr: c3, referral_date: '2025-04-03' });
    await refer('R6', '2025-07-10');
    await refer('R7', '2025-03-01', aCpr(), { withdrawn: 'yes' });
  });

  it('stages and HK-P1…P5 for the addressee municipality (inside its scope: nothing hidden)', async () => {
    const res = await therapist.agent.get(`/api/v1/pathway?${q}`);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    expect(res.body).to.include({ as_of: '2025-06-30', lost_after_days: 30 });
    const [r] = res.body.results;
    expect(r).to.include({ unit_type: 'municipality', unit_code: '751', period: '2025', referred: 5, received: 3, open: 1, lost: 1,
      started: 1, completed: 1, gp_informed: 1 });
    expect(r).to.include({ p1_numerator: 3, p1_denominator: 4, p1_missing: 0, p1_value: 0.75, p1_few_data: true });
    expect(r).to.include({ p2_numerator: 1, p2_denominator: 2, p2_missing: 1 });
    expect(r).to.include({ p3_numerator: 1, p3_denominator: 1, p3_missing: 1 });
    expect(r).to.include({ p4_numerator: 1, p4_denominator: 1, p4_missing: 0, p5_numerator: 1, p5_denominator: 1, p5_missing: 0 });
  });

  it('a hospital user sees the same cell with small results hidden, and its own department row', async () => {
    const [r] = (await auh.agent.get(`/api/v1/pathway?${q}`)).body.results;
    expect(r).to.include({ referred: 5, received: null, open: null, lost: null, started: null, completed: null, gp_informed: null,
      p1_numerator: null, p1_denominator: null, p1_value: null, p1_few_data: true });
    const hosp = (await auh.agent.get('/api/v1/pathway?period=2025&unit_type=hospital&as_of=2025-06-30')).body.results;
    expect(hosp.map((x: { unit_code: string }) => x.unit_code)).to.deep.equal(['P108201']);
  });

  it('as_of moves today: a year later every referral is old, R6 counts, R3 is lost', async () => {
    const [r] = (await therapist.agent.get('/api/v1/pathway?period=2025&unit_type=municipality&unit_code=751&as_of=2026-06-30')).body.results;
    expect(r).to.include({ referred: 6, received: 3, open: 0, lost: 3 });
  });

  it('400 for bad filters and a future as_of; 404 for a department out of reach or an unknown unit', async () => {
    expect((await auh.agent.get('/api/v1/pathway?period=2025&unit_type=hospital&sor_code=P108201')).status).to.equal(400);
    expect((await auh.agent.get('/api/v1/pathway?period=2025&unit_type=region&area=751')).status).to.equal(400);
    expect((await auh.agent.get('/api/v1/pathway?period=2025&as_of=2999-01-01')).status).to.equal(400);
    expect((await auh.agent.get('/api/v1/pathway?period=2025&unit_type=region&sor_code=P108401')).status).to.equal(404);
    expect((await auh.agent.get('/api/v1/pathway?period=2025&unit_type=hospital&unit_code=P108401')).status).to.equal(404);
    expect((await therapist.agent.get('/api/v1/pathway?period=2025&unit_type=municipality&unit_code=999')).status).to.equal(404);
  });

  it('trend: 8 quarters ending with the period; CSV with BOM, 4 decimals, 1/0 few_data; XLSX', async () => {
    const trend = (await therapist.agent.get('/api/v1/pathway?period=2025Q2&unit_type=municipality&unit_code=751&trend=1&as_of=2025-06-30')).body.results;
    expect(trend.map((x: { period: string }) => x.period)).to.deep.equal(['2023Q3', '2023Q4', '2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1', '2025Q2']);
    const csv = await therapist.agent.get(`/api/v1/pathway.csv?${q}`).buffer(true);
    const text = csv.text ?? csv.body.toString();
    expect(text.charCodeAt(0)).to.equal(0xfeff);
    const [header, line] = text.slice(1).split('\r\n');
    const cols = header.split(';');
    const cells = line.split(';');
    expect(cells[cols.indexOf('p1_value')]).to.equal('0.7500');
    expect(cells[cols.indexOf('p1_few_data')]).to.equal('1');
    const xlsx = await therapist.agent.get(`/api/v1/pathway.xlsx?${q}`);
    expect(xlsx.status).to.equal(200);
    expect(xlsx.headers['content-type']).to.contain('spreadsheetml');
  });
});

import { expect } from 'chai';
import request from 'supertest';
import { issueToken } from '../../../server/auth/tokens';
import { testEngine } from '../../helpers/db';
import { loginAs, testApp, TestApp } from '../../helpers/app';
import { seedHk03 } from './scenario';

const KEYS = [
  'indicator_id', 'indicator_name', 'unit_type', 'unit_code', 'unit_name', 'period', 'numerator', 'denominator',
  'missing', 'value', 'ci_low', 'ci_high', 'missing_low', 'missing_high', 'standard', 'standard_met', 'few_data', 'computed_at',
];

describe(`GET /api/v1/indicators (${testEngine})`, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
    await seedHk03(t.db);
  });

  it('anonymous gets 401 unauthenticated', async () => {
    const res = await request(t.app).get('/api/v1/indicators?period=2025&unit_type=country');

    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthenticated');
  });

  it('one unit and indicator: formats.md keys, unrounded numbers, booleans, Danish name', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const res = await agent.get('/api/v1/indicators?period=2025&unit_type=municipality&unit_code=751&indicator_id=HK03');

    expect(res.status).to.equal(200);
    expect(res.body.results).to.have.length(1);
    const [r] = res.body.results;
    expect(Object.keys(r)).to.deep.equal(KEYS);
    expect(r).to.include({ indicator_name: 'Vedholdenhed', unit_code: '751', unit_name: 'Aarhus', period: '2025', numerator: 8, denominator: 10, missing: 1 });
    expect(r.value).to.equal(0.8);
    expect(r.ci_low).to.be.closeTo(0.49016, 1e-5);
    expect(r.ci_high).to.be.closeTo(0.94332, 1e-5);
    expect(r.missing_low).to.equal(8 / 11);
    expect(r.missing_high).to.equal(9 / 11);
    expect(r).to.include({ standard: '>=0.75', standard_met: true, few_data: false });
    expect(r.computed_at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });

  it('every unit of a type, ordered by indicator then municipalities.csv order; lang=en names in English', async () => {
    const { agent } = await loginAs(t.app, 'admin@demo.dk');

    const res = await agent.get('/api/v1/indicators?period=2025&unit_type=municipality&lang=en');

    expect(res.body.results).to.have.length(14 * 98);
    expect(res.body.results.slice(0, 3).map((r: { unit_code: string }) => r.unit_code)).to.deep.equal(['101', '147', '151']);
    expect(res.body.results[98].indicator_id).to.equal('HK02');
    expect(res.body.results[2 * 98].indicator_name).to.equal('Persistence');
  });

  it('outside the scope a result below 5 is "few_data" with counts, value, interval, bounds and judgement null', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const res = await agent.get('/api/v1/indicators?period=2025&unit_type=municipality&unit_code=730&indicator_id=HK03');

    expect(res.body.results[0]).to.deep.include({
      numerator: null, denominator: null, missing: null, value: null, ci_low: null, ci_high: null,
      missing_low: null, missing_high: null, standard_met: null, few_data: true, standard: '>=0.75',
    });
  });

  it('inside the scope a result below 5 keeps its numbers, only standard_met is null', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const inside = await agent.get('/api/v1/indicators?period=2025&unit_type=municipality&unit_code=730&indicator_id=HK03');
    const outside = await agent.get('/api/v1/indicators?period=2025&unit_type=municipality&unit_code=101&indicator_id=HK03');

    expect(inside.body.results[0]).to.include({ numerator: 3, denominator: 3, value: 1, standard_met: null, few_data: true });
    expect(outside.body.results[0]).to.include({ numerator: null, value: null, few_data: true });
  });

  it('bad period, unit_type, unit_code and indicator_id answer 400 invalid with a message per field', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const all = await agent.get('/api/v1/indicators?period=25&unit_type=planet&indicator_id=HK15');
    const unit = await agent.get('/api/v1/indicators?period=2025Q2&unit_type=region&unit_code=751');
    const none = await agent.get('/api/v1/indicators');

    expect(all.status).to.equal(400);
    expect(all.body.error.code).to.equal('invalid');
    expect(Object.keys(all.body.error.fields).sort()).to.deep.equal(['indicator_id', 'period', 'unit_type']);
    expect(unit.status).to.equal(400);
    expect(Object.keys(unit.body.error.fields)).to.deep.equal(['unit_code']);
    expect(Object.keys(none.body.error.fields).sort()).to.deep.equal(['period', 'unit_type']);
  });

  it('a Bearer token works like the session', async () => {
    const user = await t.db('users').where({ email: 'kvalitet.midt@demo.dk' }).first();
    const { token } = await issueToken(t.db, user.id, null, 'test');

    const res = await request(t.app).get('/api/v1/indicators?period=2025&unit_type=region&unit_code=1082&indicator_id=HK03')
      .set('Authorization', `Bearer ${token}`);

    expect(res.status).to.equal(200);
    expect(res.body.results[0]).to.include({ numerator: 17, denominator: 19 });
  });
});

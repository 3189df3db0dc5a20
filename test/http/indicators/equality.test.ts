import { expect } from 'chai';
import { testEngine } from '../../helpers/db';
import { loginAs, testApp, TestApp } from '../../helpers/app';
import { addCourses, completedCourse } from '../../integration/indicators/fixtures';
import { spcQuarters } from '../../../server/indicators/spc';
import { today } from '../../../server/time';
import { seedHk03 } from './scenario';

describe(`indicator strata, fair comparison, p-chart and warnings over HTTP (${testEngine})`, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
    await seedHk03(t.db);
    // Silkeborg (740) slips: 9 of 10 in each baseline quarter, 3 of 10 in each of the last four (HK03).
    const quarters = spcQuarters(today());
    for (const [i, q] of quarters.entries()) {
      const met = i < 8 ? 9 : 3;
      const fields = { municipality_code: '740', referral_date: q.first, start_date: q.first };
      await addCourses(t.db, met, completedCourse(q.last, fields));
      await addCourses(t.db, 10 - met, completedCourse(q.last, { ...fields, outcome: 'dropped_out' }));
    }
  });

  it('GET /api/v1/indicators/strata: a row per stratum in order, unrounded, and the gaps; 400 at a bad stratum_type', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');

    const res = await agent.get('/api/v1/indicators/strata?period=2025&unit_type=municipality&unit_code=751&stratum_type=age_group&indicator_id=HK03');
    const bad = await agent.get('/api/v1/indicators/strata?period=2025&unit_type=municipality&stratum_type=income');

    expect(res.status).to.equal(200);
    expect(res.body.results.map((r: { stratum: string }) => r.stratum)).to.deep.equal(['<60', '60-69', '70-79', '80+']);
    expect(res.body.results[1]).to.include({ stratum_type: 'age_group', numerator: 8, denominator: 10, unit_code: '751' }); // born 1960, referred 2025
    expect(res.body.gaps).to.deep.equal([{ indicator_id: 'HK03', unit_type: 'municipality', unit_code: '751', period: '2025', stratum_type: 'age_group', gap: null, gap_low: null, gap_high: null, significant: null }]);
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields).to.have.keys(['stratum_type']);
  });

  it('strata outside the scope below 5 are hidden, every stratum of the type with them', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');

    const res = await agent.get('/api/v1/indicators/strata?period=2025&unit_type=municipality&unit_code=730&stratum_type=sex&indicator_id=HK03');

    expect(res.body.results.map((r: { denominator: number | null }) => r.denominator)).to.deep.equal([null, null]);
  });

  it('GET /api/v1/indicators/funnel: the fair-comparison columns; p0, phi and tau2 on every row; 400 at a bad area', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const res = await agent.get('/api/v1/indicators/funnel?period=2025&indicator_id=HK03&area=1082');
    const bad = await agent.get('/api/v1/indicators/funnel?period=2025&indicator_id=HK03&area=9999');

    expect(res.status).to.equal(200);
    const rows = res.body.results as Record<string, unknown>[];
    expect(rows).to.have.length(19);
    expect(new Set(rows.map((r) => r.p0)).size).to.equal(1);
    const aarhus = rows.find((r) => r.unit_code === '751')!;
    expect(aarhus).to.have.keys([...Object.keys(aarhus)]);
    for (const k of ['shrunk_value', 'limit95_od_low', 'limit95_od_high', 'limit998_od_low', 'limit998_od_high', 'outlier_od', 'p0', 'phi', 'tau2']) expect(aarhus).to.have.property(k);
    expect(rows.find((r) => r.unit_code === '730')).to.include({ shrunk_value: null, outlier_od: null, denominator: null });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields).to.have.keys(['area']);
  });

  it('GET /api/v1/indicators/spc: 12 points ending with the last complete quarter; the slipping municipality signals', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const res = await agent.get('/api/v1/indicators/spc?indicator_id=HK03&unit_type=municipality&unit_code=740');
    const bad = await agent.get('/api/v1/indicators/spc?indicator_id=HK99&unit_type=municipality&unit_code=740');

    expect(res.status).to.equal(200);
    expect(res.body.points).to.have.length(12);
    expect(res.body.points.map((p: { period: string }) => p.period)).to.deep.equal(spcQuarters(today()).map((q) => q.code));
    expect(res.body.points[0]).to.include({ p_bar: 0.9, baseline: true, signal: null });
    expect(res.body.points[11]).to.include({ baseline: false, signal: 'outside_3sigma', numerator: 3, denominator: 10 });
    expect(bad.status).to.equal(400);
  });

  it('GET /api/v1/indicators/warnings: the own unit and the municipalities of the scope, newest first; none for another municipality', async () => {
    const region = await loginAs(t.app, 'kvalitet.midt@demo.dk');
    const aarhus = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');
    const last = spcQuarters(today()).at(-1)!.code;

    const byRegion = await region.agent.get('/api/v1/indicators/warnings');
    const byAarhus = await aarhus.agent.get('/api/v1/indicators/warnings');

    expect(byRegion.body.items).to.deep.include({ indicator_id: 'HK03', unit_type: 'municipality', unit_code: '740', period: last, signal: 'outside_3sigma' });
    expect(byRegion.body.items.every((w: { period: string }, i: number, all: { period: string }[]) => i === 0 || all[i - 1].period >= w.period)).to.equal(true);
    expect(byAarhus.body.items.filter((w: { unit_code: string }) => w.unit_code === '740')).to.deep.equal([]);
  });

  it('the dashboard lists the warning linked to its chart; the detail page shows strata and p-chart with their downloads', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const dashboard = await agent.get('/indikatorer');
    const detail = await agent.get('/indikatorer/HK03?unit_type=municipality&unit_code=740&period=2025');
    const spcCsv = await agent.get('/indikatorer/HK03/advarsel.csv?unit_type=municipality&unit_code=740&period=2025');
    const strataXlsx = await agent.get('/indikatorer/HK03/lighed.xlsx?unit_type=municipality&unit_code=740&period=2025&lighed=sex').buffer(true);
    const gapsCsv = await agent.get('/indikatorer/HK03/lighed-forskel.csv?unit_type=municipality&unit_code=740&period=2025&lighed=sex');

    const text = dashboard.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(text).to.contain('<section id="tidlig-advarsel"');
    expect(text).to.contain('href="/indikatorer/HK03?unit_type=municipality&unit_code=740#advarsel"><strong>Silkeborg</strong>');
    expect(detail.text).to.contain('<section id="lighed"');
    expect(detail.text).to.contain('<section id="advarsel"');
    expect(detail.text).to.contain('Under 3σ-grænsen');
    const lines = spcCsv.text.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).to.equal('indicator_id;unit_type;unit_code;period;numerator;denominator;value;p_bar;lcl3;ucl3;lcl2;ucl2;baseline;signal');
    expect(lines).to.have.length(13);
    expect(lines[1]).to.match(/;0\.9000;0\.6154;1\.0000;0\.7103;1\.0000;1;$/);
    expect(lines[12]).to.match(/;3;10;0\.3000;0\.9000;.*;0;outside_3sigma$/);
    expect(strataXlsx.status).to.equal(200);
    expect(gapsCsv.text.replace(/^\uFEFF/, '').split('\r\n')[0]).to.equal('indicator_id;unit_type;unit_code;period;stratum_type;gap;gap_low;gap_high;significant');
  });

  it('a year or quarter at the start of the data (2010, 2010Q1–2011Q3) answers with the part that exists, never 500', async function () {
    this.timeout(60_000);
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');
    for (const period of ['2010', '2010Q1', '2011Q3']) {
      const dashboard = await agent.get(`/indikatorer?period=${period}`);
      const detail = await agent.get(`/indikatorer/HK04?period=${period}&unit_type=municipality&unit_code=751`);
      expect([dashboard.status, detail.status], period).to.deep.equal([200, 200]);
    }
    for (const period of ['2010', '2010Q1', '2010Q2', '2010Q3', '2010Q4', '2011Q1', '2011Q2', '2011Q3']) {
      const trend = await agent.get(`/indikatorer/HK04/udvikling.csv?period=${period}&unit_type=municipality&unit_code=751`);
      expect(trend.status, period).to.equal(200);
      const quarters = trend.text.replace(/^\uFEFF/, '').trim().split('\r\n').slice(1).map((l) => l.split(';')[5]);
      expect(quarters.every((q) => q >= '2010Q1'), period).to.equal(true);
    }
  });
});

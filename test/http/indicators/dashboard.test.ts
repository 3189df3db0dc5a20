import { expect } from 'chai';
import request from 'supertest';
import { testEngine } from '../../helpers/db';
import { loginAs, testApp, TestApp } from '../../helpers/app';
import { seedHk03 } from './scenario';

/** The text of the dashboard card of one indicator. */
function card(html: string, id: string): string {
  const start = html.indexOf(`<span class="hk-card-id">${id}</span>`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</li>', start));
}

/** The chart specification embedded in a canvas's data-chart attribute. */
function chartOf(html: string, id: string) {
  const m = new RegExp(`id="${id}" data-chart="([^"]*)"`).exec(html)!;
  return JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'));
}

describe(`dashboard /indikatorer (${testEngine})`, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
    await seedHk03(t.db);
  });

  it('anonymous is redirected to the login page', async () => {
    const res = await request(t.app).get('/indikatorer');

    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/log-ind?next=%2Findikatorer');
  });

  it('a therapist sees their own municipality for the last complete year by default, with value, interval, counts and standard', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const lastYear = String(new Date().getFullYear() - 1);

    const res = await agent.get('/indikatorer?period=2025');
    const byDefault = await agent.get('/indikatorer');

    expect(res.status).to.equal(200);
    expect(byDefault.text).to.contain(`<option value="${lastYear}" selected>`);
    expect(byDefault.text).to.contain('<option value="municipality:751" selected>');
    const hk03 = card(res.text, 'HK03');
    expect(hk03).to.contain('80,0 %');
    expect(hk03).to.contain('8 af 10');
    expect(hk03).to.contain('49,0 % – 94,3 %');
    expect(hk03).to.contain('≥ 75 %');
    expect(hk03).to.contain('Standard opfyldt');
    expect(hk03).to.contain('1 (9,1 %)');
    expect(hk03).to.contain('72,7 % – 81,8 %');
    expect(hk03).to.match(/Opgjort \d\d\.\d\d\.\d{4} \d\d\.\d\d/);
  });

  it('a therapist sees another municipality only as aggregates, and its small result as "få data" without numbers', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const herning = await agent.get('/indikatorer?period=2025&unit_type=municipality&unit_code=657');
    const randers = await agent.get('/indikatorer?period=2025&unit_type=municipality&unit_code=730');
    const herningDetail = await agent.get('/indikatorer/HK03?period=2025&unit_type=municipality&unit_code=657');
    const aarhusDetail = await agent.get('/indikatorer/HK03?period=2025&unit_type=municipality&unit_code=751');

    expect(card(herning.text, 'HK03')).to.contain('6 af 6');
    expect(herningDetail.text).not.to.contain('/indikatorer/HK03/forloeb');
    expect(herningDetail.text).not.to.match(/href="\/forloeb\/\d+"/);
    expect(herning.text).not.to.match(/href="\/forloeb\/\d+"/);
    expect(aarhusDetail.text).to.contain('/indikatorer/HK03/forloeb');
    const comparison = chartOf(aarhusDetail.text, 'chart-comparison');
    const randersPoint = comparison.points.find((p: { label: string }) => p.label.startsWith('Randers'));
    expect(randersPoint).to.deep.include({ label: 'Randers (få data)', value: null, low: null, high: null });
    const hk03 = card(randers.text, 'HK03');
    expect(hk03).to.contain('Få data');
    expect(hk03).to.contain('Færre end 5 forløb uden for dit område');
    expect(hk03).not.to.contain('3 af 3');
    expect(hk03).not.to.contain('100,0 %');
  });

  it('a region user sees the region by default and a small result inside the region with its numbers', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const region = await agent.get('/indikatorer?period=2025');
    const randers = await agent.get('/indikatorer?unit=municipality:730&period=2025');

    expect(region.text).to.contain('<option value="region:1082" selected>');
    expect(card(region.text, 'HK03')).to.contain('17 af 19');
    expect(card(randers.text, 'HK03')).to.contain('3 af 3');
    expect(card(randers.text, 'HK03')).to.contain('Få data');
  });

  it('a bad period or unit answers 400, never 500', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const badPeriod = await agent.get('/indikatorer?period=2025Q5');
    const badUnit = await agent.get('/indikatorer?period=2025&unit_type=municipality&unit_code=999');
    const badType = await agent.get('/indikatorer?period=2025&unit_type=planet');

    expect([badPeriod.status, badUnit.status, badType.status]).to.deep.equal([400, 400, 400]);
  });

  it('the detail page shows definition, trend, comparison and funnel tables with their chart data and downloads', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const res = await agent.get('/indikatorer/HK03?period=2025&unit_type=municipality&unit_code=751');
    const unknown = await agent.get('/indikatorer/HK99');

    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Andel af afsluttede forløb, der er gennemført');
    expect(res.text).to.contain('Grundlag for standarden');
    expect(res.text).to.match(/<canvas id="chart-trend" data-chart="\{&quot;kind&quot;:&quot;trend&quot;/);
    expect(res.text).to.contain('id="chart-comparison"');
    expect(res.text).to.contain('id="chart-funnel"');
    expect(res.text).to.contain('Kommunerne i Region Midtjylland');
    expect(res.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')).to.contain('/indikatorer/HK03/tragt.csv?period=2025&unit_type=municipality&unit_code=751');
    expect(res.text).not.to.contain('<script>');
    // "Opgjort …" under the current result and under each of the trend, comparison and funnel tables
    expect(res.text.match(/Opgjort \d\d\.\d\d\.\d{4} \d\d\.\d\d/g)).to.have.length(4);
    expect(unknown.status).to.equal(404);
  });

  it('in English the dashboard uses English texts and a decimal point', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const res = await agent.get('/indikatorer?period=2025&lang=en');

    expect(res.status).to.equal(200);
    const hk03 = card(res.text, 'HK03');
    expect(hk03).to.contain('Persistence');
    expect(hk03).to.contain('80.0 %');
    expect(hk03).to.contain('8 of 10');
    expect(hk03).to.contain('Standard met');
  });
});

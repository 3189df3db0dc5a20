import { expect } from 'chai';
import request from 'supertest';
import { testEngine } from '../../helpers/db';
import { loginAs, testApp, TestApp } from '../../helpers/app';
import { seedHk03 } from './scenario';
import { formatDateDanish, today } from '../../../server/time';

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

/** The HTML of one chart section (trend "udvikling", comparison "sammenligning", funnel "tragt"). */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  return start < 0 ? '' : html.slice(start, html.indexOf('</section>', start));
}

const unescape = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

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

  it('a therapist sees their own municipality for the current year to date by default, the last complete year one click away, with value, interval, counts and standard', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const thisYear = today().slice(0, 4);
    const lastYear = String(Number(thisYear) - 1);

    const res = await agent.get('/indikatorer?period=2025');
    const byDefault = await agent.get('/indikatorer');

    expect(res.status).to.equal(200);
    expect(byDefault.text).to.contain(`<option value="${thisYear}" selected>${thisYear}, til og med ${formatDateDanish(today())}</option>`);
    expect(byDefault.text).to.contain(`Resultater for Aarhus, ${thisYear}, til og med ${formatDateDanish(today())}.`);
    expect(unescape(byDefault.text)).to.contain(`<a href="/indikatorer?period=${lastYear}&unit_type=municipality&unit_code=751&indikator=HK01">Se hele ${lastYear}</a>`);
    expect(res.text).to.not.contain('Se hele ');
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
    // "Opgjort …" under the current result and under each of the trend, comparison, funnel and strata tables
    expect(res.text.match(/Opgjort \d\d\.\d\d\.\d{4} \d\d\.\d\d/g)).to.have.length(5);
    expect(unknown.status).to.equal(404);
  });

  it('the dashboard shows the charts of HK01 by default: three data-chart canvases, each with its table and downloads', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const res = await agent.get('/indikatorer?period=2025');

    expect(res.status).to.equal(200);
    expect(res.text).to.contain('<section id="grafer"');
    expect(res.text).to.contain('<option value="HK01" selected>HK01 Deltagelse</option>');
    expect(res.text).to.contain('Grafer – HK01 Deltagelse');
    const query = 'period=2025&unit_type=region&unit_code=1082';
    for (const [id, chart, kind] of [['udvikling', 'chart-trend', 'trend'], ['sammenligning', 'chart-comparison', 'comparison'], ['tragt', 'chart-funnel', 'funnel']]) {
      const html = section(res.text, id);
      expect(html, id).to.contain(`<canvas id="${chart}" data-chart=`);
      expect(chartOf(html, chart).kind, id).to.equal(kind);
      expect(html, id).to.match(/<table class="table[^"]*hk-results">/);
      expect(unescape(html), id).to.contain(`href="/indikatorer/HK01/${id}.csv?${query}"`);
      expect(unescape(html), id).to.contain(`href="/indikatorer/HK01/${id}.xlsx?${query}"`);
    }
    expect(res.text).to.contain('<script src="/static/js/charts.js" defer></script>');
    expect(res.text).not.to.contain('<script>');
  });

  it('the picker switches the charts to another indicator, keeping period and unit, and the funnel switch keeps it', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const res = await agent.get('/indikatorer?period=2025&unit=municipality:751&indikator=HK03');

    expect(res.status).to.equal(200);
    expect(res.text).to.contain('<option value="HK03" selected>HK03 Vedholdenhed</option>');
    expect(res.text).not.to.contain('<option value="HK01" selected>');
    const comparison = chartOf(res.text, 'chart-comparison');
    expect(comparison.points.find((p: { label: string }) => p.label === 'Aarhus')).to.deep.include({ value: 0.8, selected: true });
    expect(section(res.text, 'sammenligning')).to.contain('8 / 10');
    expect(section(res.text, 'tragt')).to.contain('Tragtdiagram – kommunerne i Region Midtjylland');
    expect(unescape(res.text)).to.contain('href="/indikatorer/HK03/tragt.csv?period=2025&unit_type=municipality&unit_code=751"');
    expect(unescape(res.text)).to.contain('href="/indikatorer?period=2025&unit_type=municipality&unit_code=751&indikator=HK03&funnel=DK#tragt"');
    const country = await agent.get('/indikatorer?period=2025&unit_type=municipality&unit_code=751&indikator=HK03&funnel=DK');
    expect(section(country.text, 'tragt')).to.contain('kommunerne i Danmark');
    const countryFunnel = chartOf(country.text, 'chart-funnel');
    // København's 2 of 2 lie outside the region user's scope: pooled into p0, not plotted
    expect(countryFunnel.points.map((p: { label: string }) => p.label)).not.to.include('København');
    expect(countryFunnel.p0).to.be.closeTo(19 / 21, 1e-12);
  });

  it('an unknown indicator in the picker answers 400 with a Danish message at the field and the form kept', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const bad = await agent.get('/indikatorer?period=2024&unit=municipality:751&indikator=HK99');
    const twice = await agent.get('/indikatorer?period=2025&indikator=HK01&indikator=HK02');
    const script = await agent.get('/indikatorer?period=2025&indikator=%3Cscript%3E');

    expect([bad.status, twice.status, script.status]).to.deep.equal([400, 400, 400]);
    expect(bad.text).to.match(/<div class="form-group form-error">\s*<label class="form-label" for="indikator">/);
    expect(bad.text).to.contain('id="indikator-error"');
    expect(bad.text).to.contain('Vælg en indikator fra listen (HK01–HK14).');
    expect(bad.text).to.contain('<option value="2024" selected>');
    expect(bad.text).to.contain('<option value="municipality:751" selected>');
    expect(bad.text).to.contain('href="#indikator"');
    expect(bad.text).not.to.contain('data-chart=');
    expect(script.text).not.to.contain('<script>');
  });

  it('hiding holds in the dashboard funnel plot for a therapist: a small result elsewhere is pooled, not plotted, no numbers', async () => {
    const therapist = (await loginAs(t.app, 'terapeut.aarhus@demo.dk')).agent;
    const region = (await loginAs(t.app, 'kvalitet.midt@demo.dk')).agent;

    const mine = await therapist.get('/indikatorer?period=2025&indikator=HK03');
    const theirs = await region.get('/indikatorer?period=2025&unit=municipality:751&indikator=HK03');

    const funnel = chartOf(mine.text, 'chart-funnel');
    expect(funnel.points.map((p: { label: string }) => p.label)).to.include.members(['Aarhus', 'Herning']);
    expect(funnel.points.map((p: { label: string }) => p.label)).not.to.include('Randers');
    expect(funnel.p0).to.be.closeTo(17 / 19, 1e-12); // Randers' 3 of 3 stay pooled into p0
    const randersRow = /<th scope="row">Randers<\/th>[\s\S]*?<\/tr>/.exec(section(mine.text, 'tragt'))![0];
    expect(randersRow).to.contain('få data');
    expect(randersRow).not.to.contain('3 / 3');
    expect(randersRow).not.to.contain('100,0 %');
    const comparisonRanders = chartOf(mine.text, 'chart-comparison').points.find((p: { label: string }) => p.label.startsWith('Randers'));
    expect(comparisonRanders).to.deep.include({ label: 'Randers (få data)', value: null });
    // the same page for a region user, whose scope holds Randers, plots it with its numbers
    expect(chartOf(theirs.text, 'chart-funnel').points.map((p: { label: string }) => p.label)).to.include('Randers');
    expect(section(theirs.text, 'tragt')).to.contain('3 / 3');
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

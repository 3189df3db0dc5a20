import { expect } from 'chai';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { fixed4 } from '../../../server/dashboard/downloads';
import { funnelLimits } from '../../../server/indicators/stats';
import { testEngine } from '../../helpers/db';
import { loginAs, testApp, TestApp } from '../../helpers/app';
import { seedHk03 } from './scenario';

type Row = Record<string, string>;

/** CSV bytes → header-keyed rows, after checking the BOM, CRLF and separator. */
function parseCsv(body: Buffer): Row[] {
  const text = body.toString('utf8');
  expect(text.charCodeAt(0)).to.equal(0xfeff);
  expect(text.endsWith('\r\n')).to.equal(true);
  expect(text.replace(/\r\n/g, '')).not.to.contain('\n');
  const [header, ...lines] = text.slice(1).split('\r\n').filter(Boolean);
  const columns = header.split(';');
  return lines.map((line) => Object.fromEntries(line.split(';').map((v, i) => [columns[i], v])));
}

/** An API row as the CSV must write it: 4 decimals, 1/0, empty for null, timestamps to the second. */
function asCsv(r: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(r)) {
    if (v === null) out[k] = '';
    else if (typeof v === 'boolean') out[k] = v ? '1' : '0';
    else if (['value', 'ci_low', 'ci_high', 'missing_low', 'missing_high'].includes(k)) out[k] = fixed4(v as number);
    else if (k === 'computed_at') out[k] = String(v).replace(/\.\d+Z$/, 'Z');
    else out[k] = String(v);
  }
  return out;
}

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe(`indicator downloads CSV/XLSX (${testEngine})`, () => {
  let t: TestApp;
  before(async () => {
    t = await testApp();
    await seedHk03(t.db);
  });

  it('the dashboard CSV holds exactly the API rows for the unit, rounded to 4 decimals', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const csv = await agent.get('/indikatorer/resultater.csv?period=2025&unit_type=municipality&unit_code=751').buffer(true).parse(binary);
    const api = await agent.get('/api/v1/indicators?period=2025&unit_type=municipality&unit_code=751');

    expect(csv.headers['content-type']).to.match(/^text\/csv/);
    expect(csv.headers['content-disposition']).to.contain('indikatorer-2025-municipality-751.csv');
    const rows = parseCsv(csv.body);
    const expected = api.body.results.map(asCsv);
    expect(rows.map(({ computed_at: _c, ...r }) => r)).to.deep.equal(expected.map(({ computed_at: _c, ...r }: Row) => r));
    expect(rows[2]).to.include({ indicator_id: 'HK03', value: '0.8000', ci_low: '0.4902', ci_high: '0.9433', missing_low: '0.7273', standard_met: '1', few_data: '0' });
    expect(rows[2].computed_at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('the comparison CSV of a therapist hides the small result of another municipality exactly as formats.md says', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const csv = await agent.get('/indikatorer/HK03/sammenligning.csv?period=2025&unit_type=municipality&unit_code=751').buffer(true).parse(binary);

    const rows = parseCsv(csv.body);
    expect(rows).to.have.length(19);
    const randers = rows.find((r) => r.unit_code === '730')!;
    expect(randers).to.deep.include({
      numerator: '', denominator: '', missing: '', value: '', ci_low: '', ci_high: '', missing_low: '', missing_high: '',
      standard: '>=0.75', standard_met: '', few_data: '1',
    });
    expect(rows.find((r) => r.unit_code === '751')).to.include({ numerator: '8', denominator: '10' });
  });

  it('the funnel CSV pools a hidden municipality into p0 but leaves its limits and outlier empty', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const csv = await agent.get('/indikatorer/HK03/tragt.csv?period=2025&unit_type=municipality&unit_code=751').buffer(true).parse(binary);
    const page = await agent.get('/indikatorer/HK03?period=2025&unit_type=municipality&unit_code=751');

    const rows = parseCsv(csv.body);
    expect(Object.keys(rows[0]).slice(-15)).to.deep.equal([
      'limit95_low', 'limit95_high', 'limit998_low', 'limit998_high', 'outlier', 'shrunk_value', 'limit95_od_low', 'limit95_od_high',
      'limit998_od_low', 'limit998_od_high', 'outlier_od', 'p0', 'phi', 'tau2', 'computed_at',
    ]);
    // p₀, φ and τ² on every row, never hidden: Aarhus 8/10, Herning 6/6, Randers 3/3 (hidden) → p₀ = 17/19
    expect(new Set(rows.map((r) => `${r.p0};${r.phi};${r.tau2}`))).to.deep.equal(new Set([`${fixed4(17 / 19)};${rows[0].phi};${rows[0].tau2}`]));
    expect(rows[0].phi).to.match(/^\d+\.\d{6}$/);
    expect(rows.find((r) => r.unit_code === '730')).to.include({ shrunk_value: '', limit998_od_low: '', outlier_od: '', p0: fixed4(17 / 19) });
    expect(rows.find((r) => r.unit_code === '751')!.shrunk_value).to.match(/^0\.\d{4}$/);
    const limits = funnelLimits(17 / 19, 10)!;
    expect(rows.find((r) => r.unit_code === '751')).to.include({
      limit95_low: fixed4(limits.limit95.low), limit95_high: fixed4(limits.limit95.high), limit998_low: fixed4(limits.limit998.low), outlier: '',
    });
    expect(rows.find((r) => r.unit_code === '730')).to.include({ denominator: '', value: '', limit95_low: '', limit998_high: '', outlier: '' });
    const chart = JSON.parse(/id="chart-funnel" data-chart="([^"]*)"/.exec(page.text)![1].replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
    expect(chart.p0).to.equal(17 / 19);
    expect(chart.points.map((p: { label: string }) => p.label).sort()).to.deep.equal(['Aarhus', 'Herning']);
  });

  it('download rows are ordered by unit_code in municipalities.csv order, clusters alphabetically, and by period', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');
    const regionOrder = (await t.db('municipalities').where({ region_code: '1082' }).orderBy('sort_order').pluck('code')) as string[];

    const comparison = parseCsv((await agent.get('/indikatorer/HK03/sammenligning.csv?period=2025&unit_type=municipality&unit_code=751').buffer(true).parse(binary)).body);
    const clusters = parseCsv((await agent.get('/indikatorer/HK03/sammenligning.csv?period=2025&unit_type=cluster&unit_code=aarhus').buffer(true).parse(binary)).body);
    const trend = parseCsv((await agent.get('/indikatorer/HK03/udvikling.csv?period=2025&unit_type=region&unit_code=1082').buffer(true).parse(binary)).body);

    expect(comparison.map((r) => r.unit_code)).to.deep.equal(regionOrder);
    expect(clusters.map((r) => r.unit_code)).to.deep.equal(['aarhus', 'horsens', 'midt', 'randers', 'vest']);
    expect(trend.map((r) => r.period)).to.deep.equal(['2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1', '2025Q2', '2025Q3', '2025Q4']);
    expect(trend.find((r) => r.period === '2025Q2')).to.include({ numerator: '17', denominator: '19' });
  });

  it('a region user sees the same municipality in the funnel plot with its numbers', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const csv = await agent.get('/indikatorer/HK03/tragt.csv?period=2025&unit_type=region&unit_code=1082').buffer(true).parse(binary);

    expect(parseCsv(csv.body).find((r) => r.unit_code === '730')).to.include({ numerator: '3', denominator: '3', value: '1.0000' });
  });

  it('the XLSX holds the same rows with typed, unrounded cells and unit_code and period as text', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const res = await agent.get('/indikatorer/HK03/udvikling.xlsx?period=2025&unit_type=municipality&unit_code=751').buffer(true).parse(binary);
    const api = await agent.get('/api/v1/indicators?period=2025Q2&unit_type=municipality&unit_code=751&indicator_id=HK03');

    expect(res.headers['content-type']).to.contain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const q2 = sheet.getRow(3 + 4); // header, then 2024Q1…2025Q4: 2025Q2 is the 6th quarter
    const cell = (name: string) => q2.getCell(header.indexOf(name) + 1).value;
    expect(sheet.rowCount).to.equal(9);
    expect(cell('period')).to.equal('2025Q2');
    expect(cell('unit_code')).to.equal('751');
    expect(cell('ci_low')).to.equal(api.body.results[0].ci_low);
    expect(cell('numerator')).to.equal(8);
    expect(cell('standard_met')).to.equal(1);
    expect(cell('computed_at')).to.be.instanceOf(Date);
  });

  it('a download for an unknown chart or format is 404, for a bad period 400, and anonymous is sent to login', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.midt@demo.dk');

    const chart = await agent.get('/indikatorer/HK03/kage.csv?period=2025');
    const format = await agent.get('/indikatorer/HK03/tragt.pdf?period=2025');
    const period = await agent.get('/indikatorer/HK03/tragt.csv?period=1999');
    const anonymous = await request(t.app).get('/indikatorer/resultater.csv?period=2025');

    expect([chart.status, format.status, period.status, anonymous.status]).to.deep.equal([404, 404, 400, 303]);
  });
});

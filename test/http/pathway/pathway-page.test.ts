import { expect } from 'chai';
import request from 'supertest';
import { createUser, loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { aCpr, daysAgo } from '../../integration/courses/helpers';

const decode = (html: string) => html.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&#x3D;/g, '=').replace(/&lt;/g, '<')
  .replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The chart spec in a canvas' data-pathway-chart attribute (HTML-escaped JSON). */
function chartOf(html: string, id: string): { kind: string; points?: { label: string; count: number | null; value: number | null }[]; labels?: string[] } {
  const m = new RegExp(`id="${id}" data-pathway-chart="([^"]*)"`).exec(html);
  if (!m) throw new Error(`no chart ${id}`);
  return JSON.parse(decode(m[1]));
}

describe('Tværsektorielt forløb: pickers, funnel, comparison, trend, downloads (pathway.md §6)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let auh: LoggedIn;
  let randers: LoggedIn;
  let therapist: LoggedIn;
  let admin: LoggedIn;
  const year = daysAgo(45).slice(0, 4);
  before(async () => {
    t = await testApp();
    await t.db('municipalities').whereIn('code', ['751', '730']).update({ registering_since: '2020-01-01' });
    await createUser(t.db, { email: 'pp.auh@test.dk', roles: ['hospital'], scope: 'P108201' });
    await createUser(t.db, { email: 'pp.randers@test.dk', roles: ['hospital'], scope: 'P108203' });
    auh = await loginAs(t.app, 'pp.auh@test.dk');
    randers = await loginAs(t.app, 'pp.randers@test.dk');
    therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    admin = await loginAs(t.app, 'admin@demo.dk');
    for (let i = 0; i < 7; i += 1) {
      await auh.agent.post('/api/v1/referrals').set('X-CSRF-Token', auh.csrf)
        .send({ referral_id: `PP-${i}`, cpr: aCpr(), municipality_code: i < 6 ? '751' : '730', referral_date: daysAgo(45 + i), diagnosis_group: 'ihd' });
    }
  });

  it('every role reads the page; anonymous is sent to log in', async () => {
    expect((await request(t.app).get('/forloebsvej')).status).to.be.oneOf([302, 303, 401]);
    for (const u of [auh, randers, therapist, admin]) expect((await u.agent.get(`/forloebsvej?period=${year}`)).status).to.equal(200);
  });

  it('a department user: its referrals per municipality by default; the funnel is the unit with most referrals, counts as in the table', async () => {
    const res = await auh.agent.get(`/forloebsvej?period=${year}`);
    expect(res.text).to.contain('<option value="municipality" selected>');
    const stages = chartOf(res.text, 'pathway-stages');
    expect(stages.kind).to.equal('pathway-stages');
    expect(stages.points!.map((p) => p.label)).to.deep.equal(['Henvist', 'Modtaget', 'Tabt', 'Åben', 'Påbegyndt', 'Gennemført', 'Egen læge informeret']);
    const api = await auh.agent.get(`/api/v1/pathway?period=${year}&unit_type=municipality&sor_code=P108201&unit_code=751`);
    const row = api.body.results[0];
    expect(stages.points![0].count).to.equal(row.referred);
    expect(stages.points![2].count).to.equal(row.lost);
    expect(decode(res.text)).to.contain(`/api/v1/pathway.csv?unit_type=municipality&sor_code=P108201&period=${year}&unit_code=751"`);
    expect(decode(res.text)).to.match(/pathway\.xlsx\?[^"]*unit_code=751&trend=1"/);
    const cmp = chartOf(res.text, 'pathway-comparison');
    expect(cmp.points!.length).to.equal((await auh.agent.get(`/api/v1/pathway?period=${year}&unit_type=municipality&sor_code=P108201`)).body.results.length);
    expect(chartOf(res.text, 'pathway-trend').labels!.length).to.be.within(1, 8);
    expect(res.text).not.to.match(/\/forloeb\/\d/);
  });

  it('hides small cells from a hospital user (få data) and never shows another department', async () => {
    const res = await auh.agent.get(`/forloebsvej?period=${year}&unit_code=730`);
    const stages = chartOf(res.text, 'pathway-stages');
    expect(stages.points![0].count).to.equal(null);
    expect(res.text).to.contain('få data');
    expect((await auh.agent.get(`/forloebsvej?period=${year}&sor_code=P108203`)).status).to.equal(404);
    expect((await auh.agent.get(`/forloebsvej?period=${year}&unit_type=hospital&unit_code=P108203`)).status).to.equal(404);
    expect((await randers.agent.get(`/forloebsvej?period=${year}&unit_type=hospital`)).text).not.to.contain('data-unit="P108201"');
  });

  it('a therapist: the municipality\'s hospitals by default; a filter that does not fit the unit type is dropped; bad pickers are 400', async () => {
    const res = await therapist.agent.get(`/forloebsvej?period=${year}`);
    expect(res.text).to.contain('<option value="hospital" selected>');
    expect(res.text).to.contain('<option value="751" selected>');
    expect(res.text).to.contain('data-unit="P108201"');
    expect((await therapist.agent.get(`/forloebsvej?period=${year}&unit_type=region&area=751`)).status).to.equal(200);
    expect((await therapist.agent.get(`/forloebsvej?period=${year}&indicator=p9`)).status).to.equal(400);
    expect((await therapist.agent.get('/forloebsvej?period=20x5')).status).to.equal(400);
    const p3 = await therapist.agent.get(`/forloebsvej?period=${year}&indicator=p3`);
    expect(p3.text).to.contain('Sammenligning: HK-P3');
  });
});

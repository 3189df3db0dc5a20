import { expect } from 'chai';
import type { LoggedIn } from '../../helpers/app';
import { testApp, type TestApp } from '../../helpers/app';
import {
  AFSLUTNING, cprNo, createThroughForm, HENVISNING, INDSATSER, OPSTART, therapist, versionOf,
} from './pages-helpers';

const LONG = 'x'.repeat(20_000);
const SECTIONS = { henvisning: HENVISNING(cprNo(50)), opstart: OPSTART, indsatser: INDSATSER, afslutning: AFSLUTNING };

/** Every field of a form sent twice (a=1&a=2), or replaced by a very long string. */
function repeated(fields: Record<string, string>): string {
  return Object.entries(fields).map(([k, v]) => `${k}=${encodeURIComponent(v)}&${k}=${encodeURIComponent(v + '1')}`).join('&');
}
const long = (fields: Record<string, string>) => Object.fromEntries(Object.keys(fields).map((k) => [k, LONG]));

describe('course pages and API: hostile input is answered 4xx, never 500', () => {
  let t: TestApp;
  let u: LoggedIn;
  let id: number;
  before(async () => {
    t = await testApp();
    u = await therapist(t.app);
    id = await createThroughForm(u, cprNo(51));
  });

  const version = async () => versionOf((await u.agent.get(`/forloeb/${id}`)).text);

  it('odd course ids in page URLs get 404', async () => {
    for (const bad of ['abc', '99999999999999999999', '0', '-1', '1.5', '%00', '1e3', LONG.slice(0, 5000)]) {
      for (const path of [`/forloeb/${bad}`, `/forloeb/${bad}/annuller`]) {
        const res = await u.agent.get(path);
        expect(res.status, path.slice(0, 60)).to.equal(404);
      }
      const save = await u.agent.post(`/forloeb/${bad}/opstart`).type('form').send({ _csrf: u.csrf, version: '1' });
      expect(save.status, bad.slice(0, 60)).to.equal(404);
    }
  });

  it('every section with each field repeated (a=1&a=2) gets 400 or a save, never 500', async () => {
    for (const [section, fields] of Object.entries(SECTIONS)) {
      const res = await u.agent.post(`/forloeb/${id}/${section}`).type('form')
        .send(`_csrf=${u.csrf}&version=${await version()}&${repeated(fields)}`);
      expect([303, 400, 409], `${section}: ${res.status}`).to.include(res.status);
    }
  });

  it('every section with 20 000-character values gets 400 with messages, never 500', async () => {
    for (const [section, fields] of Object.entries(SECTIONS)) {
      const res = await u.agent.post(`/forloeb/${id}/${section}`).type('form')
        .send({ _csrf: u.csrf, version: await version(), ...long(fields) });
      expect(res.status, section).to.equal(400);
      expect(res.text, section).to.contain('form-error-message');
    }
  });

  it('a repeated, huge or negative version gets 400, never 500', async () => {
    for (const v of [['1', '2'], '99999999999999999999', '-1', '1.5', LONG]) {
      const res = await u.agent.post(`/forloeb/${id}/indsatser`).type('form').send({ _csrf: u.csrf, version: v, ...INDSATSER });
      expect([400, 409], JSON.stringify(v).slice(0, 40)).to.include(res.status);
    }
  });

  it('an unknown section name gets 404', async () => {
    for (const section of ['hemmelig', 'constructor', '__proto__', 'toString', LONG.slice(0, 3000)]) {
      const res = await u.agent.post(`/forloeb/${id}/${section}`).type('form').send({ _csrf: u.csrf, version: '1' });
      expect(res.status, section.slice(0, 40)).to.equal(404);
    }
  });

  it('the new-course form with repeated or very long fields gets 400, never 500', async () => {
    const twice = await u.agent.post('/forloeb/nyt').type('form').send(`_csrf=${u.csrf}&${repeated(HENVISNING(cprNo(52)))}`);
    const huge = await u.agent.post('/forloeb/nyt').type('form').send({ _csrf: u.csrf, ...long(HENVISNING('')) });
    expect([303, 400]).to.include(twice.status);
    expect(huge.status).to.equal(400);
  });

  it('annul with a repeated or very long reason and version gets 400, 409 or a save, never 500', async () => {
    const other = await createThroughForm(u, cprNo(53));
    const twice = await u.agent.post(`/forloeb/${other}/annuller`).type('form')
      .send(`_csrf=${u.csrf}&version=1&version=2&reason=a&reason=b`);
    expect([303, 400, 409]).to.include(twice.status);
    const huge = await u.agent.post(`/forloeb/${other}/annuller`).type('form').send({ _csrf: u.csrf, version: LONG, reason: LONG });
    expect([303, 400]).to.include(huge.status);
  });

  it('list and search with repeated, bogus or huge filters get 200 or 400, never 500', async () => {
    for (const q of ['state=bogus', 'state=a&state=b', 'page=-1', 'page=99999999999999999999', 'page=1&page=2', 'year=abc',
      'year=1&year=2', 'diagnosis_group[x]=1', `q=${LONG.slice(0, 5000)}`]) {
      const page = await u.agent.get(`/forloeb?${q}`);
      const api = await u.agent.get(`/api/v1/courses?${q}`);
      expect([200, 400], `page ${q.slice(0, 40)}: ${page.status}`).to.include(page.status);
      expect([200, 400], `api ${q.slice(0, 40)}: ${api.status}`).to.include(api.status);
    }
    const search = await u.agent.post('/forloeb').type('form').send(`_csrf=${u.csrf}&q=a&q=b&cpr=1&cpr=2`);
    const longSearch = await u.agent.post('/forloeb').type('form').send({ _csrf: u.csrf, q: 'x'.repeat(60_000) });
    const longApiSearch = await u.agent.post('/api/v1/courses/search').set('X-CSRF-Token', u.csrf).send({ q: 'x'.repeat(60_000) });
    expect([200, 400]).to.include(search.status);
    expect([200, 400], `page: ${longSearch.status}`).to.include(longSearch.status);
    expect([200, 400], `api: ${longApiSearch.status}`).to.include(longApiSearch.status);
  });

  it('API bodies of the wrong shape get 400 with fields, never 500', async () => {
    const path = `/api/v1/courses/${id}`;
    const send = (method: 'post' | 'patch', url: string, body: unknown) =>
      u.agent[method](url).set('X-CSRF-Token', u.csrf).set('Content-Type', 'application/json').send(JSON.stringify(body));
    const bodies: unknown[] = [[], 'text', 42, null, { cpr: ['0101701235'] }, { referral_date: { $gt: '' } },
      { height_cm: 1e308 }, { height_cm: -0 }, { weight_start_kg: '82.5' }, { patient_name: LONG }, { version: '1' },
      { version: 1e20 }, { __proto__: { x: 1 } }, { constructor: 'x' }];
    for (const body of bodies) {
      for (const [method, url] of [['post', '/api/v1/courses'], ['patch', path], ['post', `${path}/annul`],
        ['post', '/api/v1/courses/search']] as const) {
        const res = await send(method, url, body);
        expect([400, 409], `${method} ${url} ${JSON.stringify(body)?.slice(0, 60)}: ${res.status}`).to.include(res.status);
        expect(res.body.error, `${method} ${url}`).to.have.property('fields');
      }
    }
  });
});

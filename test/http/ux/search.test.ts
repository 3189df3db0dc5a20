import { expect } from 'chai';
import { loginAs, type LoggedIn, testApp, type TestApp } from '../../helpers/app';
import { cprNo, createThroughForm, postForm, therapist } from '../courses/pages-helpers';

/** The course ids of a list page, in page order. */
function ids(html: string): number[] {
  return [...html.matchAll(/href="\/forloeb\/(\d+)"/g)].map((m) => Number(m[1]));
}

/** The names of the admin user list, in page order. */
function userNames(html: string): string[] {
  return [...html.matchAll(/<a href="\/admin\/brugere\/\d+">([^<]*)<\/a>/g)].map((m) => m[1]);
}

describe('Danish search and sort (issue 10 §2), the same on both engines', () => {
  let t: TestApp;
  let u: LoggedIn;
  const course: Record<string, number> = {};
  const NAMES = ['Åse Ørsted', 'Søren Clausen', 'Émile Müller', 'Zacharias Andersen', 'Ærtebjerg Hansen', 'Aage Nielsen'];
  before(async () => {
    t = await testApp();
    u = await therapist(t.app);
    // "Å" typed decomposed (A + ring) must be stored and found as the composed letter.
    const stored = NAMES.map((n) => (n === 'Åse Ørsted' ? 'A\u030Ase Ørsted' : n));
    for (const [i, name] of stored.entries()) course[NAMES[i]] = await createThroughForm(u, cprNo(20 + i), { patient_name: name });
  });

  const cases: [string, string[]][] = [
    ['Åse Ørsted', ['Åse Ørsted']], ['Ørsted', ['Åse Ørsted']], ['ørsted', ['Åse Ørsted']], ['SØREN', ['Søren Clausen']],
    ['Clausen', ['Søren Clausen']], ['clausen', ['Søren Clausen']], ['ÆRTEBJERG', ['Ærtebjerg Hansen']],
    ['émile', ['Émile Müller']], ['MÜLLER', ['Émile Müller']], ['A\u030Ase', ['Åse Ørsted']], ['  åse   ørsted ', ['Åse Ørsted']],
    ['100%', []], ['_', []],
  ];
  for (const [q, expected] of cases) {
    it(`searching for "${q}" finds ${expected.length ? expected.join(', ') : 'nothing'}`, async () => {
      const res = await postForm(u, '/forloeb', { q });
      expect(res.status).to.equal(200);
      expect(ids(res.text).sort()).to.deep.equal(expected.map((n) => course[n]).sort());
    });
  }

  it('the admin user list searches names case-insensitively and sorts them … x y z æ ø å', async () => {
    const admin = await loginAs(t.app, 'admin@demo.dk');
    for (const name of ['Åge Ærø', 'Øjvind Zealand', 'Zenia Yde', 'Yrsa Xu', 'Aabenraa Kim', 'Ærlig Ånd']) {
      const email = `${name.split(' ')[0].normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()}@sort.dk`;
      const page = await admin.agent.get('/admin/brugere/ny');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
      const res = await admin.agent.post('/admin/brugere/ny').type('form')
        .send({ _csrf: csrf, email, name, roles: 'quality', scope: '751', password: 'en-lang-adgangskode-1234' });
      expect(res.status, res.text.slice(0, 500)).to.be.oneOf([200, 303]);
    }
    const found = await admin.agent.get('/admin/brugere').query({ q: 'ÆR' });
    expect(userNames(found.text).sort()).to.deep.equal(['Åge Ærø', 'Ærlig Ånd'].sort());
    const all = userNames((await admin.agent.get('/admin/brugere').query({ q: '@sort.dk' })).text);
    expect(all).to.deep.equal(['Yrsa Xu', 'Zenia Yde', 'Ærlig Ånd', 'Øjvind Zealand', 'Aabenraa Kim', 'Åge Ærø']);
  });
});

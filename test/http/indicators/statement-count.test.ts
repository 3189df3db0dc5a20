import { expect } from 'chai';
import { DEMO_USERS } from '../../../server/demo/users';
import { testEngine } from '../../helpers/db';
import { loginAs, LoggedIn, testApp, TestApp } from '../../helpers/app';
import { seedHk03 } from './scenario';

/** issue 9: the pages of the indicators need ~12 statements; more means a feature reads what it should be given. */
const MAX_STATEMENTS = 15;

const PAGES = [
  { name: 'GET /indikatorer', path: '/indikatorer' },
  { name: 'GET /indikatorer/HK03', path: '/indikatorer/HK03?period=2025' },
  { name: 'GET /api/v1/indicators', path: '/api/v1/indicators?period=2025&unit_type=municipality' },
] as const;

/** The SQL statements the database receives while `run` is under way (knex's 'query' event, transactions included). */
async function statementsDuring(t: TestApp, run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (q: { sql: string }) => seen.push(q.sql);
  t.db.on('query', listener);
  try {
    await run();
  } finally {
    t.db.removeListener('query', listener);
  }
  return seen;
}

describe(`statements behind the indicator pages, per demo user (${testEngine})`, () => {
  let t: TestApp;
  const agents = new Map<string, LoggedIn>();
  before(async function () {
    this.timeout(120_000); // ten logins, each hashing a password
    t = await testApp();
    await seedHk03(t.db);
    for (const u of DEMO_USERS) agents.set(u.email, await loginAs(t.app, u.email));
    // A first request per page warms what is read once per database handle (reference data, standards' cache, …).
    const { agent } = agents.get(DEMO_USERS[0].email)!;
    for (const page of PAGES) await agent.get(page.path);
  });

  for (const page of PAGES) {
    for (const user of DEMO_USERS) {
      it(`${page.name} as ${user.email} (${user.roles.join(', ')} ${user.scope}) costs at most ${MAX_STATEMENTS} statements`, async () => {
        const { agent } = agents.get(user.email)!;
        let status = 0;
        const statements = await statementsDuring(t, async () => { status = (await agent.get(page.path)).status; });

        if (process.env.SHOW_STATEMENTS) console.log(`      ${statements.length} statements, status ${status}`);
        expect(status).to.equal(200);
        expect(statements.length, statements.join('\n')).to.be.at.most(MAX_STATEMENTS).and.at.least(1);
      });
    }
  }
});

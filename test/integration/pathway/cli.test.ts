import { expect } from 'chai';
import type { CliContext } from '../../../server/cli/command';
import { COMMANDS } from '../../../server/cli/index';
import { runCli } from '../../../server/cli/run';
import type { Db } from '../../../server/db/connect';
import { hospitals } from '../../../server/geography';
import { createUser, testConfig } from '../../helpers/app';
import { freshDb, testEngine } from '../../helpers/db';

describe('command line: hospital, municipality registering, referral rematch (pathway.md §7)', function () {
  this.timeout(60_000);
  let db: Db;
  before(async () => { db = await freshDb(); });

  async function cli(...argv: string[]) {
    const run = { code: -1, out: [] as string[], err: [] as string[] };
    const ctx: CliContext = { config: testConfig({ isPostgres: testEngine === 'pg' }), db: () => db, out: (l) => run.out.push(l), err: (l) => run.err.push(l) };
    run.code = await runCli(COMMANDS, argv, ctx);
    return run;
  }

  it('lists the shipped departments in file order, none confirmed', async () => {
    const r = await cli('hospital', 'list');
    expect(r.code).to.equal(0);
    expect(r.out[0]).to.match(/^P108101;/);
    expect(r.out.some((l) => l.includes(';confirmed;'))).to.equal(false);
  });

  it('adds with the default status, refuses a bad code, sets, deactivates', async () => {
    expect((await cli('hospital', 'add', '--sor', 'P108299', '--name', 'Test, kardiologi', '--region', '1082')).code).to.equal(0);
    expect((await hospitals(db)).at(-1)).to.include({ sor_code: 'P108299', sor_status: 'placeholder', active: true });
    expect((await cli('hospital', 'add', '--sor', '0123456789', '--name', 'X', '--region', '1082')).code).to.equal(1);
    expect((await cli('hospital', 'set', '--sor', 'P108299', '--status', 'confirmed', '--source', 'SOR 2026-11-30')).code).to.equal(0);
    expect((await cli('hospital', 'deactivate', '--sor', 'P108299')).code).to.equal(0);
    expect((await hospitals(db)).find((h) => h.sor_code === 'P108299')).to.include({ sor_status: 'confirmed', active: false });
  });

  it('recode replaces the code in the table, referrals, courses and user scopes at once (audited as cli)', async () => {
    await createUser(db, { email: 'recode@test.dk', roles: ['hospital'], scope: 'P108203' });
    const r = await cli('hospital', 'recode', '--from', 'P108203', '--to', '123456789012');
    expect(r.code, r.err.join()).to.equal(0);
    expect((await db('users').where('email', 'recode@test.dk').first()).scope).to.equal('123456789012');
    const list = await hospitals(db);
    expect(list.some((h) => h.sor_code === 'P108203')).to.equal(false);
    expect(list.find((h) => h.sor_code === '123456789012')).to.include({ sor_status: 'unconfirmed' });
    expect(await db('audit_log').where({ action: 'hospital_recode', actor_email: 'cli' }).first()).to.not.equal(undefined);
  });

  it('municipality registering sets and clears the coverage date', async () => {
    expect((await cli('municipality', 'registering', '--code', '751', '--since', '2024-01-01')).code).to.equal(0);
    expect(String((await db('municipalities').where('code', '751').first()).registering_since)).to.match(/2024/);
    expect((await cli('municipality', 'registering', '--code', '751', '--none')).code).to.equal(0);
    expect((await db('municipalities').where('code', '751').first()).registering_since).to.equal(null);
    expect((await cli('municipality', 'registering', '--code', '999', '--none')).code).to.equal(1);
    expect((await cli('municipality', 'registering', '--code', '751')).code).to.equal(2);
  });

  it('referral rematch prints the counts and writes one audit row', async () => {
    const r = await cli('referral', 'rematch');
    expect(r.code).to.equal(0);
    expect(r.out[0]).to.match(/^Grupper: 0, koblede henvisninger: 0, ændrede koblinger: 0$/);
    expect((await db('audit_log').where('action', 'referral_rematch')).length).to.equal(1);
  });
});

import { expect } from 'chai';
import type { CliContext } from '../../../server/cli/command';
import { COMMANDS } from '../../../server/cli/index';
import { runCli } from '../../../server/cli/run';
import type { Db } from '../../../server/db/connect';
import { geography, invalidateGeography } from '../../../server/geography';
import { resolveScope, unitInsideScope } from '../../../server/access';
import { testConfig } from '../../helpers/app';
import { freshDb, testEngine } from '../../helpers/db';

describe(`geography: read once per database handle (${testEngine})`, function () {
  this.timeout(60_000);
  let db: Db;
  before(async () => { db = await freshDb(); });

  async function statementsDuring(run: () => Promise<unknown>): Promise<number> {
    let n = 0;
    const count = () => { n++; };
    db.on('query', count);
    try { await run(); } finally { db.removeListener('query', count); }
    return n;
  }

  it('holds the 98 municipalities in municipalities.csv order, 5 regions, and answers from memory', async () => {
    invalidateGeography(db);
    const geo = await geography(db);
    expect(geo.units('municipality')).to.have.length(98);
    expect(geo.units('region').map((r) => r.code)).to.deep.equal(['1081', '1082', '1083', '1084', '1085']);
    expect(geo.municipality('751')).to.include({ name: 'Aarhus', regionCode: '1082' });
  });

  it('costs one statement however often scope, units and names are asked (the promise of the result is cached)', async () => {
    invalidateGeography(db);
    const n = await statementsDuring(async () => {
      for (let i = 0; i < 20; i++) {
        await geography(db);
        await resolveScope(db, '751');
        await unitInsideScope(db, { kind: 'region', code: '1082' }, 'cluster', 'aarhus');
      }
    });
    expect(n).to.equal(1);
  });

  it('sees a change made through the command line (municipality registering invalidates it)', async () => {
    const ctx: CliContext = { config: testConfig({ isPostgres: testEngine === 'pg' }), db: () => db, out: () => undefined, err: () => undefined };
    expect((await geography(db)).municipality('751')!.registeringSince).to.equal(null);

    expect(await runCli(COMMANDS, ['municipality', 'registering', '--code', '751', '--since', '2024-03-01'], ctx)).to.equal(0);
    expect((await geography(db)).municipality('751')!.registeringSince).to.equal('2024-03-01');

    expect(await runCli(COMMANDS, ['municipality', 'registering', '--code', '751', '--none'], ctx)).to.equal(0);
    expect((await geography(db)).municipality('751')!.registeringSince).to.equal(null);
  });

  it('a transaction reads its own copy (never waits for the handle it runs inside)', async () => {
    await db.transaction(async (trx) => {
      expect((await geography(trx)).units('municipality')).to.have.length(98);
    });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { CliContext } from '../../../server/cli/command';
import { COMMANDS } from '../../../server/cli/index';
import { runCli } from '../../../server/cli/run';
import type { Db } from '../../../server/db/connect';
import { createDemoUsersIfEmpty } from '../../../server/demo/users';
import { createUser, testConfig } from '../../helpers/app';
import { freshDb, testEngine } from '../../helpers/db';
import { FIXTURES, HOLBAEK_SOR } from './helpers';

interface Run { code: number; out: string[]; err: string[] }

describe('command line: fhir import and sor import', () => {
  let db: Db;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-cli-fhir-'));
  const sorFile = path.join(dir, 'sor.csv');
  fs.writeFileSync(sorFile, HOLBAEK_SOR);
  beforeEach(async () => {
    db = await freshDb();
    await createDemoUsersIfEmpty(db);
    await createUser(db, { email: 'terapeut.holbaek@test.dk', roles: ['therapist'], scope: '316' });
  });

  async function cli(...argv: string[]): Promise<Run> {
    const run: Run = { code: -1, out: [], err: [] };
    const ctx: CliContext = { config: testConfig({ isPostgres: testEngine === 'pg' }), db: () => db, out: (l) => run.out.push(l), err: (l) => run.err.push(l) };
    run.code = await runCli(COMMANDS, argv, ctx);
    return run;
  }
  const fx = (n: string) => path.join(FIXTURES, n);
  const count = async (table: string) => Number((await db(table).count({ n: '*' }))[0].n);

  it('sor import: --dry-run checks, a real run replaces the list (audited); only a DK admin; a bad file exits 1', async () => {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'sor_code;kind;municipality_code;name\n0123;hospital;;X\n');

    const dry = await cli('sor', 'import', sorFile, '--dry-run', '--as', 'admin@demo.dk');
    const afterDry = await count('sor_list');
    const real = await cli('sor', 'import', sorFile, '--as', 'admin@demo.dk');
    const therapist = await cli('sor', 'import', sorFile, '--as', 'terapeut.aarhus@demo.dk');
    const broken = await cli('sor', 'import', bad, '--as', 'admin@demo.dk');

    expect([dry.code, afterDry, real.code, therapist.code, broken.code]).to.deep.equal([0, 0, 0, 1, 1]);
    expect(await count('sor_list')).to.equal(5);
    expect(await db('audit_log').where('action', 'sor_import').count({ n: '*' }).then((r) => Number(r[0].n))).to.equal(1);
    expect(broken.err.join('\n')).to.include('Linje 2');
  });

  it('fhir import: files in order, each on its own; the first with errors stops the run, later files skipped; --dry-run writes nothing', async () => {
    await cli('sor', 'import', sorFile, '--as', 'admin@demo.dk');

    const dry = await cli('fhir', 'import', fx('bruno-report.json'), fx('bruno-report-afbrudt.json'), '--dry-run', '--as', 'terapeut.holbaek@test.dk');
    const afterDry = await count('courses');
    const stopped = await cli('fhir', 'import', fx('bruno-report.json'), fx('bruno-report-kostvejledning-validationerror.json'), fx('bruno-report-afbrudt.json'), '--as', 'terapeut.holbaek@test.dk');

    expect(dry.code).to.equal(0);
    const dryReport = JSON.parse(dry.out.join('\n'));
    expect(dryReport).to.include({ dry_run: true, bundles: 2, created: 1, unchanged: 1 });
    expect(afterDry).to.equal(0);
    expect(stopped.code).to.equal(1);
    const report = JSON.parse(stopped.out.join('\n'));
    expect(report).to.include({ bundles: 2, created: 1 });
    expect(report.errors[0]).to.include({ bundle: 'bruno-report-kostvejledning-validationerror.json', code: 'intervention_plan', expression: 'Bundle.entry[8]' });
    expect(report.information.find((i: { code: string }) => i.code === 'skipped').bundle).to.equal('bruno-report-afbrudt.json');
    expect(await count('courses')).to.equal(1);
  });
});

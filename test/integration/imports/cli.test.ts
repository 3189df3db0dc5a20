import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { CliContext } from '../../../server/cli/command';
import { COMMANDS } from '../../../server/cli/index';
import { runCli } from '../../../server/cli/run';
import { createDemoUsersIfEmpty } from '../../../server/demo/users';
import type { Db } from '../../../server/db/connect';
import { testConfig } from '../../helpers/app';
import { freshDb, testEngine } from '../../helpers/db';
import { closedCourse, cprNo, notStartedCourse, storeCourse } from '../submissions/fixtures';
import { courseCount, csvOf } from './helpers';

interface Run { code: number; out: string[]; err: string[] }

describe('command line: import and submission create', () => {
  let db: Db;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-cli-import-'));
  beforeEach(async () => {
    db = await freshDb();
    await createDemoUsersIfEmpty(db);
  });

  async function cli(...argv: string[]): Promise<Run> {
    const run: Run = { code: -1, out: [], err: [] };
    const ctx: CliContext = {
      config: testConfig({ isPostgres: testEngine === 'pg' }), db: () => db,
      out: (l) => run.out.push(l), err: (l) => run.err.push(l),
    };
    run.code = await runCli(COMMANDS, argv, ctx);
    return run;
  }

  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  it('import of a valid file exits 0 and prints the report; --dry-run writes nothing', async () => {
    const csv = file('ok.csv', csvOf([notStartedCourse({ cpr: cprNo(1) })]));

    const dry = await cli('import', csv, '--dry-run', '--as', 'terapeut.aarhus@demo.dk');
    const countAfterDry = await courseCount(db);
    const real = await cli('import', csv, '--as', 'terapeut.aarhus@demo.dk');

    expect(dry.code).to.equal(0);
    expect(JSON.parse(dry.out.join('\n'))).to.include({ dry_run: true, created: 1 });
    expect(countAfterDry).to.equal(0);
    expect(real.code).to.equal(0);
    expect(JSON.parse(real.out.join('\n'))).to.include({ dry_run: false, created: 1 });
    expect(await courseCount(db)).to.equal(1);
  });

  it('import of a file with an error exits 1, prints the report naming the line, writes nothing', async () => {
    const csv = file('bad.csv', csvOf([notStartedCourse({ cpr: cprNo(2) }), { ...notStartedCourse({ cpr: cprNo(3) }), diagnosis_group: 'x' }]));

    const run = await cli('import', csv, '--as', 'terapeut.aarhus@demo.dk');

    expect(run.code).to.equal(1);
    expect(JSON.parse(run.out.join('\n')).errors[0]).to.include({ line: 3, column: 'diagnosis_group' });
    expect(run.err.join('\n')).to.match(/1 fejl/);
    expect(await courseCount(db)).to.equal(0);
  });

  it('import without --as exits 2; as an exporter or a missing file exits 1', async () => {
    const csv = file('x.csv', csvOf([notStartedCourse({ cpr: cprNo(4) })]));

    expect((await cli('import', csv)).code).to.equal(2);
    expect((await cli('import', csv, '--as', 'indberetter.aarhus@demo.dk')).code).to.equal(1);
    expect((await cli('import', path.join(dir, 'none.csv'), '--as', 'terapeut.aarhus@demo.dk')).code).to.equal(1);
  });

  it('submission create prints its id and the three file names; --dry-run prints the report and stores nothing', async () => {
    await storeCourse(db, closedCourse({ cpr: cprNo(5) }));
    const args = ['submission', 'create', '--from', '2025-01-01', '--to', '2025-12-31', '--scope', '751', '--as', 'indberetter.aarhus@demo.dk'];

    const dry = await cli(...args, '--dry-run');
    const created = await cli(...args);

    expect(dry.code).to.equal(0);
    expect(JSON.parse(dry.out.join('\n'))).to.include({ dry_run: true, record_count: 1 });
    expect(created.code).to.equal(0);
    const id = (await db('submissions').first()).id;
    expect(created.out[0]).to.include(String(id));
    expect(created.out.slice(1)).to.have.length(3);
    expect(created.out.slice(1).every((n) => /^dhrd-751-20250101-20251231-\d{8}T\d{6}Z\.(csv|manifest\.json|zip)$/.test(n))).to.equal(true);
  });

  it('submission create with a bad date exits 2, outside the scope or as a therapist exits 1', async () => {
    const base = ['submission', 'create', '--to', '2025-12-31', '--as', 'indberetter.aarhus@demo.dk'];

    expect((await cli(...base, '--from', '2025-13-01', '--scope', '751')).code).to.equal(2);
    expect((await cli(...base, '--from', '2025-01-01', '--scope', '730')).code).to.equal(1);
    expect((await cli('submission', 'create', '--from', '2025-01-01', '--to', '2025-12-31', '--scope', '751', '--as', 'terapeut.aarhus@demo.dk')).code).to.equal(1);
    expect(await db('submissions')).to.have.length(0);
  });

  it('both commands print their usage on --help', async () => {
    expect((await cli('import', '--help')).out.join('\n')).to.include('Brug: npm run cli -- import FILE');
    expect((await cli('submission', '--help')).out.join('\n')).to.include('Brug: npm run cli -- submission create');
  });
});

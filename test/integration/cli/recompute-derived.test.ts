import { expect } from 'chai';
import type { CliContext } from '../../../server/cli/command';
import { COMMANDS } from '../../../server/cli/index';
import { runCli } from '../../../server/cli/run';
import { createCourse, getCourse, type CourseScope } from '../../../server/courses/service';
import type { Db } from '../../../server/db/connect';
import { testConfig } from '../../helpers/app';
import { freshDb, testEngine } from '../../helpers/db';
import { aCourse, closedValues, daysAgo, scopeFor } from '../courses/helpers';

describe(`cli recompute-derived: the stored state/complete/missing of every course (${testEngine})`, () => {
  let db: Db;
  let cs: CourseScope;
  const ids: number[] = [];

  async function cli(...argv: string[]) {
    const run = { code: -1, out: [] as string[], err: [] as string[] };
    const ctx: CliContext = { config: testConfig(), db: () => db, out: (l) => run.out.push(l), err: (l) => run.err.push(l) };
    run.code = await runCli(COMMANDS, argv, ctx);
    return run;
  }
  const derivedOf = async (id: number) => {
    const r = await db('courses').where({ id }).first('state', 'complete', 'missing', 'version', 'updated_at');
    return { state: r.state, complete: Boolean(r.complete), missing: typeof r.missing === 'string' ? JSON.parse(r.missing) : r.missing, version: Number(r.version), updated_at: String(r.updated_at) };
  };

  before(async () => {
    db = await freshDb();
    cs = await scopeFor(db);
    ids.push((await createCourse(cs, aCourse())).id);
    ids.push((await createCourse(cs, aCourse({ start_date: daysAgo(90) }))).id);
    ids.push((await createCourse(cs, aCourse({ referral_date: daysAgo(200), ...closedValues(daysAgo(190), daysAgo(100)) }))).id);
    ids.push((await createCourse(cs, aCourse({ not_started_reason: 'declined' }))).id);
    ids.push((await createCourse(cs, aCourse({ diagnosis_group: 'ihd', ihd_treatment: 'pci' }))).id);
  });

  it('repairs exactly the courses whose stored derivation is wrong, batch by batch in id order, without a new version', async () => {
    const right = await Promise.all(ids.map(derivedOf));
    await db('courses').where('id', ids[0]).update({ state: 'closed', complete: true, missing: '[]' });
    await db('courses').where('id', ids[2]).update({ complete: false, missing: JSON.stringify(['gp_note_sent']) });
    const sql: string[] = [];
    const listen = (q: { sql: string }) => { sql.push(q.sql); };
    db.on('query', listen);

    const run = await cli('recompute-derived', '--batch', '2');

    db.off('query', listen);
    expect(run.code, run.err.join('\n')).to.equal(0);
    expect(run.out).to.deep.equal([`${ids.length} forløb gennemgået; 2 rettet.`]);
    expect(await Promise.all(ids.map(derivedOf))).to.deep.equal(right);
    const reads = sql.filter((s) => /^select/i.test(s) && /from ["`]courses["`]/i.test(s));
    expect(reads).to.have.length(3); // 2 + 2 + 1
    for (const s of reads) expect(s.replace(/"/g, '`')).to.match(/where `id` > (\?|\$\d+) order by `id` asc limit (\?|\$\d+)/);
    const audit = await db('audit_log').where({ action: 'recompute_derived' }).first();
    expect(audit.actor_email).to.equal('cli');
  });

  it('--dry-run counts and writes nothing; a second real run finds nothing to do', async () => {
    await db('courses').where('id', ids[3]).update({ state: 'referred' });
    const before = await derivedOf(ids[3]);

    const dry = await cli('recompute-derived', '--dry-run');
    expect(dry.out).to.deep.equal([`${ids.length} forløb gennemgået; 1 ville blive rettet.`]);
    expect(await derivedOf(ids[3])).to.deep.equal(before);

    await cli('recompute-derived');
    expect((await derivedOf(ids[3])).state).to.equal('not_started');
    expect((await cli('recompute-derived')).out).to.deep.equal([`${ids.length} forløb gennemgået; 0 rettet.`]);
    expect((await getCourse(cs, ids[3])).state).to.equal('not_started');
  });

  it('a bad --batch is a usage error (exit 2)', async () => {
    for (const bad of ['0', 'x', '1.5']) expect((await cli('recompute-derived', '--batch', bad)).code, bad).to.equal(2);
  });
});

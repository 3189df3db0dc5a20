import { expect } from 'chai';
import { createUser, loginAs, testApp, type LoggedIn, type TestApp } from '../../helpers/app';
import { aCpr } from '../../integration/courses/helpers';
import { rematchAll } from '../../../server/pathway/matching';

describe('POST /api/v1/referral-imports (pathway.md §7)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let auh: LoggedIn;
  let midt: LoggedIn;
  before(async () => {
    t = await testApp();
    await t.db('municipalities').where('code', '751').update({ registering_since: '2020-01-01' });
    await createUser(t.db, { email: 'imp.auh@test.dk', roles: ['hospital'], scope: 'P108201' });
    await createUser(t.db, { email: 'imp.midt@test.dk', roles: ['hospital'], scope: '1082' });
    auh = await loginAs(t.app, 'imp.auh@test.dk');
    midt = await loginAs(t.app, 'imp.midt@test.dk');
  });
  const send = (u: LoggedIn, csv: string, dry = false) => u.agent.post(`/api/v1/referral-imports${dry ? '?dry_run=1' : ''}`)
    .set('X-CSRF-Token', u.csrf).set('Content-Type', 'text/csv').send(csv);
  const audits = async () => Number((await t.db('audit_log').whereIn('action', ['referral_create', 'referral_update']).count({ n: '*' }))[0].n);

  it('same file twice: created, then all unchanged with no audit rows; dry run writes nothing', async () => {
    const csv = '\uFEFFdiagnosis_group;referral_id;cpr;municipality_code;referral_date\r\n'
      + `ihd;I1;${aCpr()};751;2025-03-01\r\nheart_failure;I2;${aCpr()};751;2025-03-02\r\nihd;I3;${aCpr()};101;2025-03-02\r\n`;
    const dry = await send(auh, csv, true);
    expect(dry.status).to.equal(200);
    expect(dry.body).to.include({ dry_run: true, rows: 3, created: 2, skipped: 1 });
    expect(dry.body.referrals[0]).to.deep.equal({ line: 2, action: 'create', sor_code: 'P108201', referral_id: 'I1', id: null });
    expect(await t.db('referrals').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    const first = await send(auh, csv);
    expect(first.body).to.include({ created: 2, skipped: 1, unchanged: 0 });
    expect(first.body.warnings[0]).to.include({ line: 4, code: 'not_covered' });
    const before = await audits();
    const again = await send(auh, csv);
    expect(again.status).to.equal(200);
    expect(again.body).to.include({ created: 0, updated: 0, unchanged: 2, skipped: 1 });
    expect(await audits()).to.equal(before);
  });

  it('all or nothing: a repeated key and a bad row are errors at their lines and nothing is stored', async () => {
    const n = Number((await t.db('referrals').count({ n: '*' }))[0].n);
    const cpr = aCpr();
    const csv = `sor_code;referral_id;cpr;municipality_code;referral_date;diagnosis_group\nP108201;D1;${cpr};751;2025-03-01;ihd\nP108201;D1;${cpr};751;2025-03-01;ihd\nP108201;D2;123;751;2025-03-01;ihd\n`;
    const res = await send(midt, csv);
    expect(res.status).to.equal(400);
    expect(res.body.errors.map((e: { line: number; column: string }) => [e.line, e.column])).to.deep.equal([[3, 'referral_id'], [4, 'cpr']]);
    expect(Number((await t.db('referrals').count({ n: '*' }))[0].n)).to.equal(n);
  });

  it('a region user must name sor_code; unknown headers are errors at line 1', async () => {
    const res = await send(midt, 'referral_id;cpr;municipality_code;referral_date;diagnosis_group;colour\nX;0101651001;751;2025-03-01;ihd;red\n');
    expect(res.status).to.equal(400);
    expect(res.body.errors.map((e: { column: string }) => e.column)).to.have.members(['colour', 'sor_code']);
  });

  it('in batches: ids in the report, one audit row per created referral, matches computed, an update in a later batch', async () => {
    const therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const cpr = aCpr();
    const course = await therapist.agent.post('/api/v1/courses').set('X-CSRF-Token', therapist.csrf)
      .send({ cpr, referral_date: '2025-05-03', referral_source: 'hospital', diagnosis_group: 'ihd', ihd_treatment: 'pci' });
    expect(course.status).to.equal(201);
    const lines = [`B-0;${cpr};751;2025-05-01;ihd`];
    for (let i = 1; i < 1100; i += 1) lines.push(`B-${i};${aCpr()};751;2025-04-${String((i % 28) + 1).padStart(2, '0')};heart_failure`);
    lines.push(`I1;${aCpr()};751;2025-03-01;ihd`); // a known key (first test's I1) with another CPR: an update in the second batch
    const before = Number((await t.db('audit_log').where('action', 'referral_create').count({ n: '*' }))[0].n);
    const res = await send(auh, `referral_id;cpr;municipality_code;referral_date;diagnosis_group\n${lines.join('\n')}\n`);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ rows: 1101, created: 1100, updated: 1 });
    const stored = await t.db('referrals').where('referral_id', 'like', 'B-%').select('id', 'referral_id', 'course_id');
    const byId = new Map(stored.map((x) => [x.referral_id, x]));
    for (const e of res.body.referrals.filter((x: { action: string }) => x.action === 'create')) expect(e.id).to.equal(byId.get(e.referral_id)!.id);
    expect(byId.get('B-0')!.course_id).to.equal(course.body.id);
    const audits = Number((await t.db('audit_log').where('action', 'referral_create').count({ n: '*' }))[0].n);
    expect(audits - before).to.equal(1100);
    const one = await t.db('audit_log').where({ action: 'referral_create', entity_id: String(byId.get('B-7')!.id) }).first();
    expect(one).to.not.equal(undefined);
  });

  it('one citizen in two batches: the rematch of the later batch sees the create of the earlier one; stored = recomputed', async () => {
    const therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const cpr = aCpr();
    const course = await therapist.agent.post('/api/v1/courses').set('X-CSRF-Token', therapist.csrf)
      .send({ cpr, referral_date: '2025-06-10', referral_source: 'hospital', diagnosis_group: 'ihd', ihd_treatment: 'pci' });
    expect(course.status).to.equal(201);
    // P-1 (9 days from the course) lands in the first batch, P-2 (1 day) in the second: the closer one takes the course.
    const lines = [`P-1;${cpr};751;2025-06-01;ihd`];
    for (let i = 2; i < 1001; i += 1) lines.push(`F-${i};${aCpr()};751;2025-04-${String((i % 28) + 1).padStart(2, '0')};heart_failure`);
    lines.push(`P-2;${cpr};751;2025-06-09;ihd`);
    const res = await send(auh, `referral_id;cpr;municipality_code;referral_date;diagnosis_group\n${lines.join('\n')}\n`);
    expect(res.status).to.equal(200);
    expect(res.body).to.include({ rows: 1001, created: 1001 });
    const byId = new Map((await t.db('referrals').whereIn('referral_id', ['P-1', 'P-2']).select('referral_id', 'course_id')).map((x) => [x.referral_id, x.course_id]));
    expect(byId.get('P-1')).to.equal(null);
    expect(byId.get('P-2')).to.equal(course.body.id);
    expect((await rematchAll(t.db)).changed).to.equal(0);
  });
});

import { expect } from 'chai';
import type { CurrentUser } from '../../../server/access';
import { resolveScope } from '../../../server/access';
import { annulCourse, createCourse, updateCourse, type CourseScope } from '../../../server/courses/service';
import type { Db } from '../../../server/db/connect';
import { isPostgres } from '../../../server/db/connect';
import { matchGroup, rematchAll } from '../../../server/pathway/matching';
import { submitInTrx, withdrawReferral, type ReferralCtx } from '../../../server/pathway/referrals';
import { addDays } from '../../../server/time';
import { mulberry32 as prng } from '../../../server/demo/generate';
import { createUser, randomEmail } from '../../helpers/app';
import { freshDb } from '../../helpers/db';
import { CPR_KEY, scopeFor } from '../courses/helpers';

async function hospitalCtx(db: Db): Promise<ReferralCtx> {
  const email = randomEmail('hospital');
  const id = await createUser(db, { email, roles: ['hospital'], scope: 'P108201' });
  const user: CurrentUser = { id, email, name: email, roles: ['hospital'], scope: (await resolveScope(db, 'P108201'))!, mustChangePassword: false, via: 'session' };
  return { db, cprKey: CPR_KEY, user, actor: { userId: id, email, scope: 'P108201', ip: null }, lang: 'da' };
}

/** Every stored match equals a recomputation from scratch of the §4 rule over the whole table. */
async function expectStoredEqualsFresh(db: Db): Promise<void> {
  const refs = await db('referrals').select('id', 'municipality_code', 'cpr_hash', 'referral_date', 'withdrawn', 'course_id').orderBy('id');
  const courses = await db('courses').join('patients', 'patients.id', 'courses.patient_id').where('courses.annulled', false)
    .select('courses.id', 'courses.referral_date', 'patients.municipality_code', 'patients.cpr_hash');
  const iso = (d: unknown) => (d instanceof Date ? `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}` : String(d).slice(0, 10));
  const expected = new Map<number, number>();
  const groups = new Set(refs.map((r) => `${r.municipality_code}:${r.cpr_hash}`));
  for (const g of groups) {
    const rs = refs.filter((r) => `${r.municipality_code}:${r.cpr_hash}` === g && !r.withdrawn).map((r) => ({ id: r.id, referral_date: iso(r.referral_date) }));
    const cs = courses.filter((c) => `${c.municipality_code}:${c.cpr_hash}` === g).map((c) => ({ id: c.id, referral_date: iso(c.referral_date) }));
    for (const [r, c] of matchGroup(rs, cs)) expected.set(r, c);
  }
  for (const r of refs) expect(r.course_id ?? null, `referral ${r.id}`).to.equal(expected.get(r.id) ?? null);
}

describe('pathway matching stored in the database (pathway.md §4)', function () {
  this.timeout(180_000);
  let db: Db;
  let cs: CourseScope;
  let hs: ReferralCtx;
  before(async () => {
    db = await freshDb();
    await db('municipalities').where('code', '751').update({ registering_since: '2020-01-01' });
    cs = await scopeFor(db, ['therapist'], '751');
    hs = await hospitalCtx(db);
  });

  const base = '2025-03-01';
  const submit = (raw: Record<string, unknown>) => db.transaction((trx) => submitInTrx(trx, hs, { municipality_code: '751', diagnosis_group: 'heart_failure', ...raw }));

  it('edges: two referrals for one course, annulment and a CPR correction move the match', async () => {
    const cprA = '0101651001';
    const cprB = '0201651002';
    const c = await createCourse(cs, { cpr: cprA, referral_date: addDays(base, 2), referral_source: 'hospital', diagnosis_group: 'heart_failure' });
    const r1 = await submit({ referral_id: 'E1', cpr: cprA, referral_date: base });
    const r2 = await submit({ referral_id: 'E2', cpr: cprA, referral_date: addDays(base, 1) });
    const course = async (id: number | null) => (await db('referrals').where('id', id!).first()).course_id;
    expect(await course(r2.id)).to.equal(c.id); // distance 1 beats 2
    expect(await course(r1.id)).to.equal(null);
    const moved = await updateCourse(cs, c.id, { cpr: cprB }, c.version);
    expect(await course(r2.id)).to.equal(null);
    const r3 = await submit({ referral_id: 'E3', cpr: cprB, referral_date: base });
    expect(await course(r3.id)).to.equal(c.id);
    await annulCourse(cs, c.id, 'fejl', moved.version);
    expect(await course(r3.id)).to.equal(null);
    await expectStoredEqualsFresh(db);
  });

  it('property: after any random sequence of changes the stored matches equal a fresh recomputation', async () => {
    const rand = prng(20261130);
    const cprs = ['0303651003', '0404651004', '0505651005'];
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
    const day = () => addDays(base, Math.floor(rand() * 60) - 30);
    let n = 0;
    for (let step = 0; step < 60; step += 1) {
      const op = rand();
      try {
        if (op < 0.35) {
          await submit({ referral_id: `P${Math.floor(rand() * 12)}`, cpr: pick(cprs), referral_date: day() });
        } else if (op < 0.45) {
          const r = await db('referrals').where('withdrawn', false).first('id', 'version');
          if (r) await withdrawReferral(hs, r.id, 'x', r.version);
        } else if (op < 0.7) {
          n += 1;
          await createCourse(cs, { cpr: pick(cprs), referral_date: addDays(base, -400 * n), referral_source: 'hospital', diagnosis_group: 'heart_failure' })
            .then((c) => updateCourse(cs, c.id, { referral_date: day() }, c.version));
        } else {
          const c = await db('courses').where('annulled', false).orderByRaw('random()').first('id', 'version');
          if (!c) continue;
          if (op < 0.8) await annulCourse(cs, c.id, 'x', c.version);
          else if (op < 0.9) await updateCourse(cs, c.id, { cpr: pick(cprs) }, c.version);
          else await updateCourse(cs, c.id, { referral_date: day() }, c.version);
        }
      } catch (e) {
        // Overlaps and refused changes are part of random sequences; they must leave the matches consistent too.
        if (!(e as { status?: number }).status) throw e;
      }
      await expectStoredEqualsFresh(db);
    }
    expect((await rematchAll(db)).changed).to.equal(0);
  });

  it('two transactions changing the same group at once leave the matches equal to a recomputation', async function () {
    if (!isPostgres(db)) this.skip();
    const cpr = '0606651006';
    await Promise.all([
      createCourse(cs, { cpr, referral_date: addDays(base, 1), referral_source: 'hospital', diagnosis_group: 'heart_failure' }),
      submit({ referral_id: 'C1', cpr, referral_date: base }),
      submit({ referral_id: 'C2', cpr, referral_date: addDays(base, 2) }),
    ]);
    await expectStoredEqualsFresh(db);
    expect((await db('referrals').whereIn('referral_id', ['C1', 'C2']).whereNotNull('course_id')).length).to.equal(1);
  });
});

import { expect } from 'chai';
import { insertDemoCourses, demoMunicipalities } from '../../../server/demo/startup';
import type { Db } from '../../../server/db/connect';
import { seedDemoReferralsIfEmpty } from '../../../server/pathway/demo';
import { rematchAll } from '../../../server/pathway/matching';
import { today } from '../../../server/time';
import { testConfig } from '../../helpers/app';
import { freshDb } from '../../helpers/db';

describe('demo referrals (pathway.md §9)', function () {
  this.timeout(180_000);
  let db: Db;
  before(async () => {
    db = await freshDb();
    const config = testConfig({ demoData: true });
    await insertDemoCourses(db, config.cprKey, { count: 600, municipalityCodes: await demoMunicipalities(db, 'midt'), years: 3, seed: 7 });
    await seedDemoReferralsIfEmpty(db, config, () => undefined);
  });

  it('covers Midtjylland only and matches most hospital courses', async () => {
    expect((await db('municipalities').whereNotNull('registering_since')).length).to.equal(19);
    const total = Number((await db('referrals').count({ n: '*' }))[0].n);
    const matched = Number((await db('referrals').whereNotNull('course_id').count({ n: '*' }))[0].n);
    expect(total).to.be.greaterThan(100);
    expect(matched / total).to.be.greaterThan(0.7);
    expect((await rematchAll(db)).changed).to.equal(0);
  });

  it('Aarhus and Randers each have at least 5 open, 5 lost and 1 withdrawn', async () => {
    const lostBefore = new Date(Date.parse(today()) - 30 * 86_400_000).toISOString().slice(0, 10);
    for (const m of ['751', '730']) {
      const unmatched = db('referrals').where({ municipality_code: m, withdrawn: false }).whereNull('course_id');
      expect((await unmatched.clone().where('referral_date', '>=', lostBefore)).length, `${m} open`).to.be.at.least(5);
      expect((await unmatched.clone().where('referral_date', '<', lostBefore)).length, `${m} lost`).to.be.at.least(5);
      expect((await db('referrals').where({ municipality_code: m, withdrawn: true })).length, `${m} withdrawn`).to.be.at.least(1);
    }
  });
});

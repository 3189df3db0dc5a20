import { expect } from 'chai';
import { coursesOverlap, occupiedDays } from '../../../server/courses/overlap';
import { annulCourse, createCourse, updateCourse } from '../../../server/courses/service';
import type { Db } from '../../../server/db/connect';
import { Conflict } from '../../../server/http/errors';
import { freshDb } from '../../helpers/db';
import { aCourse, aCpr, closedValues, daysAgo, scopeFor } from './helpers';

async function outcome(p: Promise<{ id: number }>): Promise<string> {
  try {
    await p;
    return 'saved';
  } catch (err) {
    return err instanceof Conflict ? err.code : String(err);
  }
}

describe('overlap rule: occupied days (pure)', () => {
  it('closed occupies referral..end, not started its referral day, referred and active every day on, annulled nothing', () => {
    expect(occupiedDays({ referral_date: '2025-01-10', start_date: '2025-01-20', end_date: '2025-04-01' })).to.deep.equal({ from: '2025-01-10', to: '2025-04-01' });
    expect(occupiedDays({ referral_date: '2025-01-10', not_started_reason: 'declined' })).to.deep.equal({ from: '2025-01-10', to: '2025-01-10' });
    expect(occupiedDays({ referral_date: '2025-01-10' })).to.deep.equal({ from: '2025-01-10', to: null });
    expect(occupiedDays({ referral_date: '2025-01-10', start_date: '2025-01-12' })).to.deep.equal({ from: '2025-01-10', to: null });
    expect(occupiedDays({ referral_date: '2025-01-10', annulled: true })).to.equal(null);
  });

  it('two rows of one file: a course referred the day after another closed does not overlap, the same day does', () => {
    const closed = { referral_date: '2025-01-10', start_date: '2025-01-20', end_date: '2025-04-01' };

    expect(coursesOverlap(closed, { referral_date: '2025-04-02' })).to.equal(false);
    expect(coursesOverlap(closed, { referral_date: '2025-04-01' })).to.equal(true);
    expect(coursesOverlap({ referral_date: '2025-05-01' }, closed)).to.equal(false);
  });
});

describe('overlap rule: stored courses of one patient', () => {
  let db: Db;
  before(async () => { db = await freshDb(); });

  async function patientWithClosedCourse() {
    const cs = await scopeFor(db);
    const cpr = aCpr();
    const closed = await createCourse(cs, aCourse({ cpr, referral_date: daysAgo(200), ...closedValues(daysAgo(190), daysAgo(100)) }));
    return { cs, cpr, closed };
  }

  it('a course referred on the day a closed course ended is refused with 409 overlap', async () => {
    const { cs, cpr } = await patientWithClosedCourse();

    expect(await outcome(createCourse(cs, aCourse({ cpr, referral_date: daysAgo(100) })))).to.equal('overlap');
  });

  it('a course referred the day after a closed course ended is saved', async () => {
    const { cs, cpr } = await patientWithClosedCourse();

    expect(await outcome(createCourse(cs, aCourse({ cpr, referral_date: daysAgo(99) })))).to.equal('saved');
  });

  it('a course referred before a closed course began, still open, is refused', async () => {
    const { cs, cpr } = await patientWithClosedCourse();

    expect(await outcome(createCourse(cs, aCourse({ cpr, referral_date: daysAgo(250) })))).to.equal('overlap');
  });

  it('a not-started course occupies its referral day only', async () => {
    const cs = await scopeFor(db);
    const cpr = aCpr();
    await createCourse(cs, aCourse({ cpr, referral_date: daysAgo(50), not_started_reason: 'declined' }));

    expect(await outcome(createCourse(cs, aCourse({ cpr, referral_date: daysAgo(50), not_started_reason: 'moved' })))).to.equal('overlap');
    expect(await outcome(createCourse(cs, aCourse({ cpr, referral_date: daysAgo(49) })))).to.equal('saved');
  });

  it('a referred course occupies every day from its referral on', async () => {
    const cs = await scopeFor(db);
    const cpr = aCpr();
    await createCourse(cs, aCourse({ cpr, referral_date: daysAgo(300) }));

    expect(await outcome(createCourse(cs, aCourse({ cpr, referral_date: daysAgo(1) })))).to.equal('overlap');
  });

  it('an annulled course occupies nothing', async () => {
    const cs = await scopeFor(db);
    const cpr = aCpr();
    const annulled = await createCourse(cs, aCourse({ cpr, referral_date: daysAgo(30) }));
    await annulCourse(cs, annulled.id, 'Oprettet to gange', 1);

    expect(await outcome(createCourse(cs, aCourse({ cpr, referral_date: daysAgo(30) })))).to.equal('saved');
  });

  it('an update that moves a course onto another of the patient is refused, and the message names the other course', async () => {
    const { cs, cpr, closed } = await patientWithClosedCourse();
    const later = await createCourse(cs, aCourse({ cpr, referral_date: daysAgo(50) }));

    let message = '';
    try {
      await updateCourse(cs, later.id, { referral_date: daysAgo(150) }, 1);
    } catch (err) {
      message = (err as Conflict).message;
    }

    expect(message).to.contain(`forløb ${closed.id}`);
    expect(message).to.contain(daysAgo(200).split('-').reverse().join('.'));
  });

  it('courses of the same CPR in two municipalities do not overlap each other', async () => {
    const cpr = aCpr();
    await createCourse(await scopeFor(db, ['therapist'], '751'), aCourse({ cpr, referral_date: daysAgo(40) }));

    expect(await outcome(createCourse(await scopeFor(db, ['therapist'], '730'), aCourse({ cpr, referral_date: daysAgo(40) })))).to.equal('saved');
  });
});

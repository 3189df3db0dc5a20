import { expect } from 'chai';
import {
  CourseValidationError, annulCourse, createCourse, getCourse, listCourses, updateCourse, worklist, worklistCounts,
} from '../../../server/courses/service';
import type { Db } from '../../../server/db/connect';
import { Conflict, Invalid, NotFound } from '../../../server/http/errors';
import { freshDb } from '../../helpers/db';
import { aCourse, aCpr, closedValues, daysAgo, scopeFor } from './helpers';

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

const started = (days: number) => ({ start_date: daysAgo(days), smoking_start: 'daily', hads_a_start: 4, hads_d_start: 3, test_type: 'none', test_not_done_reason: 'declined' });

describe('course service: create, read, update, annul', () => {
  let db: Db;
  before(async () => { db = await freshDb(); });

  it('a created course is stored with derived state, complete and missing, version 1', async () => {
    const cs = await scopeFor(db);

    const c = await createCourse(cs, aCourse({ patient_name: 'Karen Holm' }));
    const row = await db('courses').where('id', c.id).first();

    expect(c).to.include({ version: 1, state: 'referred', complete: false, patient_name: 'Karen Holm', municipality_code: '751' });
    expect(row.state).to.equal('referred');
    expect(JSON.parse(row.missing)).to.deep.equal(['start_date']);
  });

  it('an update increments the version, recomputes the stored state and records old and new values', async () => {
    const cs = await scopeFor(db);
    const c = await createCourse(cs, aCourse());

    const u = await updateCourse(cs, c.id, closedValues(daysAgo(90), daysAgo(5)), 1);

    const row = await db('courses').where('id', c.id).first();
    expect(u).to.include({ version: 2, state: 'closed', complete: true });
    expect(row.state).to.equal('closed');
    const audit = await db('audit_log').where({ action: 'course_update', entity_id: String(c.id) }).first();
    expect(JSON.parse(audit.detail).changes.end_date).to.deep.equal({ old: null, new: daysAgo(5) });
  });

  it('two updates with the same version: the second gets 409 with the stored course, the first values are kept', async () => {
    const cs = await scopeFor(db);
    const c = await createCourse(cs, aCourse());

    await updateCourse(cs, c.id, { icd10: 'DI219' }, 1);
    const err = await rejection(updateCourse(cs, c.id, { icd10: 'DI500' }, 1));

    expect(err).to.be.instanceOf(Conflict);
    expect((err as Conflict).code).to.equal('version_conflict');
    expect(((err as Conflict).current as { icd10: string }).icd10).to.equal('DI219');
    expect((await getCourse(cs, c.id)).icd10).to.equal('DI219');
  });

  it('two concurrent updates with the same version: exactly one is saved, the other gets 409', async () => {
    const cs = await scopeFor(db);
    const c = await createCourse(cs, aCourse());

    const results = await Promise.allSettled([
      updateCourse(cs, c.id, { icd10: 'DI219' }, 1), updateCourse(cs, c.id, { icd10: 'DI500' }, 1),
    ]);

    const saved = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(saved).to.have.length(1);
    expect((refused[0].reason as Conflict).code).to.equal('version_conflict');
    expect((await getCourse(cs, c.id)).icd10).to.equal(saved[0].value.icd10);
  });

  it('un-registering cpr, referral_date or diagnosis_group is refused (400)', async () => {
    const cs = await scopeFor(db);
    const c = await createCourse(cs, aCourse());

    const err = await rejection(updateCourse(cs, c.id, { referral_date: null }, 1));

    expect(err).to.be.instanceOf(CourseValidationError);
    expect((err as Invalid).fields).to.have.property('referral_date');
  });

  it('a change that makes registered values inapplicable is refused naming them, and succeeds with clear', async () => {
    const cs = await scopeFor(db);
    const c = await createCourse(cs, aCourse({ ...started(80), smoking_cessation: 'started' }));

    const err = await rejection(updateCourse(cs, c.id, { smoking_start: 'never' }, 1)) as CourseValidationError;
    const ok = await updateCourse(cs, c.id, { smoking_start: 'never' }, 1, { clear: err.inapplicable });

    expect(err).to.be.instanceOf(CourseValidationError);
    expect(err.inapplicable).to.deep.equal(['smoking_cessation']);
    expect(err.fields).to.have.property('smoking_cessation');
    expect(ok).to.include({ smoking_start: 'never', smoking_cessation: null, version: 2 });
  });

  it('annul needs a reason; the annulled course is readable by id but any change gets 400', async () => {
    const cs = await scopeFor(db);
    const c = await createCourse(cs, aCourse());

    const noReason = await rejection(annulCourse(cs, c.id, '  ', 1));
    const a = await annulCourse(cs, c.id, 'Forkert patient', 1);
    const change = await rejection(updateCourse(cs, c.id, { icd10: 'DI219' }, 2));

    expect(noReason).to.be.instanceOf(CourseValidationError);
    expect(a).to.include({ annulled: true, annul_reason: 'Forkert patient', version: 2 });
    expect((await getCourse(cs, c.id)).annulled).to.equal(true);
    expect(change).to.be.instanceOf(Invalid);
    expect(change.message).to.equal('Et annulleret forløb kan ikke ændres.');
    expect(await db('audit_log').where({ action: 'course_annul', entity_id: String(c.id) })).to.have.length(1);
  });

  it('a course of another municipality is not found (404) for read, update and annul', async () => {
    const aarhus = await scopeFor(db, ['therapist'], '751');
    const randers = await scopeFor(db, ['therapist'], '730');
    const c = await createCourse(aarhus, aCourse());

    expect(await rejection(getCourse(randers, c.id))).to.be.instanceOf(NotFound);
    expect(await rejection(updateCourse(randers, c.id, { icd10: 'DI219' }, 1))).to.be.instanceOf(NotFound);
    expect(await rejection(annulCourse(randers, c.id, 'x', 1))).to.be.instanceOf(NotFound);
  });
});

describe('course service: patients', () => {
  let db: Db;
  before(async () => { db = await freshDb(); });

  it('a patient is never duplicated: two courses of one CPR share one patient row', async () => {
    const cs = await scopeFor(db);
    const cpr = aCpr();

    const first = await createCourse(cs, aCourse({ cpr, referral_date: daysAgo(300), not_started_reason: 'declined' }));
    const second = await createCourse(cs, aCourse({ cpr, referral_date: daysAgo(100) }));

    expect(second.patient_id).to.equal(first.patient_id);
    expect(await db('patients').where('id', first.patient_id)).to.have.length(1);
    expect(await db('patients').count({ n: '*' }).then((r) => Number(r[0].n))).to.equal(1);
  });

  it('the same CPR in another municipality is another patient', async () => {
    const cpr = aCpr();

    const a = await createCourse(await scopeFor(db, ['therapist'], '751'), aCourse({ cpr }));
    const b = await createCourse(await scopeFor(db, ['therapist'], '730'), aCourse({ cpr }));

    expect(a.patient_id).to.not.equal(b.patient_id);
  });

  it('a patient_name given in a save replaces it for all of the patient\'s courses', async () => {
    const cs = await scopeFor(db);
    const cpr = aCpr();
    const first = await createCourse(cs, aCourse({ cpr, referral_date: daysAgo(300), not_started_reason: 'moved', patient_name: 'Jens Hansen' }));

    await createCourse(cs, aCourse({ cpr, referral_date: daysAgo(100), patient_name: 'Jens Peter Hansen' }));

    expect((await getCourse(cs, first.id)).patient_name).to.equal('Jens Peter Hansen');
  });

  it('a CPR correction re-links the course to the right patient and audits old and new patient id, never the CPR', async () => {
    const cs = await scopeFor(db);
    const right = await createCourse(cs, aCourse({ referral_date: daysAgo(400), not_started_reason: 'declined', patient_name: 'Rigtig Patient' }));
    const wrong = await createCourse(cs, aCourse({ patient_name: 'Forkert Patient' }));

    const fixed = await updateCourse(cs, wrong.id, { cpr: right.cpr as string }, 1);

    expect(fixed.patient_id).to.equal(right.patient_id);
    expect(fixed).to.include({ cpr: right.cpr, patient_name: 'Rigtig Patient' });
    const audit = await db('audit_log').where({ action: 'course_update', entity_id: String(wrong.id) }).first();
    expect(JSON.parse(audit.detail).changes).to.deep.equal({ patient_id: { old: wrong.patient_id, new: right.patient_id } });
    expect(audit.detail).to.not.contain(String(right.cpr));
    expect(audit.detail).to.not.contain(String(wrong.cpr));
  });

  it('a CPR correction to a new number creates that patient with the name the course showed', async () => {
    const cs = await scopeFor(db);
    const c = await createCourse(cs, aCourse({ patient_name: 'Tastefejl Jensen' }));
    const cpr = aCpr();

    const fixed = await updateCourse(cs, c.id, { cpr }, 1);

    expect(fixed.patient_id).to.not.equal(c.patient_id);
    expect(fixed).to.include({ cpr, patient_name: 'Tastefejl Jensen' });
  });
});

describe('course service: lists, worklist and their audit rows', () => {
  let db: Db;
  before(async () => { db = await freshDb(); });

  it('getCourse writes one course_read row naming the patient', async () => {
    const cs = await scopeFor(db);
    const c = await createCourse(cs, aCourse());

    await getCourse(cs, c.id);

    const rows = await db('audit_log').where({ action: 'course_read', entity_id: String(c.id) });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ patient_id: c.patient_id, municipality_code: '751', actor_user_id: cs.user.id });
  });

  it('the worklist holds incomplete non-annulled courses (a complete active one left out), oldest referral first, referred after 14 days overdue', async () => {
    const cs = await scopeFor(db, ['therapist'], '727');
    const fresh = await createCourse(cs, aCourse({ referral_date: daysAgo(13) }));
    const old = await createCourse(cs, aCourse({ referral_date: daysAgo(14) }));
    const active = await createCourse(cs, aCourse({ referral_date: daysAgo(60), start_date: daysAgo(50) }));
    await createCourse(cs, aCourse({ referral_date: daysAgo(70), ...started(65) }));
    await createCourse(cs, aCourse({ referral_date: daysAgo(200), ...closedValues(daysAgo(190), daysAgo(100)) }));
    const annulled = await createCourse(cs, aCourse({ referral_date: daysAgo(300) }));
    await annulCourse(cs, annulled.id, 'fejl', 1);

    const { items: list, total } = await worklist(cs);

    // Overdue referrals first (issue 10 §4), then by referral_date.
    expect(list.map((c) => c.id)).to.deep.equal([old.id, active.id, fresh.id]);
    expect(total).to.equal(3);
    expect(list.map((c) => [c.days_since_referral, c.overdue])).to.deep.equal([[14, true], [60, false], [13, false]]);
    const audited = await db('audit_log').where({ action: 'course_list', actor_user_id: cs.user.id });
    expect(audited.map((r) => r.patient_id)).to.have.members([active.patient_id, old.patient_id, fresh.patient_id]);
    expect((await worklist(cs, { state: 'active' })).items.map((c) => c.id)).to.deep.equal([active.id]);
    expect((await worklist(cs, { overdue: true })).items.map((c) => c.id)).to.deep.equal([old.id]);
    const missingStart = (await worklist(cs, { missing: 'start_date' })).items.map((c) => c.id);
    expect(missingStart).to.include(old.id).and.not.include(active.id);
    expect(await worklistCounts(cs)).to.deep.equal({ incomplete: 3, overdue: 1 });
  });

  it('a list page writes one audit row per patient shown, and pages 50 at a time', async () => {
    const cs = await scopeFor(db, ['therapist'], '740');
    for (let i = 0; i < 52; i++) await createCourse(cs, aCourse({ referral_date: daysAgo(10 + i) }));

    const page1 = await listCourses(cs, {});
    const page2 = await listCourses(cs, { page: 2 });

    expect(page1).to.include({ total: 52, page: 1, page_size: 50 });
    expect(page1.items).to.have.length(50);
    expect(page2.items.map((c) => c.referral_date)).to.deep.equal([daysAgo(60), daysAgo(61)]);
    const audited = await db('audit_log').where({ action: 'course_list', actor_user_id: cs.user.id });
    expect(audited).to.have.length(52);
  });
});

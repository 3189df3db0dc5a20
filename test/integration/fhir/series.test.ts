import { expect } from 'chai';
import type { Db } from '../../../server/db/connect';
import { createCourse, updateCourse } from '../../../server/courses/service';
import { freshDb } from '../../helpers/db';
import { REASON } from '../../helpers/fhir-builder';
import { codes, course, CPR_KEY, holbaek, send } from './helpers';
import * as s from './series';

describe('FHIR intake: the cardiac series of fhir.md, step by step', () => {
  let db: Db;
  let who: Awaited<ReturnType<typeof holbaek>>;
  beforeEach(async () => {
    db = await freshDb();
    who = await holbaek(db);
  });
  const cs = () => ({ db, cprKey: CPR_KEY, user: who.user, actor: who.actor, lang: 'da' as const });

  async function courseAfter(...bundles: ReturnType<typeof s.step1>[]) {
    let last;
    for (const b of bundles) {
      last = await send(db, who, b);
      expect(last.status, JSON.stringify(last.findings)).to.equal(200);
    }
    const id = last!.courses[0]?.id ?? Number((await db('courses').first('id')).id);
    return { result: last!, course: await course(db, who, id) };
  }

  it('(1) the referral creates a referred course: hospital, ihd, DI214, all from the care record', async () => {
    const { result, course: c } = await courseAfter(s.step1());

    expect(result.courses[0].action).to.equal('create');
    expect(c).to.include({ referral_date: '2025-03-03', referral_source: 'hospital', diagnosis_group: 'ihd', icd10: 'DI214', state: 'referred', referral_sor: '391951000016006' });
    expect(c.sources).to.deep.equal({ cpr: 'fhir', municipality_code: 'fhir', referral_date: 'fhir', referral_source: 'fhir', diagnosis_group: 'fhir', icd10: 'fhir' });
  });

  it('(2) the CarePlan with a finished training session starts the course on 2025-03-10', async () => {
    const { course: c } = await courseAfter(s.step1(), s.step2());

    expect(c).to.include({ start_date: '2025-03-10', state: 'active', training_attended: null });
    expect(c.fhir_waiting).to.deep.equal({ training_attended: 1 });
  });

  it('(3) training_attended waits for training_planned; a therapist registers 24, the next bundle applies 4 (one entered in error); a hand-changed referral_date is kept', async () => {
    const { result: before } = await courseAfter(s.step1(), s.step2(), s.step3a());
    const id = before.courses[0].id;
    expect(before.findings.find((f) => f.code === 'not_applied')!.params).to.include({ variable: 'training_attended', value: '5' });

    const c1 = await course(db, who, id);
    await updateCourse(cs(), id, { training_planned: 24, referral_date: '2025-03-02' }, c1.version);
    const after = await send(db, who, s.step3b());
    const c = await course(db, who, id);

    expect(after.status).to.equal(200);
    expect(c).to.include({ training_planned: 24, training_attended: 4, referral_date: '2025-03-02' });
    expect(c.sources).to.include({ training_planned: 'manual', training_attended: 'fhir', referral_date: 'manual' });
    expect(codes(after, 'warning')).to.include('manual_kept');
    expect(after.findings.find((f) => f.code === 'manual_kept')!.params).to.include({ variable: 'referral_date', manual: '2025-03-02', fhir: '2025-03-03' });
  });

  it('(4) all completed: end_date, outcome completed, education completed, diet received; (2) re-sent is stale and changes nothing', async () => {
    const { result } = await courseAfter(s.step1(), s.step2(), s.step3a());
    const id = result.courses[0].id;
    await updateCourse(cs(), id, { training_planned: 24 }, (await course(db, who, id)).version);
    await courseAfter(s.step3b(), s.step4());
    const closed = await course(db, who, id);
    const stale = await send(db, who, s.step2());
    const again = await send(db, who, s.step4());

    expect(closed).to.include({ end_date: '2025-06-02', outcome: 'completed', education: 'completed', diet: 'received', training_attended: 19, state: 'closed' });
    expect(codes(stale, 'warning')).to.include('stale_resource');
    expect(stale.courses.map((c) => c.action)).to.deep.equal(['unchanged']);
    expect(again.courses.map((c) => c.action)).to.deep.equal(['unchanged']);
    expect((await course(db, who, id)).version).to.equal(closed.version);
  });

  it('variant: cancelled with "anden sygdom" after 5 sessions → dropped_out / illness', async () => {
    const { course: c } = await courseAfter(s.step1(), s.cancelled(5, REASON.illness));

    expect(c).to.include({ start_date: '2025-03-10', end_date: '2025-04-20', outcome: 'dropped_out', dropout_reason: 'illness', education: null });
  });

  it('variant: "Hændelse medfører ophør" and deceased → died', async () => {
    const { course: c } = await courseAfter(s.step1(), s.cancelled(3, REASON.event, { deceased: true }));

    expect(c).to.include({ end_date: '2025-04-20', outcome: 'died' });
  });

  it('variant: "ikke henvendt sig" before any session → not_started / not_reached', async () => {
    const { course: c } = await courseAfter(s.step1(), s.cancelled(0, REASON.notReached));

    expect(c).to.include({ start_date: null, not_started_reason: 'not_reached', state: 'not_started' });
  });

  it('variant: a manual course from 2025-03-03 is adopted (its values stay manual)', async () => {
    const manual = await createCourse(cs(), { cpr: s.CPR, referral_date: '2025-03-03', diagnosis_group: 'heart_failure' });

    const r = await send(db, who, s.step1());
    const c = await course(db, who, manual.id);

    expect(r.status).to.equal(200);
    expect(codes(r, 'warning')).to.include.members(['linked_existing', 'manual_kept']);
    expect(c).to.include({ id: manual.id, fhir_referral_id: s.SR, diagnosis_group: 'heart_failure', referral_source: 'hospital' });
    expect(c.sources).to.include({ diagnosis_group: 'manual', referral_source: 'fhir' });
    expect(Number((await db('courses').count({ n: '*' }))[0].n)).to.equal(1);
  });

  it('variant: a second cardiac referral while the course is open → 409 overlap, nothing written', async () => {
    await courseAfter(s.step1());
    const stored = Number((await db('fhir_resources').count({ n: '*' }))[0].n);

    const r = await send(db, who, s.secondReferral());

    expect(r.status).to.equal(409);
    expect(codes(r, 'error')).to.deep.equal(['overlap']);
    expect(Number((await db('courses').count({ n: '*' }))[0].n)).to.equal(1);
    expect(Number((await db('fhir_resources').count({ n: '*' }))[0].n)).to.equal(stored);
  });

  it('a referral entered in error annuls its course', async () => {
    const first = await courseAfter(s.step1());
    const eie = s.step1();
    (eie.entry!.find((e) => e.resource!.resourceType === 'ServiceRequest')!.resource as { status: string }).status = 'entered-in-error';
    eie.timestamp = '2025-03-05T20:00:00Z';

    const r = await send(db, who, eie);
    const annulled = await course(db, who, first.course.id);

    expect(r.status).to.equal(200);
    expect(annulled).to.include({ annulled: true, annul_reason: 'Fejlregistreret i omsorgsjournalen' });
  });

  it('Patient.active = false withdraws the citizen: a course with a manual value is kept with referral_withdrawn', async () => {
    const first = await courseAfter(s.step1());
    await updateCourse(cs(), first.course.id, { ihd_treatment: 'pci' }, first.course.version);
    const gone = s.step1();
    (gone.entry![0].resource as { active?: boolean }).active = false;
    gone.timestamp = '2025-03-06T20:00:00Z';

    const r = await send(db, who, gone);
    const kept = await course(db, who, first.course.id);

    expect(r.status).to.equal(200);
    expect(codes(r, 'warning')).to.include('referral_withdrawn');
    expect(kept.annulled).to.equal(false);
    expect(Number((await db('fhir_resources').whereNot('resource_type', 'Organization').whereNot('resource_type', 'Citizen').count({ n: '*' }))[0].n)).to.equal(0);
  });

  it('a CPR correction on the course moves its care-record resources: the next report under the new CPR updates it', async () => {
    const first = await courseAfter(s.step1());
    await updateCourse(cs(), first.course.id, { cpr: '3001749987' }, first.course.version);
    const next = s.step2();
    (next.entry![0].resource as { identifier: { value: string }[] }).identifier[0].value = '3001749987';

    const r = await send(db, who, next);

    expect(r.status, JSON.stringify(r.findings)).to.equal(200);
    expect(r.courses.map((c) => [c.id, c.action])).to.deep.equal([[first.course.id, 'update']]);
    expect((await course(db, who, first.course.id)).start_date).to.equal('2025-03-10');
  });
});


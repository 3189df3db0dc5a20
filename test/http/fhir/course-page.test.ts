import { expect } from 'chai';
import { loginAs, testApp, type TestApp } from '../../helpers/app';
import { holbaek, send } from '../../integration/fhir/helpers';
import * as s from '../../integration/fhir/series';

describe('HTTP course page and worklist for a course from the care record', () => {
  let t: TestApp;
  let courseId: number;
  let email: string;
  beforeEach(async () => {
    t = await testApp();
    const who = await holbaek(t.db);
    email = who.user.email;
    await send(t.db, who, s.step1());
    courseId = (await send(t.db, who, s.step2())).courses[0].id;
  });

  it('marks the care record\'s values "fra omsorgsjournal" and shows the waiting training count beside its field', async () => {
    const therapist = await loginAs(t.app, email);

    const page = await therapist.agent.get(`/forloeb/${courseId}`);

    expect(page.status).to.equal(200);
    expect(page.text.match(/data-source="fhir"/g)!.length).to.be.greaterThanOrEqual(5);
    expect(page.text).to.include('fra omsorgsjournal');
    expect(page.text).to.include('Omsorgsjournal: 1');
  });

  it('the worklist lists as missing exactly the applicable variables no care record reports', async () => {
    const therapist = await loginAs(t.app, email);

    const res = await therapist.agent.get('/api/v1/courses/' + courseId);

    expect(res.body.missing).to.deep.equal(['ihd_treatment', 'smoking_start', 'hads_a_start', 'hads_d_start', 'test_type']);
    const list = await therapist.agent.get('/arbejdsliste');
    expect(list.status).to.equal(200);
    expect(list.text).to.include(`/forloeb/${courseId}`);
  });
});

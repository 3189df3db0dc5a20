import { expect } from 'chai';
import { loginAs, testApp, type TestApp } from '../../helpers/app';
import { seedHk03 } from '../indicators/scenario';
import { HENVISNING, cprNo, createThroughForm } from '../courses/pages-helpers';

describe('Cache-Control: no-store on every answer with patient-level data', () => {
  let t: TestApp;
  let seeded: TestApp;
  let courseId: number;
  before(async () => {
    t = await testApp();
    seeded = await testApp();
    await seedHk03(seeded.db);
  });

  it('course pages, lists, API answers, drill-down, import report, access log and submission pages', async function () {
    this.timeout(60_000);
    const therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    const quality = await loginAs(seeded.app, 'kvalitet.aarhus@demo.dk');
    courseId = await createThroughForm(therapist, cprNo(2));
    const admin = await loginAs(t.app, 'admin@demo.dk');
    const exporter = await loginAs(t.app, 'indberetter.aarhus@demo.dk');
    const answers = [
      await therapist.agent.get('/forloeb'),
      await therapist.agent.get(`/forloeb/${courseId}`),
      await therapist.agent.get(`/forloeb/${courseId}/annuller`),
      await therapist.agent.get('/arbejdsliste'),
      await therapist.agent.post('/forloeb').type('form').send({ _csrf: therapist.csrf, q: 'Karen' }),
      await therapist.agent.post('/forloeb/nyt').type('form').send({ _csrf: therapist.csrf, ...HENVISNING(cprNo(3)), referral_date: 'x' }),
      await therapist.agent.get('/api/v1/courses'),
      await therapist.agent.get(`/api/v1/courses/${courseId}`),
      await therapist.agent.post('/api/v1/courses/search').set('X-CSRF-Token', therapist.csrf).send({ q: 'a' }),
      await therapist.agent.post('/api/v1/imports?dry_run=1').set('X-CSRF-Token', therapist.csrf).type('text/csv')
        .send('cpr;referral_date;diagnosis_group\n0101401001;2024-01-10;ihd\n'),
      await quality.agent.get('/indikatorer/HK03/forloeb?period=2025&unit_type=municipality&unit_code=751'),
      await admin.agent.get('/admin/log'),
      await exporter.agent.get('/indberetning'),
    ];
    for (const [i, res] of answers.entries()) {
      expect(res.status, `answer ${i}: ${res.status}`).to.be.below(500);
      expect(res.headers['cache-control'], `answer ${i}`).to.equal('no-store');
    }
  });
});

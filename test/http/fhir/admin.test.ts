import { expect } from 'chai';
import { issueToken } from '../../../server/auth/tokens';
import request from 'supertest';
import { loginAs, testApp, type TestApp } from '../../helpers/app';
import { fixture, holbaek } from '../../integration/fhir/helpers';

describe('HTTP /admin/omsorgsjournaler', () => {
  let t: TestApp;
  beforeEach(async () => { t = await testApp(); });

  it('an admin sees the SOR list and, per municipality, the last bundle and its answer; a therapist gets 403', async () => {
    const who = await holbaek(t.db);
    const token = (await issueToken(t.db, who.user.id, null, null)).token;
    await request(t.app).post('/api/v1/fhir/Bundle').set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/fhir+json')
      .send(JSON.stringify(fixture('bruno-report-kostvejledning-validationerror.json')));
    const admin = await loginAs(t.app, 'admin@demo.dk');
    const therapist = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const page = await admin.agent.get('/admin/omsorgsjournaler');
    const refused = await therapist.agent.get('/admin/omsorgsjournaler');

    expect(page.status).to.equal(200);
    expect(page.text).to.include('451000016003');
    expect(page.text).to.include('316 Holbæk');
    expect(page.text).to.match(/<td>400<\/td>/);
    expect(refused.status).to.equal(403);
  });
});

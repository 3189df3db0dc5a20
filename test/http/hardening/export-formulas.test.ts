import { expect } from 'chai';
import { createUser, loginAs, testApp } from '../../helpers/app';

const NAMES = ['=HYPERLINK("http://evil.example","klik")', '+45 1234', "'=allerede citeret", '@SUM(1)'];

describe('course export: formula characters get a leading quote that the import strips (re-import gives the same values)', () => {
  it('export → import into an empty installation recreates the exact names and external ids', async () => {
    const source = await testApp();
    const u = await loginAs(source.app, 'terapeut.aarhus@demo.dk');
    for (const [i, name] of NAMES.entries()) {
      const res = await u.agent.post('/api/v1/courses').set('X-CSRF-Token', u.csrf).send({
        cpr: `01014${i}100${i}`, referral_date: '2024-01-10', diagnosis_group: 'ihd', patient_name: name, external_id: `-ext${i}`,
      });
      expect(res.status, res.text).to.equal(201);
    }

    const exported = await u.agent.get('/api/v1/courses.csv').buffer(true);
    const text = exported.text;
    expect(text).to.include(`"'=HYPERLINK(""http://evil.example"",""klik"")"`);
    expect(text).to.include(";'+45 1234;");
    expect(text).to.include(";''=allerede citeret;");
    expect(text).to.include(";'-ext0;");
    for (const line of text.split('\r\n').slice(1)) expect(line).to.not.match(/(^|;)[=+\-@]/);

    const target = await testApp();
    const v = await loginAs(target.app, 'terapeut.aarhus@demo.dk');
    const imported = await v.agent.post('/api/v1/imports').set('X-CSRF-Token', v.csrf).type('text/csv').send(text);
    expect(imported.status, JSON.stringify(imported.body.errors)).to.equal(200);
    const list = await v.agent.get('/api/v1/courses');
    expect(list.body.items.map((c: { patient_name: string }) => c.patient_name).sort()).to.deep.equal([...NAMES].sort());
    expect(list.body.items.map((c: { external_id: string }) => c.external_id).sort()).to.deep.equal(['-ext0', '-ext1', '-ext2', '-ext3']);
  });
});

describe("the patient access log CSV: an e-mail that begins with '=' is written with a leading quote", () => {
  it('writes the actor e-mail guarded', async () => {
    const t = await testApp();
    await createUser(t.db, { email: '=cmd@test.dk', roles: ['therapist'], scope: '751' });
    const u = await loginAs(t.app, '=cmd@test.dk');
    const created = await u.agent.post('/api/v1/courses').set('X-CSRF-Token', u.csrf)
      .send({ cpr: '0101401001', referral_date: '2024-01-10', diagnosis_group: 'ihd' });
    expect(created.status).to.equal(201);
    await u.agent.get(`/api/v1/courses/${created.body.id}`);

    const admin = await loginAs(t.app, 'admin@demo.dk');
    const csv = await admin.agent.post('/admin/log/patient.csv').type('form').send({ _csrf: admin.csrf, cpr: '010140-1001' });
    expect(csv.status).to.equal(200);
    expect(csv.text).to.include("'=cmd@test.dk");
    expect(csv.text).to.not.match(/(^|,)=cmd/m);
  });
});

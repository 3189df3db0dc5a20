import { expect } from 'chai';
import request from 'supertest';
import { recordAudit } from '../../../server/audit/record';
import { cprLookupHash, encryptCpr } from '../../../server/patients';
import { createUser, loginAs, LoggedIn, testApp, TestApp } from '../../helpers/app';

const CPR = '0101901234';

describe('admin: audit log', () => {
  let t: TestApp;
  let dk: LoggedIn;
  let aarhus: LoggedIn;
  let patientId: number;
  before(async () => {
    t = await testApp();
    await createUser(t.db, { email: 'admin.aarhus@test.dk', roles: ['admin'], scope: '751' });
    const key = t.ctx.config.cprKey;
    const [row] = await t.db('patients').insert({
      municipality_code: '751', cpr_hash: cprLookupHash(key, CPR), cpr_enc: encryptCpr(key, CPR), created_at: new Date().toISOString(),
    }).returning('id');
    patientId = typeof row === 'object' ? row.id : row;
    const therapist = { userId: null, email: 'terapeut.aarhus@demo.dk', scope: '751', ip: null };
    await recordAudit(t.db, therapist, { action: 'course_read', entity: 'course', entityId: 1, patientId, municipalityCode: '751' });
    await recordAudit(t.db, { ...therapist, email: 'terapeut.randers@demo.dk', scope: '730' }, { action: 'course_read', entity: 'course', entityId: 2, municipalityCode: '730' });
    await recordAudit(t.db, { userId: null, email: 'old@test.dk', scope: '751', ip: null }, { action: 'course_update', entity: 'course', entityId: 1, patientId, municipalityCode: '751' });
    dk = await loginAs(t.app, 'admin@demo.dk');
    aarhus = await loginAs(t.app, 'admin.aarhus@test.dk');
  });

  it('anonymous request for /admin/log is redirected to login; an exporter gets 403', async () => {
    const { agent } = await loginAs(t.app, 'indberetter.aarhus@demo.dk');

    expect((await request(t.app).get('/admin/log')).status).to.equal(303);
    expect((await agent.get('/admin/log')).status).to.equal(403);
  });

  it('an admin of 751 sees rows of 751 actors and records, not those of 730 or of other admins', async () => {
    const res = await aarhus.agent.get('/admin/log');

    expect(res.status).to.equal(200);
    expect(res.text).to.contain('terapeut.aarhus@demo.dk');
    expect(res.text).not.to.contain('terapeut.randers@demo.dk');
    expect(res.text).not.to.contain('admin@demo.dk</td>');
  });

  it('the DK admin sees every row and can filter by user and action', async () => {
    const byUser = await dk.agent.get('/admin/log').query({ user: 'Terapeut.Randers@demo.dk' });
    const byAction = await dk.agent.get('/admin/log').query({ action: 'course_update' });

    expect(byUser.text).to.contain('1 hændelser');
    expect(byUser.text).to.contain('terapeut.randers@demo.dk');
    expect(byAction.text).to.contain('old@test.dk');
    expect(byAction.text).not.to.contain('terapeut.aarhus@demo.dk');
  });

  it('a time filter in Danish dates keeps only the rows of those days', async () => {
    const past = await dk.agent.get('/admin/log').query({ from: '01.01.2020', to: '31.12.2020' });
    const today = new Date().toISOString().slice(0, 10).split('-').reverse().join('.');
    const now = await dk.agent.get('/admin/log').query({ from: today });

    expect(past.text).to.contain('0 hændelser');
    expect(now.text).to.contain('terapeut.randers@demo.dk');
  });

  it('a bad date or a to-date before the from-date answers 400 with a message at the field', async () => {
    const res = await dk.agent.get('/admin/log').query({ from: '32.13.2020', to: '' });
    const order = await dk.agent.get('/admin/log').query({ from: '02.01.2025', to: '01.01.2025' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Skriv datoen som dd.mm.åååå.');
    expect(res.text).to.contain('value="32.13.2020"');
    expect(order.status).to.equal(400);
    expect(order.text).to.contain('Til-datoen kan ikke ligge før fra-datoen.');
  });

  it('a CPR typed in the filter finds the patient by keyed hash and shows that patient’s rows; the search is audited', async () => {
    const res = await aarhus.agent.post('/admin/log').type('form').send({ _csrf: aarhus.csrf, cpr: '010190-1234' });

    expect(res.status).to.equal(200);
    expect(res.headers['cache-control']).to.equal('no-store');
    expect(res.text).to.contain('2 hændelser');
    expect(res.text).to.contain('old@test.dk');
    const rows = await t.db('audit_log').where({ action: 'audit_log_patient_search', patient_id: patientId });
    expect(rows).to.have.length(1);
    expect(rows[0].detail ?? '').not.to.contain(CPR);
  });

  it('a CPR in the query string is ignored (a CPR never goes in a URL)', async () => {
    const searchesBefore = await t.db('audit_log').where('action', 'audit_log_patient_search');

    const res = await aarhus.agent.get('/admin/log').query({ cpr: CPR });

    expect(res.status).to.equal(200);
    expect(res.text).not.to.contain(`value="${CPR}"`);
    expect(await t.db('audit_log').where('action', 'audit_log_patient_search')).to.have.length(searchesBefore.length);
  });

  it('an admin of 730 finds nothing for a patient of 751', async () => {
    await createUser(t.db, { email: 'admin.randers@test.dk', roles: ['admin'], scope: '730' });
    const randers = await loginAs(t.app, 'admin.randers@test.dk');

    const res = await randers.agent.post('/admin/log').type('form').send({ _csrf: randers.csrf, cpr: CPR });
    const csv = await randers.agent.post('/admin/log/patient.csv').type('form').send({ _csrf: randers.csrf, cpr: CPR });

    expect(res.text).to.contain('0 hændelser');
    expect(csv.text.trim().split('\n')).to.have.length(1);
  });

  it('a malformed CPR answers 400 with a message at the CPR field', async () => {
    const res = await aarhus.agent.post('/admin/log').type('form').send({ _csrf: aarhus.csrf, cpr: '12345' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('CPR-nummeret skal have 10 cifre');
  });

  it('exports one patient’s access log as CSV, oldest first, and audits the export', async () => {
    const res = await aarhus.agent.post('/admin/log/patient.csv').type('form').send({ _csrf: aarhus.csrf, cpr: CPR });

    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers['content-disposition']).to.contain('adgangslog.csv');
    const lines = res.text.trim().split('\n');
    expect(lines[0]).to.equal('at,actor_email,actor_scope,action,entity,entity_id,municipality_code');
    expect(lines.slice(1).map((l) => l.split(',')[3])).to.include.members(['course_read', 'course_update']);
    expect(res.text).not.to.contain(CPR);
    expect(await t.db('audit_log').where({ action: 'audit_log_patient_export', patient_id: patientId })).to.have.length(1);
  });

  it('the CSV export without a CPR answers 400 with a message at the CPR field', async () => {
    const res = await aarhus.agent.post('/admin/log/patient.csv').type('form').send({ _csrf: aarhus.csrf, cpr: '' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('Udfyld CPR-nummer');
  });

  it('the CSV export without the CSRF token is refused with 403', async () => {
    const res = await aarhus.agent.post('/admin/log/patient.csv').type('form').send({ cpr: CPR });

    expect(res.status).to.equal(403);
  });
});

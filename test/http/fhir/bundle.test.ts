import { expect } from 'chai';
import request from 'supertest';
import { issueToken } from '../../../server/auth/tokens';
import { testApp, type TestApp } from '../../helpers/app';
import { fixture, holbaek } from '../../integration/fhir/helpers';
import * as s from '../../integration/fhir/series';

describe('HTTP POST /api/v1/fhir/Bundle', () => {
  let t: TestApp;
  let token: string;
  beforeEach(async () => {
    t = await testApp({ maxUploadBytes: 64 * 1024 });
    const who = await holbaek(t.db);
    token = (await issueToken(t.db, who.user.id, null, 'care record')).token;
  });

  const post = (body: unknown, query = '', type = 'application/fhir+json', auth = token) => {
    const req = request(t.app).post('/api/v1/fhir/Bundle' + query).set('Content-Type', type);
    if (auth) req.set('Authorization', `Bearer ${auth}`);
    return req.send(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
  };

  it('200 with an OperationOutcome: one information per course, our code in details.coding', async () => {
    const res = await post(fixture('bruno-report.json'));

    expect(res.status).to.equal(200);
    expect(res.type).to.equal('application/fhir+json');
    expect(res.body.resourceType).to.equal('OperationOutcome');
    expect(res.body.issue).to.have.length(1);
    expect(res.body.issue[0]).to.deep.include({ severity: 'information', code: 'informational' });
    expect(res.body.issue[0].details.coding[0]).to.deep.equal({ system: 'urn:hjertekvalitet:issue', code: 'created' });
    expect(res.body.issue[0].diagnostics).to.match(/^Forløb \d+ oprettet/);
  });

  it('Accept: application/json answers the import report\'s shape; the course JSON carries sources', async () => {
    const res = await post(fixture('bruno-report.json')).set('Accept', 'application/json');
    const id = res.body.courses[0].id;
    const c = await request(t.app).get(`/api/v1/courses/${id}`).set('Authorization', `Bearer ${token}`);

    expect(Object.keys(res.body)).to.deep.equal(['dry_run', 'bundles', 'created', 'updated', 'unchanged', 'courses', 'errors', 'warnings', 'information']);
    expect(res.body).to.include({ dry_run: false, bundles: 1, created: 1 });
    expect(res.body.courses[0]).to.include({ bundle: null, action: 'create', fhir_referral_id: 'BrunoRequestInformation' });
    expect(c.body).to.include({ fhir_referral_id: 'BrunoRequestInformation', referral_sor: '391951000016006' });
    expect(c.body.sources).to.include({ referral_date: 'fhir', start_date: 'fhir' });
  });

  it('dry run: 200 listing the issues, nothing written but the read rows; also for a 400', async () => {
    const dry = await post(fixture('bruno-report.json'), '?dry_run=1').set('Accept', 'application/json');
    const dryBad = await post(fixture('bruno-report-afbrudt-validationerror.json'), '?dry_run=1');

    expect(dry.status).to.equal(200);
    expect(dry.body).to.include({ dry_run: true, created: 1 });
    expect(dry.body.courses[0].id).to.equal(null);
    expect(Number((await t.db('courses').count({ n: '*' }))[0].n)).to.equal(0);
    expect(dryBad.status).to.equal(200);
    expect(dryBad.body.issue[0]).to.deep.include({ severity: 'error', code: 'invariant', expression: ['Bundle.entry[7]'] });
  });

  it('status order: 401, 403 (audited), 415, 413, 400, 404', async () => {
    const exporter = (await t.db('users').where('email', 'indberetter.aarhus@demo.dk').first('id')).id;
    const exporterToken = (await issueToken(t.db, exporter, null, null)).token;

    const none = await post(fixture('bruno-report.json'), '', 'application/fhir+json', '');
    const wrongToken = await post(fixture('bruno-report.json'), '', 'application/fhir+json', 'hk_nope');
    const forbidden = await post(fixture('bruno-report.json'), '', 'application/fhir+json', exporterToken);
    const xml = await post('<Bundle/>', '', 'application/fhir+xml');
    const latin1 = await post('{}', '', 'application/json; charset=iso-8859-1');
    const big = await post(JSON.stringify({ x: 'a'.repeat(70 * 1024) }));
    const broken = await post('{"resourceType": "Bun');
    const nul = await post(JSON.stringify({ resourceType: 'Bundle\u0000' }));
    const other = fixture('bruno-report.json');
    other.entry[0].resource.managingOrganization.identifier.value = '1234567890';
    const notOurs = await post(other);

    expect([none.status, wrongToken.status, forbidden.status, xml.status, latin1.status, big.status, broken.status, nul.status, notOurs.status])
      .to.deep.equal([401, 401, 403, 415, 415, 413, 400, 400, 404]);
    for (const r of [none, wrongToken, forbidden, xml, big, broken, notOurs]) expect(r.body.resourceType).to.equal('OperationOutcome');
    expect(nul.body.issue[0].details.coding[0].code).to.equal('control_character');
    expect(notOurs.body.issue).to.have.length(1);
    expect(notOurs.body.issue[0].diagnostics).to.not.match(/\d{10}/);
    const audit = await t.db('audit_log').whereIn('action', ['access_denied', 'fhir_import']).select('action', 'patient_id');
    expect(audit.map((a) => a.action).sort()).to.deep.equal(['access_denied', 'fhir_import']);
    expect(audit.every((a) => a.patient_id === null)).to.equal(true);
  });

  it('409 overlap for a second cardiac referral; re-sending a bundle changes nothing; audit rows per course hold no CPR', async () => {
    await post(s.step1());
    const again = await post(s.step1()).set('Accept', 'application/json');
    const conflict = await post(s.secondReferral());

    expect(again.body.unchanged).to.equal(1);
    expect(conflict.status).to.equal(409);
    expect(conflict.body.issue[0]).to.deep.include({ severity: 'error', code: 'conflict' });
    const rows = await t.db('audit_log').where('action', 'fhir_import').select('detail', 'patient_id');
    expect(rows).to.have.length(1);
    expect(rows[0].patient_id).to.be.a('number');
    expect(String(rows[0].detail)).to.not.include(s.CPR);
    expect(JSON.parse(rows[0].detail)).to.have.keys('bundle_timestamp', 'sha256', 'changes', 'created');
  });

  it('PATCH refuses sources, fhir_referral_id and referral_sor as output only', async () => {
    const created = await post(fixture('bruno-report.json')).set('Accept', 'application/json');
    const id = created.body.courses[0].id;

    const res = await request(t.app).patch(`/api/v1/courses/${id}`).set('Authorization', `Bearer ${token}`)
      .send({ version: 1, sources: {}, fhir_referral_id: 'x' });

    expect(res.status).to.equal(400);
    expect(res.body.error.fields).to.have.keys('sources', 'fhir_referral_id');
  });
});

import { expect } from 'chai';
import { testEngine } from '../../helpers/db';
import { createUser, loginAs, randomEmail, testApp, TestApp } from '../../helpers/app';
import { seedHk03 } from './scenario';

describe(`indicator drill-down /indikatorer/:id/forloeb (${testEngine})`, () => {
  let t: TestApp;
  let seeded: Awaited<ReturnType<typeof seedHk03>>;
  before(async () => {
    t = await testApp();
    seeded = await seedHk03(t.db);
  });

  const auditRows = (email: string, action: string) => t.db('audit_log').where({ actor_email: email, action });

  it('a therapist in Aarhus sees the courses that did not meet HK03 and the one missing, each marked, linked and audited per patient', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');

    const res = await agent.get('/indikatorer/HK03/forloeb?period=2025&unit_type=municipality&unit_code=751');

    expect(res.status).to.equal(200);
    for (const id of [...seeded.aarhusNotMet, seeded.aarhusMissing]) expect(res.text).to.contain(`href="/forloeb/${id}"`);
    expect(res.text.match(/hk-kind--not_met/g)).to.have.length(2);
    expect(res.text.match(/hk-kind--missing/g)).to.have.length(1);
    expect(res.text).to.contain('Forløbets afslutning');
    expect(res.text).not.to.contain('Viser kun forløb i');
    const rows = await auditRows('terapeut.aarhus@demo.dk', 'course_list_read');
    expect(rows).to.have.length(3);
    expect(rows.every((r) => r.patient_id !== null && r.municipality_code === '751')).to.equal(true);
  });

  it('for the region containing Aarhus the list holds only Aarhus courses and says so', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');

    const res = await agent.get('/indikatorer/HK03/forloeb?period=2025&unit_type=region&unit_code=1082');

    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Viser kun forløb i Aarhus');
    expect(res.text.match(/href="\/forloeb\/\d+"/g)).to.have.length(3);
  });

  it('a municipality user gets 404 for the drill-down of another municipality or of a region not containing theirs, audited', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.randers@demo.dk');

    const aarhus = await agent.get('/indikatorer/HK03/forloeb?period=2025&unit_type=municipality&unit_code=751');
    const hovedstaden = await agent.get('/indikatorer/HK03/forloeb?period=2025&unit_type=region&unit_code=1084');

    expect([aarhus.status, hovedstaden.status]).to.deep.equal([404, 404]);
    expect(aarhus.text).not.to.contain('/forloeb/');
    const refused = await auditRows('terapeut.randers@demo.dk', 'access_denied');
    expect(refused.map((r) => r.entity)).to.deep.equal(['indicator_drilldown', 'indicator_drilldown']);
  });

  it('region and DK users get 403 for every drill-down URL (product.md: the kind of scope cannot read courses), audited, and no drill-down link on the detail page', async () => {
    const region = await loginAs(t.app, 'kvalitet.midt@demo.dk');
    const admin = await loginAs(t.app, 'admin@demo.dk');

    const byRegion = await region.agent.get('/indikatorer/HK03/forloeb?period=2025&unit_type=municipality&unit_code=751');
    const byAdmin = await admin.agent.get('/indikatorer/HK03/forloeb?period=2025&unit_type=country&unit_code=DK');
    const detail = await region.agent.get('/indikatorer/HK03?period=2025&unit_type=municipality&unit_code=751');

    const unknownUnit = await region.agent.get('/indikatorer/HK03/forloeb?period=2025&unit_type=municipality&unit_code=999');
    expect([byRegion.status, byAdmin.status, unknownUnit.status]).to.deep.equal([403, 403, 403]);
    expect(detail.text).not.to.contain('/indikatorer/HK03/forloeb');
    expect((await auditRows('kvalitet.midt@demo.dk', 'access_denied')).map((r) => r.entity)).to.include('indicator_drilldown');
    expect(await auditRows('kvalitet.midt@demo.dk', 'course_list_read')).to.have.length(0);
  });

  it('an admin with a municipality scope may not read courses, so gets 403 before anything is looked up', async () => {
    const email = randomEmail('admin751');
    await createUser(t.db, { email, roles: ['admin'], scope: '751' });
    const { agent } = await loginAs(t.app, email);

    const res = await agent.get('/indikatorer/HK03/forloeb?period=2025&unit_type=municipality&unit_code=751');
    const other = await agent.get('/indikatorer/HK03/forloeb?period=2025&unit_type=municipality&unit_code=101');

    expect([res.status, other.status]).to.deep.equal([403, 403]);
  });

  it('says why each course missed, shows the patient name, sorts and filters into "ikke opfyldt" and "mangler"', async () => {
    const { agent } = await loginAs(t.app, 'terapeut.aarhus@demo.dk');
    await t.db('patients').whereIn('id', t.db('courses').select('patient_id').whereIn('id', seeded.aarhusNotMet)).update({ patient_name: 'Åse Ørsted' });
    const base = '/indikatorer/HK03/forloeb?period=2025&unit_type=municipality&unit_code=751';

    const all = await agent.get(base);
    const notMet = await agent.get(`${base}&vis=ikke-opfyldt`);
    const missing = await agent.get(`${base}&vis=mangler&sort=patient`);

    expect(all.text).to.contain('Forløbets afslutning: Ophørt før tid');
    expect(all.text).to.contain('Mangler: Forløbets afslutning');
    expect(all.text).to.contain('Åse Ørsted');
    expect(all.text).to.contain('Alle (3)');
    expect(notMet.text.match(/hk-kind--not_met/g)).to.have.length(2);
    expect(notMet.text).not.to.contain('hk-kind--missing');
    expect(missing.text.match(/hk-kind--missing/g)).to.have.length(1);
    expect(missing.text).not.to.contain('hk-kind--not_met');
    expect(missing.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'))
      .to.contain('aria-sort="ascending"><a href="/indikatorer/HK03/forloeb?period=2025&unit_type=municipality&unit_code=751&sort=patient&vis=mangler"');
  });
});

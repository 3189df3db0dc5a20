import { expect } from 'chai';
import type { Db } from '../../../server/db/connect';
import { freshDb } from '../../helpers/db';
import { codes, counts, course, fixture, holbaek, send } from './helpers';

describe('FHIR intake: the IG\'s own examples (fhir.md fixture table)', () => {
  let db: Db;
  let who: Awaited<ReturnType<typeof holbaek>>;
  beforeEach(async () => {
    db = await freshDb();
    who = await holbaek(db);
  });

  it('Bruno-1, -2, -5, -6, -7, -8: all 200, DE11 and DJ44 not cardiac, no course, no patient; Bruno-8 warns fullurl_mismatch at entry[6]', async () => {
    const results = [];
    for (const n of [1, 2, 5, 6, 7, 8]) results.push(await send(db, who, fixture(`bruno-${n}.json`)));

    expect(results.map((r) => r.status)).to.deep.equal([200, 200, 200, 200, 200, 200]);
    expect(codes(results[0], 'error')).to.deep.equal([]);
    expect(results[0].findings.filter((f) => f.code === 'not_cardiac')).to.have.length(1);
    expect(results[3].findings.filter((f) => f.code === 'not_cardiac')).to.have.length(1);
    expect(results[5].findings.filter((f) => f.code === 'fullurl_mismatch').map((f) => f.expression)).to.deep.equal(['Bundle.entry[6].fullUrl']);
    const c = await counts(db);
    expect(c.courses).to.equal(0);
    expect(c.patients).to.equal(0);
  });

  it('BrunoIndberetningsrapport: 200, one ihd course with the expected values; sent again: unchanged', async () => {
    const first = await send(db, who, fixture('bruno-report.json'));
    const again = await send(db, who, fixture('bruno-report.json'));

    expect(first.status).to.equal(200);
    expect(codes(first, 'error')).to.deep.equal([]);
    expect(first.courses).to.have.length(1);
    expect(first.courses[0].action).to.equal('create');
    const c = await course(db, who, first.courses[0].id);
    expect(c).to.include({
      cpr: '2509479989', municipality_code: '316', referral_date: '2022-05-29', referral_source: 'hospital', diagnosis_group: 'ihd',
      icd10: 'DI252B', start_date: '2022-06-02', state: 'active', fhir_referral_id: 'BrunoRequestInformation', referral_sor: '391951000016006',
    });
    for (const v of ['education', 'diet', 'smoking_cessation', 'psych_followup', 'training_attended']) expect(c[v]).to.equal(null);
    expect(c.sources).to.include({ referral_date: 'fhir', start_date: 'fhir', diagnosis_group: 'fhir' });
    expect(again.status).to.equal(200);
    expect(again.courses.map((x) => x.action)).to.deep.equal(['unchanged']);
    expect((await course(db, who, first.courses[0].id)).version).to.equal(c.version);
  });

  it('BrunoforloebKostAfbrudt: 200, ended early without period.end: no end_date, not_applied', async () => {
    const r = await send(db, who, fixture('bruno-report-afbrudt.json'));

    expect(r.status).to.equal(200);
    const c = await course(db, who, r.courses[0].id);
    expect(c.end_date).to.equal(null);
    expect(c.start_date).to.equal('2022-06-02');
    expect(codes(r, 'warning')).to.include('not_applied');
    expect(r.findings.find((f) => f.code === 'not_applied')!.params).to.include({ variable: 'end_date' });
  });

  it('the validation-error variants: 400 status_reason at entry[7], 400 intervention_plan at entry[8], nothing written', async () => {
    const a = await send(db, who, fixture('bruno-report-afbrudt-validationerror.json'));
    const b = await send(db, who, fixture('bruno-report-kostvejledning-validationerror.json'));

    expect(a.status).to.equal(400);
    expect(a.findings.map((f) => [f.code, f.expression])).to.deep.equal([['status_reason', 'Bundle.entry[7]']]);
    expect(b.status).to.equal(400);
    expect(b.findings.map((f) => [f.code, f.expression])).to.deep.equal([['intervention_plan', 'Bundle.entry[8]']]);
    expect(await counts(db)).to.deep.equal({ courses: 0, patients: 0, fhir_resources: 0 });
  });

  it('an unregistered managing SOR: 404; none: 400 sor_invalid', async () => {
    const other = fixture('bruno-report.json');
    other.entry[0].resource.managingOrganization.identifier.value = '123456789012';
    const none = fixture('bruno-report.json');
    delete none.entry[0].resource.managingOrganization;

    const a = await send(db, who, other);
    const b = await send(db, who, none);

    expect(a.status).to.equal(404);
    expect(codes(a)).to.deep.equal(['sor_not_municipality']);
    expect(b.status).to.equal(400);
    expect(codes(b)).to.deep.equal(['sor_invalid']);
    expect((await counts(db)).courses).to.equal(0);
  });
});

import { expect } from 'chai';
import type { LoggedIn } from '../../helpers/app';
import { testApp, type TestApp } from '../../helpers/app';
import {
  AFSLUTNING, cprNo, createThroughForm, HENVISNING, INDSATSER, OPSTART, postForm, saveSection, therapist, versionOf,
} from './pages-helpers';

describe('course pages: registering a course through the forms', () => {
  let t: TestApp;
  let u: LoggedIn;
  before(async () => {
    t = await testApp();
    u = await therapist(t.app);
  });

  it('a therapist registers a whole course section by section; each save redirects and the page shows the values', async () => {
    const step1 = await postForm(u, '/forloeb/nyt', { step: 'cpr', cpr: cprNo(1) });
    expect(step1.status).to.equal(200);
    expect(step1.text).to.contain('01.01.1941').and.contain('Mand');

    const id = await createThroughForm(u, cprNo(1));
    const afterCreate = await u.agent.get(`/forloeb/${id}`);
    const opstart = await saveSection(u, id, 'opstart', OPSTART);
    const indsatser = await saveSection(u, id, 'indsatser', INDSATSER);
    const afslutning = await saveSection(u, id, 'afslutning', AFSLUTNING);
    const page = await u.agent.get(`/forloeb/${id}`);

    expect(afterCreate.text).to.contain('Forløbet er oprettet.').and.contain('value="10.01.2024"').and.contain('Henvist');
    for (const res of [opstart, indsatser, afslutning]) {
      expect(res.status, res.text.slice(0, 3000)).to.equal(303);
      expect(res.headers.location).to.match(new RegExp(`^/forloeb/${id}#`));
    }
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('value="20.01.2024"').and.contain('value="82,5"').and.contain('value="2,15"');
    expect(page.text).to.contain('value="24"').and.contain('value="20.04.2024"').and.contain('value="2,40"');
    expect(page.text).to.contain('Afsluttet').and.contain('>Data komplet<');
    expect(page.text).not.to.contain('Mangler for at forløbet er komplet');
    const course = await t.db('courses').where('id', id).first();
    expect(course.state).to.equal('closed');
    expect(Boolean(course.complete)).to.equal(true);
    expect(Number(course.weight_start_kg)).to.equal(82.5);
  });

  it('a new course for a patient already in the municipality is linked to the same patient and says so', async () => {
    const first = await createThroughForm(u, cprNo(2), { referral_date: '10.01.2023' });
    await saveSection(u, first, 'opstart', { start_date: '', not_started_reason: 'declined' });

    const step1 = await postForm(u, '/forloeb/nyt', { step: 'cpr', cpr: cprNo(2) });
    const second = await createThroughForm(u, cprNo(2));

    expect(step1.text).to.contain('Patienten findes allerede i kommunen med 1 forløb');
    expect(step1.text).to.contain(`href="/forloeb/${first}"`).and.contain('value="Karen Testesen"');
    const patients = await t.db('courses').whereIn('id', [first, second]).pluck('patient_id');
    expect(patients[0]).to.equal(patients[1]);
  });

  it('the referral form with "32.13.2025" and a 9-digit CPR returns 400 with the typed values and Danish messages', async () => {
    const res = await postForm(u, '/forloeb/nyt', { ...HENVISNING('010160123'), referral_date: '32.13.2025' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('value="32.13.2025"').and.contain('value="010160123"');
    expect(res.text).to.contain('Henvisningsdato skal være en dato (dd.mm.åååå).');
    expect(res.text).to.contain('CPR-nummer skal have 10 cifre – mangler et foranstillet 0?');
    expect(res.text).to.contain('href="#referral_date"').and.contain('href="#cpr"');
  });

  it('a bad CPR in step 1 is refused with 400 and the typed text kept', async () => {
    const res = await postForm(u, '/forloeb/nyt', { step: 'cpr', cpr: '3213601234' });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('value="3213601234"').and.contain('CPR-nummer begynder ikke med en gyldig dato');
  });

  it('every section answers bad input with 400, all typed values kept and a message at each field, never 500', async () => {
    const id = await createThroughForm(u, cprNo(3));
    const henv = await saveSection(u, id, 'henvisning', { ...HENVISNING(cprNo(3)), referral_date: '32.13.2025', icd10: 'I21' });
    const opst = await saveSection(u, id, 'opstart', { ...OPSTART, weight_start_kg: '72,35', height_cm: 'høj', start_date: '01.01.2020' });
    await saveSection(u, id, 'opstart', OPSTART);
    const inds = await saveSection(u, id, 'indsatser', { ...INDSATSER, training_planned: '20', training_attended: '22' });
    const afsl = await saveSection(u, id, 'afslutning', { ...AFSLUTNING, end_date: '01.01.2099', hads_a_end: '30' });

    expect(henv.status).to.equal(400);
    expect(henv.text).to.contain('value="32.13.2025"').and.contain('value="I21"').and.contain('value="Karen Testesen"');
    expect(henv.text).to.contain('Aktionsdiagnose skal skrives som DI');
    expect(opst.status).to.equal(400);
    expect(opst.text).to.contain('value="72,35"').and.contain('value="høj"').and.contain('value="2,15"');
    expect(opst.text).to.contain('Vægt ved opstart må højst have én decimal.');
    expect(opst.text).to.contain('Højde skal være et helt tal.');
    expect(opst.text).to.contain('Dato for opstartssamtale kan ikke ligge før Henvisningsdato.');
    expect(inds.status).to.equal(400);
    expect(inds.text).to.contain('value="22"').and.contain('Gennemførte træningsgange kan ikke være flere end planlagte (20).');
    expect(inds.text).to.contain('href="#training_attended"');
    expect(afsl.status).to.equal(400);
    expect(afsl.text).to.contain('value="01.01.2099"').and.contain('Dato for afslutning kan ikke ligge i fremtiden.');
    expect(afsl.text).to.contain('HADS angst ved afslutning skal være mellem 0 og 21.');
    const stored = await t.db('courses').where('id', id).first();
    expect(stored.training_planned).to.equal(null);
    expect(stored.end_date).to.equal(null);
  });

  it('a save that makes registered values inapplicable is refused naming them; "Ryd disse felter" clears them in the same save', async () => {
    const id = await createThroughForm(u, cprNo(4));
    await saveSection(u, id, 'opstart', OPSTART);
    await saveSection(u, id, 'indsatser', INDSATSER);
    const page = await u.agent.get(`/forloeb/${id}`);
    const version = versionOf(page.text);

    const refused = await postForm(u, `/forloeb/${id}/opstart`, { version, ...OPSTART, smoking_start: 'never' });
    const cleared = await postForm(u, `/forloeb/${id}/opstart`, { version, ...OPSTART, smoking_start: 'never', clear: 'smoking_cessation' });

    expect(refused.status).to.equal(400);
    expect(refused.text).to.contain('Nogle registrerede felter gælder ikke længere').and.contain('Rygestoptilbud');
    expect(refused.text).to.contain('name="clear" value="smoking_cessation"').and.contain('Ryd disse felter');
    expect(refused.text).to.match(/id="smoking_start-never" name="smoking_start" value="never" checked/);
    expect(cleared.status, cleared.text.slice(0, 3000)).to.equal(303);
    const stored = await t.db('courses').where('id', id).first();
    expect(stored.smoking_start).to.equal('never');
    expect(stored.smoking_cessation).to.equal(null);
  });

  it('two concurrent saves: the second gets 409 with both versions side by side and its typed values kept', async () => {
    const id = await createThroughForm(u, cprNo(5));
    const other = await therapist(t.app);
    const page = await u.agent.get(`/forloeb/${id}`);
    const version = versionOf(page.text);

    const firstSave = await postForm(other, `/forloeb/${id}/opstart`, { version, ...OPSTART, height_cm: '180' });
    const secondSave = await postForm(u, `/forloeb/${id}/opstart`, { version, ...OPSTART, height_cm: '165' });

    expect(firstSave.status).to.equal(303);
    expect(secondSave.status).to.equal(409);
    expect(secondSave.text).to.contain('Forløbet er ændret af en anden');
    expect(secondSave.text).to.contain('Dine værdier (ikke gemt)').and.contain('Gemt version');
    expect(secondSave.text).to.contain('<td>165</td><td>180 cm</td>');
    expect(secondSave.text).to.contain('value="165"').and.contain('name="version" value="2"');
    const stored = await t.db('courses').where('id', id).first();
    expect(stored.height_cm).to.equal(180);
    const reapplied = await postForm(u, `/forloeb/${id}/opstart`, { version: '2', ...OPSTART, height_cm: '165' });
    expect(reapplied.status).to.equal(303);
    expect((await t.db('courses').where('id', id).first()).height_cm).to.equal(165);
  });

  it('a CPR correction in Henvisning moves the course to the other patient', async () => {
    const id = await createThroughForm(u, cprNo(6));
    const before = await t.db('courses').where('id', id).first();

    const res = await saveSection(u, id, 'henvisning', { ...HENVISNING(cprNo(7)) });

    expect(res.status).to.equal(303);
    const after = await t.db('courses').where('id', id).first();
    expect(after.patient_id).to.not.equal(before.patient_id);
    const page = await u.agent.get(`/forloeb/${id}`);
    expect(page.text).to.contain(cprNo(7)).and.contain('CPR-rettelse');
  });

  it('annulling asks for a reason (400 without), then annuls and the page is read-only', async () => {
    const id = await createThroughForm(u, cprNo(8));
    const confirm = await u.agent.get(`/forloeb/${id}/annuller`);
    const version = versionOf(confirm.text);

    const noReason = await postForm(u, `/forloeb/${id}/annuller`, { version, reason: ' ' });
    const annulled = await postForm(u, `/forloeb/${id}/annuller`, { version, reason: 'Oprettet to gange' });
    const page = await u.agent.get(`/forloeb/${id}`);

    expect(confirm.status).to.equal(200);
    expect(noReason.status).to.equal(400);
    expect(noReason.text).to.contain('Skriv en årsag til annulleringen.');
    expect(annulled.status).to.equal(303);
    expect(page.text).to.contain('Forløbet er annulleret og kan ikke ændres. Årsag: Oprettet to gange');
    expect(page.text).not.to.contain('class="course-form"');
    const audit = await t.db('audit_log').where({ action: 'course_annul', entity_id: String(id) });
    expect(audit).to.have.length(1);
  });

  it('an overlapping new course is refused with 409 and the form kept', async () => {
    await createThroughForm(u, cprNo(9));

    const res = await postForm(u, '/forloeb/nyt', { ...HENVISNING(cprNo(9)), referral_date: '15.01.2024' });

    expect(res.status).to.equal(409);
    expect(res.text).to.contain('value="15.01.2024"').and.contain('href="#referral_date"');
  });

  it('the pages work in English through the language toggle', async () => {
    const id = await createThroughForm(u, cprNo(10));

    const res = await u.agent.get(`/forloeb/${id}?lang=en`);

    expect(res.status).to.equal(200);
    expect(res.text).to.contain('Referral').and.contain('Start-up').and.contain('Save Referral');
  });
  it('malformed saves are answered 400 or 404, never 500: no version, repeated fields, unknown section, non-numeric id', async () => {
    const id = await createThroughForm(u, cprNo(11));

    const noVersion = await postForm(u, `/forloeb/${id}/opstart`, OPSTART);
    const repeated = await u.agent.post(`/forloeb/${id}/opstart`).type('form')
      .send(`_csrf=${u.csrf}&version=1&start_date=x&start_date=y&height_cm=1&height_cm=2`);
    const unknownSection = await postForm(u, `/forloeb/${id}/hemmelig`, { version: '1' });
    const badId = await u.agent.get('/forloeb/abc');

    expect(noVersion.status).to.equal(400);
    expect(repeated.status).to.equal(400);
    expect(repeated.text).to.contain('value="y"').and.contain('value="2"');
    expect(unknownSection.status).to.equal(404);
    expect(badId.status).to.equal(404);
  });
});

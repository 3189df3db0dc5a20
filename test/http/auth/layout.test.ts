import { expect } from 'chai';
import request from 'supertest';
import { csrfFrom, loginAs, testApp, TestApp } from '../../helpers/app';

describe('layout: language, landmarks, scope names, form errors', () => {
  let t: TestApp;
  before(async () => { t = await testApp(); });

  it('a page is Danish by default with lang="da", a skip link to the main landmark, a named main menu and a footer', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');

    const page = (await agent.get('/')).text;

    expect(page).to.contain('<html lang="da">');
    expect(page).to.contain('<a class="skipnav" href="#main-content">Gå til sidens indhold</a>');
    expect(page).to.match(/<main id="main-content"/);
    expect(page).to.contain('<nav class="navigation-menu" aria-label="Hovedmenu">');
    expect(page).to.match(/<header[\s\S]*<\/header>[\s\S]*<main[\s\S]*<\/main>\s*<footer/);
    expect(page).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('the start page and the header name the scope as a municipal user knows it: "Aarhus (751)", a region by name, DK as the whole country', async () => {
    const aarhus = (await (await loginAs(t.app, 'kvalitet.aarhus@demo.dk')).agent.get('/')).text;
    const midt = (await (await loginAs(t.app, 'kvalitet.midt@demo.dk')).agent.get('/')).text;
    const admin = await loginAs(t.app, 'admin@demo.dk');
    const dk = (await admin.agent.get('/')).text;
    const dkEn = (await admin.agent.get('/?lang=en')).text;

    expect(aarhus).to.contain('Du har adgang til Aarhus (751) som Kvalitetsmedarbejder.');
    expect(aarhus).to.contain('Kvalitetsmedarbejder · Aarhus (751)');
    expect(midt).to.contain('Region Midtjylland (1082)');
    expect(dk).to.contain('Du har adgang til Hele landet som Administrator.');
    expect(dkEn).to.contain('All of Denmark');
  });

  it('the language toggle keeps the whole current address, query included, and sets English', async () => {
    const { agent } = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');

    const page = (await agent.get('/admin?x=1&y=2')).text;
    const toggle = await agent.get('/sprog?lang=en&next=' + encodeURIComponent('/indikatorer?period=2025&unit_type=region'));
    const english = (await agent.get('/')).text;

    expect(page).to.contain('href="/sprog?lang=en&amp;next=%2Fadmin%3Fx%3D1%26y%3D2"');
    expect(toggle.headers.location).to.equal('/indikatorer?period=2025&unit_type=region');
    expect(english).to.contain('<html lang="en">');
    expect(english).to.contain('Skip to content');
  });

  it('a login error in English: summary links each field, the field names its error and hint, the hidden prefix is English', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/log-ind?lang=en');

    const res = await agent.post('/log-ind?lang=en').type('form').send({ email: '', password: '', _csrf: csrfFrom(page.text) });

    expect(res.status).to.equal(400);
    expect(res.text).to.contain('<a href="#email">');
    expect(res.text).to.contain('<a href="#password">');
    expect(res.text).to.match(/id="email" name="email"[^>]*aria-invalid="true" aria-describedby="email-error"/);
    expect(res.text).to.contain('<span class="sr-only">Error: </span>');
    expect(res.text).not.to.contain('Fejl');
  });

  it('a field with a hint and an error is described by both', async () => {
    const { agent, csrf } = await loginAs(t.app, 'kvalitet.aarhus@demo.dk');

    const res = await agent.post('/adgangskode').type('form').send({ current_password: 'x', new_password: 'short', repeat_password: 'short', _csrf: csrf });

    expect(res.status).to.equal(400);
    expect(res.text).to.match(/id="new_password"[^>]*aria-describedby="new_password-hint new_password-error"/);
  });

  it('Administration stays the current menu item on every administration page', async () => {
    const { agent } = await loginAs(t.app, 'admin@demo.dk');

    for (const path of ['/admin/brugere', '/admin/noegler', '/admin/log']) {
      const page = (await agent.get(path)).text;
      expect(page, path).to.match(/<li class="mainmenu-item current"><a href="\/admin\/brugere" class="nav-link" aria-current="page">/);
    }
  });

  it('the audit log shows where an action came from and names the record in Danish', async () => {
    const { agent } = await loginAs(t.app, 'admin@demo.dk');
    const adminId = (await t.db('users').where('email', 'admin@demo.dk').first('id')).id;

    const page = (await agent.get('/admin/log?action=login')).text;

    expect(page).to.match(/fra (::ffff:)?127\.0\.0\.1|fra ::1/);
    expect(page).to.contain(`Bruger ${adminId}`);
  });
});

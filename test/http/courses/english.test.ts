import { expect } from 'chai';
import type { LoggedIn } from '../../helpers/app';
import { testApp, type TestApp } from '../../helpers/app';
import {
  AFSLUTNING, cprNo, createThroughForm, HENVISNING, INDSATSER, OPSTART, postForm, saveSection, therapist, versionOf,
} from './pages-helpers';

/** The visible text of a page: no tags, no attribute values, and no element marked lang="da" (the language toggle). */
function visibleText(html: string): string {
  return html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]*lang="da"[^>]*>[^<]*</g, '<')
    .replace(/<[^>]+>/g, ' ').replace(/&[a-z#0-9]+;/g, ' ').replace(/\s+/g, ' ');
}

/** Danish letters and words that give a leftover away (patient names and place names used here have none). */
const DANISH = /[æøåÆØÅ]|\b(og|ikke|forløb|henvisning|opstart|indsatser|afslutning|gem|ryd|felter|mangler|dato|skal|være|udfyld|eller|side|søg)\b/i;

describe('course pages in English: no Danish leftovers', () => {
  let t: TestApp;
  let u: LoggedIn;
  let id: number;
  before(async () => {
    t = await testApp();
    u = await therapist(t.app);
    await u.agent.get('/sprog?lang=en&next=%2F');
    id = await createThroughForm(u, cprNo(40));
    await saveSection(u, id, 'opstart', OPSTART);
    await saveSection(u, id, 'indsatser', INDSATSER);
    await saveSection(u, id, 'afslutning', AFSLUTNING);
    await createThroughForm(u, cprNo(41));
  });

  const check = (name: string, html: string) => {
    const m = DANISH.exec(visibleText(html));
    expect(m, `${name}: "${m && visibleText(html).slice(Math.max(0, m.index - 80), m.index + 80)}"`).to.equal(null);
  };

  it('list, worklist, new course, course page and annul page are all English', async () => {
    for (const path of ['/forloeb', '/arbejdsliste', '/forloeb/nyt', `/forloeb/${id}`, `/forloeb/${id}/annuller`]) {
      const res = await u.agent.get(path);
      expect(res.status, path).to.equal(200);
      check(path, res.text);
    }
  });

  it('bad input in every section, a refused clear and a conflict answer in English', async () => {
    const other = await createThroughForm(u, cprNo(42));
    const bad = { henvisning: { ...HENVISNING(cprNo(42)), referral_date: '32.13.2024', cpr: '12345' },
      opstart: { ...OPSTART, height_cm: 'abc', weight_start_kg: '82,55', bp_dia_start: '' },
      indsatser: { ...INDSATSER, training_attended: '30' }, afslutning: { ...AFSLUTNING, end_date: '01.01.2023' } };
    for (const [section, fields] of Object.entries(bad)) {
      const res = await saveSection(u, other, section, fields);
      expect(res.status, section).to.equal(400);
      check(section, res.text);
    }
    const clear = await saveSection(u, id, 'opstart', { ...OPSTART, smoking_start: 'never' });
    expect(clear.status).to.equal(400);
    check('clear', clear.text);
    const stale = await postForm(u, `/forloeb/${id}/indsatser`, { ...INDSATSER, version: '1' });
    expect(stale.status).to.equal(409);
    check('conflict', stale.text);
    const newBad = await postForm(u, '/forloeb/nyt', { ...HENVISNING('0101'), referral_date: 'x' });
    expect(newBad.status).to.equal(400);
    check('new', newBad.text);
    expect(versionOf((await u.agent.get(`/forloeb/${id}`)).text)).to.equal('4');
  });
});

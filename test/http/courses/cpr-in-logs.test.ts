import { expect } from 'chai';
import pino from 'pino';
import { Writable } from 'node:stream';
import { createApp } from '../../../server/app';
import { createDemoUsersIfEmpty } from '../../../server/demo/users';
import type { AppContext } from '../../../server/http/context';
import { freshDb } from '../../helpers/db';
import { loginAs, testConfig } from '../../helpers/app';
import { aCourse, aCpr } from '../../integration/courses/helpers';
import { HENVISNING, createThroughForm, postForm, versionOf } from './pages-helpers';

describe('CPR numbers in the log', () => {
  it('creating, searching, correcting and refusing courses by form and API logs no CPR number, with or without hyphen', async () => {
    let logged = '';
    const sink = new Writable({ write(chunk, _enc, done) { logged += String(chunk); done(); } });
    const db = await freshDb();
    await createDemoUsersIfEmpty(db);
    const ctx: AppContext = { db, config: testConfig({ nodeEnv: 'development' }), logger: pino({ level: 'trace' }, sink) };
    const app = createApp(ctx);
    const u = await loginAs(app, 'terapeut.aarhus@demo.dk');
    const cprs = [aCpr(), aCpr(), aCpr()];
    const dashed = (c: string) => `${c.slice(0, 6)}-${c.slice(6)}`;

    const id = await createThroughForm(u, dashed(cprs[0]));
    await postForm(u, '/forloeb', { q: dashed(cprs[0]) });
    await postForm(u, '/forloeb/nyt', { ...HENVISNING(dashed(cprs[0])), referral_date: '32.13.2024' });
    const page = await u.agent.get(`/forloeb/${id}`);
    await postForm(u, `/forloeb/${id}/henvisning`, { ...HENVISNING(dashed(cprs[1])), version: versionOf(page.text) });
    const api = u.agent;
    await api.post('/api/v1/courses').set('X-CSRF-Token', u.csrf).send(aCourse({ cpr: cprs[2] }));
    await api.post('/api/v1/courses').set('X-CSRF-Token', u.csrf).send(aCourse({ cpr: cprs[2] }));
    await api.post('/api/v1/courses/search').set('X-CSRF-Token', u.csrf).send({ cpr: cprs[2] });

    expect(logged.length).to.be.greaterThan(0);
    for (const cpr of cprs) {
      expect(logged, cpr).not.to.contain(cpr);
      expect(logged, cpr).not.to.contain(dashed(cpr));
    }
  });
});

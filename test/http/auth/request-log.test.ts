import { Writable } from 'node:stream';
import { expect } from 'chai';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../../server/app';
import { createDemoUsersIfEmpty } from '../../../server/demo/users';
import { freshDb } from '../../helpers/db';
import { loginAs, testConfig } from '../../helpers/app';

describe('request log', () => {
  it('logs method, path and status but never the query string (a CPR sent in a URL stays out of the log)', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const db = await freshDb();
    await createDemoUsersIfEmpty(db);
    const app = createApp({ db, config: testConfig({ nodeEnv: 'development' }), logger: pino({ level: 'info' }, sink) });
    const { agent } = await loginAs(app, 'kvalitet.midt@demo.dk');

    await agent.get('/api/v1/courses?cpr=0101801234&q=0101801234');
    await request(app).get('/forloeb?cpr=010180-1234');

    const log = lines.join('');
    expect(log).to.contain('/api/v1/courses');
    expect(log).to.contain('"statusCode":403');
    expect(log).not.to.match(/0101801234|010180-1234/);
    const denied = await db('audit_log').where('action', 'access_denied').pluck('detail');
    expect(denied.join('')).to.contain('/api/v1/courses').and.not.to.contain('0101801234');
  });
});

import crypto from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { Role } from '../../server/auth/access';
import { hashPassword } from '../../server/auth/passwords';
import { userNameColumns } from '../../server/admin/queries';
import { createApp } from '../../server/app';
import type { Config } from '../../server/config';
import type { Db } from '../../server/db/connect';
import { createDemoUsersIfEmpty, DEMO_PASSWORD } from '../../server/demo/users';
import type { AppContext } from '../../server/http/context';
import { createLogger } from '../../server/logger';
import { nowIso } from '../../server/time';
import { freshDb } from './db';

export const TEST_PASSWORD = DEMO_PASSWORD;

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    databaseUrl: 'sqlite::memory:',
    isPostgres: false,
    sessionSecret: 'test-session-secret-0123456789abcdef',
    cprKey: Buffer.alloc(32, 7),
    production: false,
    nodeEnv: 'test',
    demoData: false,
    maxUploadBytes: 50 * 1024 * 1024,
    trustProxy: false,
    ...overrides,
  };
}

export interface TestApp { app: Express; db: Db; ctx: AppContext }

/** A fresh database with the demo users, and the app on it. */
export async function testApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const db = await freshDb();
  await createDemoUsersIfEmpty(db);
  const ctx: AppContext = { db, config: testConfig(overrides), logger: createLogger('test') };
  return { app: createApp(ctx), db, ctx };
}

let hashOfTestPassword: Promise<string> | undefined;

/** A user with the test password (hash computed once per run). */
export async function createUser(db: Db, u: { email: string; roles: Role[]; scope: string; name?: string; active?: boolean }): Promise<number> {
  hashOfTestPassword ??= hashPassword(TEST_PASSWORD);
  const now = nowIso();
  const [row] = await db('users').insert({
    email: u.email, ...userNameColumns(u.name ?? u.email), password_hash: await hashOfTestPassword, scope: u.scope,
    active: u.active ?? true, must_change_password: false, created_at: now, updated_at: now,
  }).returning('id');
  const id = typeof row === 'object' ? row.id : row;
  await db('user_roles').insert(u.roles.map((role) => ({ user_id: id, role })));
  return id;
}

/** The CSRF token a page carries in <meta name="csrf-token">. */
export function csrfFrom(html: string): string {
  const m = /<meta name="csrf-token" content="([^"]*)">/.exec(html);
  if (!m) throw new Error('no csrf-token meta in page');
  return m[1];
}

export interface LoggedIn { agent: request.Agent; csrf: string }

/** A supertest agent logged in through the real login form. */
export async function loginAs(app: Express, email: string, password = TEST_PASSWORD): Promise<LoggedIn> {
  const agent = request.agent(app);
  const loginPage = await agent.get('/log-ind');
  const res = await agent.post('/log-ind').type('form').send({ email, password, _csrf: csrfFrom(loginPage.text) });
  if (res.status !== 303) throw new Error(`login as ${email} failed: ${res.status}`);
  const start = await agent.get('/');
  return { agent, csrf: csrfFrom(start.text) };
}

export function randomEmail(prefix = 'user'): string {
  return `${prefix}.${crypto.randomBytes(4).toString('hex')}@test.dk`;
}

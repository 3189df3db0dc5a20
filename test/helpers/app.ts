import crypto from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { Role } from '../../server/access';
import { hashPassword, type ScryptCost } from '../../server/auth/passwords';
import { userNameColumns } from '../../server/admin/queries';
import { createApp } from '../../server/app';
import type { Config } from '../../server/config';
import type { Db } from '../../server/db/connect';
import { decryptTotpSecret, totpCode } from '../../server/auth/totp';
import { createDemoUsersIfEmpty, DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../server/demo/users';
import type { AppContext } from '../../server/http/context';
import { createLogger } from '../../server/logger';
import { nowIso } from '../../server/time';
import { freshDb } from './db';

export const TEST_PASSWORD = DEMO_PASSWORD;

/**
 * The scrypt cost of the test suite's users: 2^10 instead of the product's 2^15 × 3, so a login costs ~1 ms of CPU
 * instead of ~150 ms (the suite logs in over a thousand times). Tests about the cost itself (the login timing test)
 * create their users with `passwordCost: 'product'`.
 */
export const TEST_PASSWORD_COST: ScryptCost = { N: 2 ** 10, r: 8, p: 1 };

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
    publicUrl: 'http://127.0.0.1',
    localLogin: true,
    ...overrides,
  };
}

export interface TestApp { app: Express; db: Db; ctx: AppContext }

/** A fresh database with the demo users, and the app on it. */
export async function testApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const db = await freshDb();
  const config = testConfig(overrides);
  await createDemoUsersIfEmpty(db, config.cprKey, TEST_PASSWORD_COST);
  const ctx: AppContext = { db, config, logger: createLogger('test') };
  const app = createApp(ctx);
  contexts.set(app, ctx);
  return { app, db, ctx };
}

const contexts = new WeakMap<Express, AppContext>();

/**
 * A valid TOTP code for an enrolled user, for tests that log in but are not about the second step. The user's last
 * used step is cleared first (as if the next 30-second step had come), so a test may log the same user in often.
 */
export async function totpCodeFor(ctx: AppContext, email: string): Promise<string> {
  const row = await ctx.db('users').where('email', email).first('id', 'totp_secret');
  await ctx.db('users').where('id', row.id).update({ totp_last_step: null });
  return totpCode(decryptTotpSecret(ctx.config.cprKey, row.totp_secret));
}

/** Passes the second step (or the forced enrolment) after a right password; returns the final response. */
async function secondStep(app: Express, agent: request.Agent, res: request.Response, email: string): Promise<request.Response> {
  const ctx = contexts.get(app);
  if (res.headers.location === '/log-ind/totp') {
    const code = ctx ? await totpCodeFor(ctx, email) : totpCode(DEMO_TOTP_SECRET);
    const page = await agent.get('/log-ind/totp');
    return agent.post('/log-ind/totp').type('form').send({ code, _csrf: csrfFrom(page.text) });
  }
  if (res.headers.location === '/log-ind/totp/ny') {
    const page = await agent.get('/log-ind/totp/ny');
    const key = /<code class="totp-key">([^<]+)<\/code>/.exec(page.text)![1].replace(/\s/g, '');
    const done = await agent.post('/log-ind/totp/ny').type('form').send({ code: totpCode(key), _csrf: csrfFrom(page.text) });
    return done.status === 200 ? { ...done, status: 303 } as request.Response : done;
  }
  return res;
}

const hashOfTestPassword: Partial<Record<'test' | 'product', Promise<string>>> = {};

/**
 * A user with the test password (each cost's hash computed once per run): at the suite's cheap cost, or with
 * `passwordCost: 'product'` at the product's.
 */
export async function createUser(db: Db, u: {
  email: string; roles: Role[]; scope: string; name?: string; active?: boolean; passwordCost?: 'test' | 'product';
}): Promise<number> {
  const cost = u.passwordCost ?? 'test';
  const hash = (hashOfTestPassword[cost] ??= hashPassword(TEST_PASSWORD, cost === 'test' ? TEST_PASSWORD_COST : undefined));
  const now = nowIso();
  const [row] = await db('users').insert({
    email: u.email, ...userNameColumns(u.name ?? u.email), password_hash: await hash, scope: u.scope,
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
  const first = await agent.post('/log-ind').type('form').send({ email, password, _csrf: csrfFrom(loginPage.text) });
  const res = first.status === 303 ? await secondStep(app, agent, first, email) : first;
  if (res.status !== 303) throw new Error(`login as ${email} failed: ${res.status}`);
  const start = await agent.get('/');
  return { agent, csrf: csrfFrom(start.text) };
}

export function randomEmail(prefix = 'user'): string {
  return `${prefix}.${crypto.randomBytes(4).toString('hex')}@test.dk`;
}

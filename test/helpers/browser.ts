import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { Config } from '../../server/config';
import { ROOT } from '../../server/paths';
import { totpCode } from '../../server/auth/totp';
import { DEMO_TOTP_SECRET } from '../../server/demo/users';
import { testApp, TestApp } from './app';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(ROOT, 'test-output', 'screenshots');

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

/**
 * In a mocha `before`: skips the suite with one clear line when Chromium is absent, else launches it headless.
 * Usage: `before(async function () { browser = await launchBrowser(this); })`.
 */
export async function launchBrowser(mochaContext: Mocha.Context): Promise<Browser> {
  if (!chromiumAvailable()) {
    console.log(`SKIP: browser tests (no Chromium at ${CHROMIUM_PATH}; apt-get install chromium)`);
    mochaContext.skip();
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

export interface RunningServer extends TestApp { url: string; close(): Promise<void> }

/** The app on a fresh test database (with the demo users), listening on an ephemeral port. */
export async function startServer(overrides: Partial<Config> = {}): Promise<RunningServer> {
  const t = await testApp(overrides);
  const server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    ...t,
    url: `http://127.0.0.1:${port}`,
    // The browser keeps connections alive: end them, or close() waits for their idle timeout.
    close: () => new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    }),
  };
}

/** What a browser suite shares: headless Chromium and the app on a fresh test database. */
export interface BrowserSuite { browser: Browser; server: RunningServer }

/**
 * Call inside a `describe`: its `before` skips the suite with one clear line when Chromium is absent, else launches
 * Chromium, starts the app (with `overrides`) and runs `setup` (seed data, logins); its `after` closes both.
 * The returned object is filled in by that `before`, so read its fields inside hooks and tests only.
 */
export function browserSuite(setup?: () => Promise<void>, overrides: Partial<Config> = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  before(async function () {
    suite.browser = await launchBrowser(this);
    suite.server = await startServer(overrides);
    await setup?.();
  });
  after(async () => {
    await suite.browser?.close();
    await suite.server?.close();
  });
  return suite;
}

/** A full-page screenshot in test-output/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Logs in through the real form; an enrolled demo admin passes the second step with the demo key. */
export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(baseUrl + '/log-ind');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((u) => u.pathname !== '/log-ind'), page.click('button[type=submit].password-login')]);
  if (new URL(page.url()).pathname === '/log-ind/totp') {
    await page.fill('#code', totpCode(DEMO_TOTP_SECRET));
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/log-ind')), page.click('button[type=submit].button-primary')]);
  }
}

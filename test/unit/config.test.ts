import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../server/config';

const KEY = crypto.randomBytes(32).toString('base64');
const SECRET = 'a-session-secret-of-at-least-32-characters';
const PG = 'postgres://hk@db.example:5432/hk';

function errorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('loadConfig did not fail');
}

describe('configuration (loadConfig)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hk-config-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });
  const sqlite = () => 'sqlite:' + path.join(dir, 'hk.sqlite');

  it('without variables: port 3000, SQLite, demo data on, upload limit 50 MB, no trusted proxy', () => {
    const c = loadConfig({ DATABASE_URL: sqlite() });

    expect(c).to.include({ port: 3000, isPostgres: false, production: false, demoData: true, maxUploadBytes: 50 * 1024 * 1024, trustProxy: false });
    expect(c.cprKey).to.have.length(32);
  });

  it('in production a missing SESSION_SECRET stops the start with a message naming it', () => {
    const err = errorOf({ NODE_ENV: 'production', DATABASE_URL: sqlite(), CPR_KEY: KEY });

    expect(err.message).to.contain('SESSION_SECRET');
    expect(err.message).not.to.contain('CPR_KEY');
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).to.equal(false);
  });

  it('in production a missing CPR_KEY stops the start with a message naming it', () => {
    expect(errorOf({ NODE_ENV: 'production', DATABASE_URL: sqlite(), SESSION_SECRET: SECRET }).message).to.match(/^CPR_KEY/);
  });

  it('on PostgreSQL outside production missing secrets stop the start, both named', () => {
    const err = errorOf({ NODE_ENV: 'development', DATABASE_URL: PG });

    expect(err.message).to.contain('SESSION_SECRET').and.to.contain('CPR_KEY');
  });

  it('outside production with SQLite, missing secrets are generated once into the data folder and reused', () => {
    const first = loadConfig({ DATABASE_URL: sqlite() });
    const second = loadConfig({ DATABASE_URL: sqlite() });

    const file = path.join(dir, 'secrets.json');
    expect(fs.existsSync(file)).to.equal(true);
    expect(fs.statSync(file).mode & 0o077).to.equal(0);
    expect(second.sessionSecret).to.equal(first.sessionSecret);
    expect(second.cprKey.equals(first.cprKey)).to.equal(true);
  });

  it('secrets given by the environment win over the generated ones', () => {
    loadConfig({ DATABASE_URL: sqlite() });

    const c = loadConfig({ DATABASE_URL: sqlite(), SESSION_SECRET: SECRET, CPR_KEY: KEY });

    expect(c.sessionSecret).to.equal(SECRET);
    expect(c.cprKey.toString('base64')).to.equal(KEY);
  });

  it('DEMO_DATA=1 is forced to 0 in production', () => {
    const c = loadConfig({ NODE_ENV: 'production', DATABASE_URL: PG, SESSION_SECRET: SECRET, CPR_KEY: KEY, DEMO_DATA: '1' });

    expect(c.demoData).to.equal(false);
    expect(c.production).to.equal(true);
  });

  it('DEMO_DATA=0 turns demo data off outside production', () => {
    expect(loadConfig({ DATABASE_URL: sqlite(), DEMO_DATA: '0' }).demoData).to.equal(false);
  });

  it('a CPR_KEY that is not 32 bytes of base64 is refused, naming CPR_KEY', () => {
    expect(errorOf({ DATABASE_URL: PG, SESSION_SECRET: SECRET, CPR_KEY: 'c2hvcnQ=' }).message).to.match(/^CPR_KEY.*32/);
  });

  for (const [name, value] of [['PORT', 'abc'], ['DATABASE_URL', 'mysql://x'], ['DEMO_DATA', 'yes'], ['NODE_ENV', 'prod'], ['MAX_UPLOAD_MB', '-1'], ['SESSION_SECRET', 'short']] as const) {
    it(`an invalid ${name} is refused with a message naming ${name}`, () => {
      expect(errorOf({ DATABASE_URL: sqlite(), [name]: value }).message).to.match(new RegExp('^' + name + ':'));
    });
  }

  it('TRUST_PROXY: off → false, on → true, a number → hop count, otherwise an address list', () => {
    const trust = (v: string) => loadConfig({ DATABASE_URL: sqlite(), TRUST_PROXY: v }).trustProxy;

    expect([trust('off'), trust('on'), trust('1'), trust('10.0.0.1, loopback')]).to.deep.equal([false, true, 1, '10.0.0.1, loopback']);
  });

  it('MAX_UPLOAD_MB is turned into bytes', () => {
    expect(loadConfig({ DATABASE_URL: sqlite(), MAX_UPLOAD_MB: '2' }).maxUploadBytes).to.equal(2 * 1024 * 1024);
  });

  describe('single sign-on (issue 14)', () => {
    it('without OIDC_ISSUER there is no provider, password login is on and PUBLIC_URL defaults to http://localhost:<PORT>', () => {
      const c = loadConfig({ DATABASE_URL: sqlite(), PORT: '3100' });

      expect(c.oidc).to.equal(undefined);
      expect(c.localLogin).to.equal(true);
      expect(c.publicUrl).to.equal('http://localhost:3100');
    });

    it('with OIDC_ISSUER: client id and secret required, OIDC_NAME defaults to "kommunens login", OIDC_ACR a space-separated list', () => {
      const base = { DATABASE_URL: sqlite(), OIDC_ISSUER: 'https://login.aarhus.dk' };
      const c = loadConfig({ ...base, OIDC_CLIENT_ID: 'hk', OIDC_CLIENT_SECRET: 's3cret', OIDC_ACR: 'urn:a  urn:b', PUBLIC_URL: 'https://hk.aarhus.dk/' });

      expect(errorOf(base).message).to.contain('OIDC_CLIENT_ID and OIDC_CLIENT_SECRET missing');
      expect(errorOf({ ...base, OIDC_CLIENT_ID: 'hk' }).message).to.match(/^OIDC_CLIENT_SECRET missing/);
      expect(c.oidc).to.deep.equal({ issuer: 'https://login.aarhus.dk', clientId: 'hk', clientSecret: 's3cret', name: 'kommunens login', acr: ['urn:a', 'urn:b'] });
      expect(c.publicUrl).to.equal('https://hk.aarhus.dk');
    });

    it('LOCAL_LOGIN=off without OIDC_ISSUER stops the start; invalid URLs and LOCAL_LOGIN values are refused naming the variable', () => {
      expect(errorOf({ DATABASE_URL: sqlite(), LOCAL_LOGIN: 'off' }).message).to.contain('LOCAL_LOGIN=off needs OIDC_ISSUER');
      expect(errorOf({ DATABASE_URL: sqlite(), LOCAL_LOGIN: 'nej' }).message).to.match(/^LOCAL_LOGIN/);
      expect(errorOf({ DATABASE_URL: sqlite(), OIDC_ISSUER: 'login.aarhus.dk' }).message).to.match(/^OIDC_ISSUER/);
      expect(errorOf({ DATABASE_URL: sqlite(), PUBLIC_URL: 'ftp://hk' }).message).to.match(/^PUBLIC_URL/);
      expect(loadConfig({ DATABASE_URL: sqlite(), LOCAL_LOGIN: 'off', OIDC_ISSUER: 'https://x.dk', OIDC_CLIENT_ID: 'a', OIDC_CLIENT_SECRET: 'b' }).localLogin).to.equal(false);
    });
  });
});

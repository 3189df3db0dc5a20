import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ROOT } from './paths';

/** Exactly the environment variables of product.md ("Running it"). */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z.string().regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<path> or postgres://…')
    .default('sqlite:data/hjertekvalitet.sqlite'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CPR_KEY: z.string().optional(),
  NODE_ENV: z.enum(['production', 'development', 'test']).default('development'),
  DEMO_DATA: z.enum(['1', '0']).optional(),
  MAX_UPLOAD_MB: z.coerce.number().positive().max(1024).default(50),
  TRUST_PROXY: z.string().default('off'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  OIDC_ISSUER: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).max(80).optional(),
  OIDC_ACR: z.string().optional(),
  LOCAL_LOGIN: z.enum(['on', 'off']).default('on'),
});

export interface Config {
  port: number;
  databaseUrl: string;
  isPostgres: boolean;
  sessionSecret: string;
  /** 32 bytes: the AES-256-GCM key for CPR numbers and stored submissions; lookups use keys derived from it. */
  cprKey: Buffer;
  production: boolean;
  nodeEnv: 'production' | 'development' | 'test';
  demoData: boolean;
  maxUploadBytes: number;
  /** express "trust proxy" value: false, true, a hop count or a list of addresses. */
  trustProxy: boolean | number | string;
  /** Where browsers reach the application (no trailing slash); the OIDC redirect URI is built from it. */
  publicUrl: string;
  /** Single sign-on with one OpenID provider; absent without OIDC_ISSUER. */
  oidc?: OidcConfig;
  /** LOCAL_LOGIN: false removes and refuses password login. */
  localLogin: boolean;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** shown on the button: "Log ind med <name>" */
  name: string;
  /** accepted `acr` values (OIDC_ACR, space separated); empty: any */
  acr: string[];
}

/** Cookies get Secure (and the __Host- prefix where used) when browsers reach us over https, and always in production. */
export function secureCookies(config: Pick<Config, 'production' | 'publicUrl'>): boolean {
  return config.production || config.publicUrl.startsWith('https:');
}

export class ConfigError extends Error {}

function decodeCprKey(value: string): Buffer {
  const key = Buffer.from(value, 'base64');
  if (key.length !== 32) throw new ConfigError('CPR_KEY must be 32 random bytes, base64-encoded (got ' + key.length + ' bytes)');
  return key;
}

function parseTrustProxy(v: string): boolean | number | string {
  if (v === 'off' || v === 'false' || v === '0' || v === '') return false;
  if (v === 'on' || v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

/** Outside production with SQLite: generate missing secrets once and keep them beside the database file. */
function localSecrets(databaseUrl: string): { SESSION_SECRET: string; CPR_KEY: string } {
  const dbPath = databaseUrl.slice('sqlite:'.length);
  const dir = dbPath === ':memory:' ? path.join(ROOT, 'data') : path.dirname(path.resolve(ROOT, dbPath));
  const file = path.join(dir, 'secrets.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const secrets = {
    SESSION_SECRET: crypto.randomBytes(32).toString('base64'),
    CPR_KEY: crypto.randomBytes(32).toString('base64'),
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** Parse and validate the environment once at start; throws ConfigError naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const isPostgres = e.DATABASE_URL.startsWith('postgres');
  let sessionSecret = e.SESSION_SECRET;
  let cprKey = e.CPR_KEY;
  if (!sessionSecret || !cprKey) {
    if (production || isPostgres) {
      const missing = [!sessionSecret && 'SESSION_SECRET', !cprKey && 'CPR_KEY'].filter(Boolean).join(' and ');
      throw new ConfigError(`${missing} missing: secrets must be set in production and on PostgreSQL`);
    }
    const local = localSecrets(e.DATABASE_URL);
    sessionSecret ??= local.SESSION_SECRET;
    cprKey ??= local.CPR_KEY;
  }
  return {
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    isPostgres,
    sessionSecret,
    cprKey: decodeCprKey(cprKey),
    production,
    nodeEnv: e.NODE_ENV,
    demoData: production ? false : (e.DEMO_DATA ?? '1') === '1',
    maxUploadBytes: Math.round(e.MAX_UPLOAD_MB * 1024 * 1024),
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    oidc: oidcConfig(e),
    localLogin: e.LOCAL_LOGIN === 'on',
  };
}

function oidcConfig(e: z.infer<typeof envSchema>): OidcConfig | undefined {
  if (!e.OIDC_ISSUER) {
    if (e.LOCAL_LOGIN === 'off') throw new ConfigError('LOCAL_LOGIN=off needs OIDC_ISSUER: without either, nobody could log in');
    return undefined;
  }
  const missing = [!e.OIDC_CLIENT_ID && 'OIDC_CLIENT_ID', !e.OIDC_CLIENT_SECRET && 'OIDC_CLIENT_SECRET'].filter(Boolean).join(' and ');
  if (missing) throw new ConfigError(`${missing} missing: OIDC_ISSUER is set, so single sign-on needs them`);
  return {
    issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID!, clientSecret: e.OIDC_CLIENT_SECRET!,
    name: e.OIDC_NAME ?? 'kommunens login', acr: (e.OIDC_ACR ?? '').split(/\s+/).filter(Boolean),
  };
}

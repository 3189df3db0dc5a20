import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidcProvider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';

// The package is ESM only: its default export through the namespace works from CommonJS output and under tsx.
const Provider = oidcProvider.default;
type Provider = oidcProvider.default;

/**
 * A demo OpenID provider (the `oidc-provider` package, a certified implementation) on a local port, so a newcomer
 * can try single sign-on at once, and the browser tests run the real protocol. Its own login page takes any
 * account id (the demo users' emails) and any password; consent is given by default (a first-party client).
 * Never for production: accounts live in memory and the signing key is made at start.
 */
export interface IdpAccount { email: string; email_verified: boolean; name: string }

export interface IdpOptions {
  /** 0: any free port */
  port: number;
  host?: string;
  /** account id (the `sub`, typed on the provider's login page) → claims; may change while running */
  accounts: Map<string, IdpAccount>;
  clientId: string;
  clientSecret: string;
  /** the application's PUBLIC_URL: redirect URI /log-ind/oidc/callback, back after logout to /log-ind */
  appUrl: string;
  /** the `acr` the ID token carries, if any */
  acr?: string;
  /** a Koa middleware around the provider's routes (tests: alter a response as an attacker would) */
  intercept?: (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>;
}

export interface RunningIdp { issuer: string; port: number; provider: Provider; close(): Promise<void> }

function signingKey() {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: 'demo-' + crypto.randomBytes(4).toString('hex'), use: 'sig', alg: 'RS256' };
}

function configuration(o: IdpOptions): Configuration {
  return {
    clients: [{
      client_id: o.clientId, client_secret: o.clientSecret, grant_types: ['authorization_code'], response_types: ['code'],
      redirect_uris: [o.appUrl + '/log-ind/oidc/callback'], post_logout_redirect_uris: [o.appUrl + '/log-ind'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [signingKey() as never] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], acr: null },
    conformIdTokenClaims: false, // the email goes in the ID token itself
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    findAccount: (_ctx, id) => {
      const account = o.accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...account, ...(o.acr ? { acr: o.acr } : {}) }) };
    },
    // First-party client: the scopes are granted without a consent page.
    loadExistingGrant: async (ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Session: 3600, Interaction: 600, Grant: 3600 },
  };
}

/** The provider's built-in pages import a web font from a third party: not from a health-data installation. */
async function withoutWebFonts(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
  await next();
  if (typeof ctx.body === 'string' && ctx.body.includes('@import url(https://')) ctx.body = ctx.body.replace(/@import url\(https:[^)]*\);?/g, '');
}

/** Starts the provider; its issuer is http://<host>:<port>. */
export async function startIdp(o: IdpOptions): Promise<RunningIdp> {
  const host = o.host ?? '127.0.0.1';
  const server = http.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${host}:${port}`;
  const provider = new Provider(issuer, configuration(o));
  provider.use(withoutWebFonts);
  if (o.intercept) provider.use(o.intercept);
  server.on('request', provider.callback());
  return {
    issuer, port, provider,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

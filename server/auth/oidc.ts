import * as client from 'openid-client';
import type { Config, OidcConfig } from '../config';

/**
 * OpenID Connect relying party (product.md "Login with the municipality's own identity"): authorization code flow
 * with PKCE, `state` and `nonce`, the ID token's signature, issuer, audience and expiry verified by `openid-client`.
 * openid-client 6 checks the signature of an ID token from the token endpoint only with its non-repudiation
 * checks enabled, so they are (the spec asks for the check).
 */
export const CALLBACK_PATH = '/log-ind/oidc/callback';

export interface OidcStart { url: string; state: string; nonce: string; verifier: string }

/** Why a login through the provider was refused: the audit row's `detail.reason`. */
export type OidcRefusal = 'state' | 'nonce' | 'signature' | 'claims' | 'expired' | 'provider_error' | 'token_error'
  | 'acr' | 'email_unverified' | 'unknown_email' | 'inactive' | 'linked_elsewhere' | 'unavailable';

const clients = new WeakMap<OidcConfig, Promise<client.Configuration>>();

/** Plain http only for a provider on this machine (the demo and the tests); anything else must use https. */
function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function execute(issuer: string): ((c: client.Configuration) => void)[] {
  const steps = [client.enableNonRepudiationChecks];
  if (issuer.startsWith('http:') && isLoopback(issuer)) steps.push(client.allowInsecureRequests);
  return steps;
}

/**
 * The provider's configuration from its discovery document, read once per configuration (the promise is kept;
 * a failed read is forgotten so the next login tries again). Throws when the issuer cannot be reached.
 */
export function oidcClient(oidc: OidcConfig): Promise<client.Configuration> {
  let p = clients.get(oidc);
  if (!p) {
    p = client.discovery(new URL(oidc.issuer), oidc.clientId, { id_token_signed_response_alg: 'RS256' },
      client.ClientSecretPost(oidc.clientSecret), { execute: execute(oidc.issuer), timeout: 10 });
    clients.set(oidc, p);
    p.catch(() => clients.delete(oidc));
  }
  return p;
}

/** Where to send the browser to log in, and the checks to keep until it comes back. */
export async function startOidcLogin(config: Config): Promise<OidcStart> {
  const oidc = config.oidc!;
  const c = await oidcClient(oidc);
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const params: Record<string, string> = {
    redirect_uri: config.publicUrl + CALLBACK_PATH, scope: 'openid email profile', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  };
  if (oidc.acr.length) params.acr_values = oidc.acr.join(' ');
  return { url: client.buildAuthorizationUrl(c, params).href, state, nonce, verifier };
}

export interface OidcIdentity { issuer: string; sub: string; email: string | null; emailVerified: boolean; acr: string | null; idToken: string }

export class OidcRefused extends Error {
  constructor(public readonly reason: OidcRefusal, detail?: string) { super(detail ?? reason); }
}

function messages(err: unknown): string {
  const out: string[] = [];
  for (let c: unknown = err, i = 0; c && i < 4; c = (c as { cause?: unknown }).cause, i++) {
    if (c instanceof Error) out.push(c.message);
  }
  return out.join(': ');
}

/** Maps openid-client's refusal to our audit reason. */
function refusalOf(err: unknown): OidcRefusal {
  const e = err as { code?: string; message?: string; cause?: unknown };
  // openid-client wraps the checking library's error ("invalid response encountered"): read the whole chain.
  const msg = messages(err);
  if (err instanceof client.AuthorizationResponseError) return 'provider_error';
  if (err instanceof client.ResponseBodyError) return 'token_error';
  if (/"state"/.test(msg)) return 'state';
  if (/"nonce"/.test(msg)) return 'nonce';
  if (/signature/i.test(msg) || e.code === 'OAUTH_KEY_SELECTION_FAILED') return 'signature';
  if (e.code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') return 'expired';
  if (e.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' || e.code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') return 'claims';
  if (/fetch failed|ECONNREFUSED|timeout|aborted/i.test(msg)) return 'unavailable';
  return 'token_error';
}

/**
 * Completes the code flow from the callback URL with the kept checks: the code is exchanged (once: the provider
 * refuses a replayed code) and the ID token verified; then the `acr` is checked against OIDC_ACR.
 * Throws OidcRefused with the reason.
 */
export async function finishOidcLogin(config: Config, callbackUrl: URL, kept: { state: string; nonce: string; verifier: string }): Promise<OidcIdentity> {
  const oidc = config.oidc!;
  let tokens;
  try {
    const c = await oidcClient(oidc);
    tokens = await client.authorizationCodeGrant(c, callbackUrl, {
      pkceCodeVerifier: kept.verifier, expectedState: kept.state, expectedNonce: kept.nonce, idTokenExpected: true,
    });
  } catch (err) {
    throw new OidcRefused(refusalOf(err), messages(err));
  }
  const claims = tokens.claims()!;
  const acr = typeof claims.acr === 'string' ? claims.acr : null;
  if (oidc.acr.length && (!acr || !oidc.acr.includes(acr))) throw new OidcRefused('acr', `acr ${acr ?? '(none)'}`);
  return {
    issuer: claims.iss, sub: claims.sub, acr, idToken: tokens.id_token!,
    email: typeof claims.email === 'string' ? claims.email : null, emailVerified: claims.email_verified === true,
  };
}

/** The provider's logout address when it offers end_session_endpoint, else undefined. */
export async function endSessionUrl(config: Config, idToken: string | null): Promise<string | undefined> {
  if (!config.oidc) return undefined;
  try {
    const c = await oidcClient(config.oidc);
    if (!c.serverMetadata().end_session_endpoint) return undefined;
    const params: Record<string, string> = { post_logout_redirect_uri: config.publicUrl + '/log-ind', client_id: config.oidc.clientId };
    if (idToken) params.id_token_hint = idToken;
    return client.buildEndSessionUrl(c, params).href;
  } catch {
    return undefined;
  }
}

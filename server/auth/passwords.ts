import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (pw: string, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

/** scrypt's cost: N (CPU/memory cost, a power of 2), r (block size), p (parallelisation). */
export interface ScryptCost { N: number; r: number; p: number }

// OWASP's scrypt equivalent of its recommended cost: N = 2^15, r = 8, p = 3 (32 MiB per hash).
const PARAMS: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };
const KEY_LENGTH = 32;

export const MIN_PASSWORD_LENGTH = 12;

/**
 * "scrypt$N$r$p$salt$hash" (base64). The product always hashes at OWASP's cost; `cost` exists for the test suite,
 * whose throwaway users would otherwise spend minutes of CPU on logins. The cost is stored in the hash, so
 * `verifyPassword` checks any hash at the cost it was made with.
 */
export async function hashPassword(password: string, cost: ScryptCost = PARAMS): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH, { ...cost, maxmem: 128 * cost.N * cost.r * 2 });
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const N = Number(n), R = Number(r), P = Number(p);
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N, r: R, p: P, maxmem: 128 * N * R * 2 });
  return crypto.timingSafeEqual(actual, expected);
}

/** A one-time password an admin hands over: 16 characters, unambiguous letters and digits. */
export function generateOneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = crypto.randomBytes(16);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a user's hash, or, for an unknown or inactive account (`stored` undefined), against a
 * hash of a random password with the same cost, so both take the same time and the answer is always false
 * (issue 8 item 5: a failed login must not tell by its timing whether the account exists).
 */
export async function verifyPasswordOrDummy(password: string, stored: string | undefined): Promise<boolean> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('base64'));
  const hash = stored ?? await dummyHash;
  const ok = await verifyPassword(password, hash);
  return ok && stored !== undefined;
}

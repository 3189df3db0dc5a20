import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { decryptBytes, encryptBytes } from '../patients';
import { nowIso } from '../time';

/** product.md: RFC 6238, 6 digits, 30 s, one step of drift; ten single-use recovery codes stored hashed. */
export const TOTP_PERIOD_S = 30;
export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'HjerteKvalitet';

type Db = Knex | Knex.Transaction;

let keyCache: { cprKey: Buffer; key: Buffer } | undefined;

/** AES-256-GCM key for TOTP secrets: HKDF-SHA256(CPR_KEY, info "totp"). */
function totpKey(cprKey: Buffer): Buffer {
  if (keyCache?.cprKey.equals(cprKey)) return keyCache.key;
  const key = Buffer.from(crypto.hkdfSync('sha256', cprKey, Buffer.alloc(0), 'totp', 32));
  keyCache = { cprKey, key };
  return key;
}

/** A new random secret (160 bits), base32 as authenticator apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function encryptTotpSecret(cprKey: Buffer, base32: string): string {
  return encryptBytes(totpKey(cprKey), Buffer.from(base32, 'utf8')).toString('base64');
}

export function decryptTotpSecret(cprKey: Buffer, stored: string): string {
  return decryptBytes(totpKey(cprKey), Buffer.from(stored, 'base64')).toString('utf8');
}

function totpOf(base32: string, label = ''): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_S, secret: Secret.fromBase32(base32) });
}

/** The code of a secret at a time (ms); for the demo, tests and authenticator-less checks. */
export function totpCode(base32: string, timestamp = Date.now()): string {
  return totpOf(base32).generate({ timestamp });
}

/**
 * The time step a code belongs to, within one step of drift of `now`, or undefined. A code of a step at or before
 * `lastStep` is refused: a code is accepted at most once per time step (and never an older one after a newer).
 */
export function matchTotp(base32: string, code: string, lastStep: number | null, now = Date.now()): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const delta = totpOf(base32).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return undefined;
  const step = Math.floor(now / 1000 / TOTP_PERIOD_S) + delta;
  return lastStep !== null && step <= lastStep ? undefined : step;
}

/** The otpauth:// URI and its QR code (a data: URL of a PNG) for enrolment. */
export async function enrolmentQr(base32: string, email: string): Promise<{ uri: string; qr: string }> {
  const uri = totpOf(base32, email).toString();
  return { uri, qr: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 }) };
}

/** Base32 in groups of four, as people type it. */
export function groupedSecret(base32: string): string {
  return base32.replace(/(.{4})/g, '$1 ').trim();
}

function hashRecoveryCode(code: string): string {
  return crypto.createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex');
}

/**
 * Ten fresh recovery codes replace the old ones; returns them in plain (shown once). Each holds 50 random bits,
 * so a plain SHA-256 suffices (it is no password: nothing to guess from a dictionary, and guesses are limited).
 */
export async function replaceRecoveryCodes(db: Db, userId: number): Promise<string[]> {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from(crypto.randomBytes(10), (b) => alphabet[b % alphabet.length]).join('');
    return chars.slice(0, 5) + '-' + chars.slice(5);
  });
  await db('recovery_codes').where('user_id', userId).del();
  await db('recovery_codes').insert(codes.map((c) => ({ user_id: userId, code_hash: hashRecoveryCode(c) })));
  return codes;
}

/** Uses a recovery code once (atomic: two requests with the same code cannot both succeed). */
export async function useRecoveryCode(db: Db, userId: number, code: string): Promise<boolean> {
  const changed = await db('recovery_codes').where({ user_id: userId, code_hash: hashRecoveryCode(code) }).whereNull('used_at')
    .update({ used_at: nowIso() });
  return Number(changed) === 1;
}

/** Records the step of an accepted code, only if no request took that step or a later one meanwhile. */
export async function claimTotpStep(db: Db, userId: number, step: number): Promise<boolean> {
  const changed = await db('users').where('id', userId)
    .where((w) => w.whereNull('totp_last_step').orWhere('totp_last_step', '<', step)).update({ totp_last_step: step });
  return Number(changed) === 1;
}

/** Stores a confirmed enrolment with fresh recovery codes (returned in plain, shown once). */
export async function saveEnrolment(db: Db, cprKey: Buffer, userId: number, base32: string, step: number): Promise<string[]> {
  await db('users').where('id', userId).update({
    totp_secret: encryptTotpSecret(cprKey, base32), totp_last_step: step, totp_enrolled_at: nowIso(), updated_at: nowIso(),
  });
  return replaceRecoveryCodes(db, userId);
}

/** Removes the authenticator and the recovery codes (an admin's password reset); returns whether there was one. */
export async function clearTotp(db: Db, userId: number): Promise<boolean> {
  const had = Number(await db('users').where('id', userId).whereNotNull('totp_secret')
    .update({ totp_secret: null, totp_last_step: null, totp_enrolled_at: null })) === 1;
  await db('recovery_codes').where('user_id', userId).del();
  return had;
}

/** How many of a user's recovery codes are still unused. */
export async function recoveryCodesLeft(db: Knex, userId: number): Promise<number> {
  const [row] = await db('recovery_codes').where('user_id', userId).whereNull('used_at').count({ n: '*' });
  return Number(row.n);
}

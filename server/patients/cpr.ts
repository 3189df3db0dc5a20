import crypto from 'node:crypto';
import { isIsoDate } from '../time';

/** Codes of the dictionary's CPR rule (see schemas' issue codes). */
export type CprIssueCode = 'cpr_format' | 'cpr_length' | 'cpr_date' | 'cpr_age';

/** "DDMMYYSSSS" or "DDMMYY-SSSS", trimmed → 10 digits; anything else → null. */
export function normaliseCpr(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const m = /^(\d{6})-?(\d{4})$/.exec(input.trim());
  return m ? m[1] + m[2] : null;
}

/** The birth century from digit 7 and YY, exactly as the data dictionary's table. */
export function cprCentury(digit7: number, yy: number): number {
  if (digit7 <= 3) return 1900;
  if (digit7 === 4 || digit7 === 9) return yy <= 36 ? 2000 : 1900;
  return yy <= 57 ? 2000 : 1800;
}

/** ISO birth date of a 10-digit CPR number, or null when DDMMYY is not a real date in the resolved century. */
export function birthDateFromCpr(cpr: string | null | undefined): string | null {
  if (typeof cpr !== 'string' || !/^\d{10}$/.test(cpr)) return null;
  const yy = Number(cpr.slice(4, 6));
  const year = cprCentury(Number(cpr[6]), yy) + yy;
  const iso = `${year}-${cpr.slice(2, 4)}-${cpr.slice(0, 2)}`;
  return isIsoDate(iso) ? iso : null;
}

/** M when the last digit is odd, F when even. */
export function sexFromCpr(cpr: string | null | undefined): 'M' | 'F' | null {
  if (typeof cpr !== 'string' || !/^\d{10}$/.test(cpr)) return null;
  return Number(cpr[9]) % 2 === 1 ? 'M' : 'F';
}

/** Whole years from an ISO birth date to an ISO date (a 29 February birthday counts from 1 March in other years). */
export function ageOn(birthDate: string, on: string): number {
  const years = Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4));
  return on.slice(5) < birthDate.slice(5) ? years - 1 : years;
}

export const CPR_MIN_AGE = 18;
export const CPR_MAX_AGE = 110;

/**
 * The CPR rule on a stored-form value (10 digits, no hyphen): null when valid. With a referral date the age
 * must be 18–110 on it. No modulus-11 check (numbers issued since 2007 may fail it).
 */
export function cprIssue(cpr: string, referralDate?: string | null): CprIssueCode | null {
  if (!/^\d+$/.test(cpr)) return 'cpr_format';
  if (cpr.length !== 10) return 'cpr_length';
  const born = birthDateFromCpr(cpr);
  if (!born) return 'cpr_date';
  if (referralDate && isIsoDate(referralDate)) {
    const age = ageOn(born, referralDate);
    if (age < CPR_MIN_AGE || age > CPR_MAX_AGE) return 'cpr_age';
  }
  return null;
}

// Crypto: AES-256-GCM under CPR_KEY for CPR numbers and stored files; HMAC-SHA256 under HKDF-derived keys.

const IV_BYTES = 12;
const TAG_BYTES = 16;
const derivedKeys = new Map<string, Buffer>();

function checkKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== 32) throw new Error('CPR_KEY must be 32 bytes');
}

function derivedKey(key: Buffer, info: 'cpr-lookup' | 'pseudonym'): Buffer {
  checkKey(key);
  const id = info + ':' + key.toString('base64');
  let k = derivedKeys.get(id);
  if (!k) {
    k = Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
    if (derivedKeys.size > 16) derivedKeys.clear();
    derivedKeys.set(id, k);
  }
  return k;
}

/** Random IVs drawn 1024 at a time (one randomBytes call costs as much as the encryption); each is used once. */
let ivPool = Buffer.alloc(0);
let ivAt = 0;

function randomIv(): Buffer {
  if (ivAt + IV_BYTES > ivPool.length) {
    ivPool = crypto.randomBytes(IV_BYTES * 1024);
    ivAt = 0;
  }
  ivAt += IV_BYTES;
  return ivPool.subarray(ivAt - IV_BYTES, ivAt);
}

/** AES-256-GCM with a random 12-byte IV: iv | tag | ciphertext. */
export function encryptBytes(key: Buffer, plain: Buffer): Buffer {
  checkKey(key);
  const iv = randomIv();
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** The inverse of encryptBytes; throws when the data was altered or the key is wrong. */
export function decryptBytes(key: Buffer, stored: Buffer): Buffer {
  checkKey(key);
  if (stored.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted data too short');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, stored.subarray(0, IV_BYTES));
  decipher.setAuthTag(stored.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(stored.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** A CPR number encrypted for the database: base64 of iv | tag | ciphertext; differs at every call. */
export function encryptCpr(key: Buffer, cpr: string): string {
  return encryptBytes(key, Buffer.from(cpr, 'utf8')).toString('base64');
}

export function decryptCpr(key: Buffer, stored: string): string {
  return decryptBytes(key, Buffer.from(stored, 'base64')).toString('utf8');
}

/** Keyed lookup hash (hex HMAC-SHA256, key = HKDF(CPR_KEY, info "cpr-lookup")): deterministic, never a plain hash. */
export function cprLookupHash(key: Buffer, cpr: string): string {
  return crypto.createHmac('sha256', derivedKey(key, 'cpr-lookup')).update(cpr, 'ascii').digest('hex');
}

/** The export's pseudonym (formats.md): lowercase hex HMAC-SHA256, key = HKDF(CPR_KEY, info "pseudonym"). */
export function pseudonym(key: Buffer, cpr: string): string {
  return crypto.createHmac('sha256', derivedKey(key, 'pseudonym')).update(cpr, 'ascii').digest('hex');
}

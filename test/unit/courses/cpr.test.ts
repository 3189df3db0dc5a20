import { expect } from 'chai';
import crypto from 'node:crypto';
import {
  birthDateFromCpr, cprCentury, cprIssue, cprLookupHash, decryptBytes, decryptCpr, encryptBytes, encryptCpr,
  normaliseCpr, pseudonym, sexFromCpr,
} from '../../../server/patients';

describe('courses/cpr: normalise', () => {
  const cases: [unknown, string | null][] = [
    ['0101701235', '0101701235'], ['010170-1235', '0101701235'], ['  010170-1235 ', '0101701235'],
    ['01017-01235', null], ['101701235', null], ['010170 1235', null], ['01017O1235', null], [101701235, null], [null, null],
  ];
  for (const [input, out] of cases) it(`${JSON.stringify(input)} → ${out}`, () => expect(normaliseCpr(input)).to.equal(out));
});

describe('courses/cpr: the century table', () => {
  // [digit 7, YY, century]
  const table: [number, number, number][] = [];
  for (let d = 0; d <= 9; d++) {
    for (const yy of [36, 37, 57, 58]) {
      const century = d <= 3 ? 1900 : d === 4 || d === 9 ? (yy <= 36 ? 2000 : 1900) : yy <= 57 ? 2000 : 1800;
      table.push([d, yy, century]);
    }
  }
  const explicit: [number, number, number][] = [
    [0, 36, 1900], [3, 58, 1900], [4, 36, 2000], [4, 37, 1900], [9, 36, 2000], [9, 37, 1900],
    [5, 57, 2000], [5, 58, 1800], [8, 57, 2000], [8, 58, 1800], [6, 0, 2000], [7, 99, 1800],
  ];
  for (const [d, yy, century] of [...explicit, ...table]) {
    it(`digit 7 = ${d}, YY = ${yy} → ${century}s`, () => {
      expect(cprCentury(d, yy)).to.equal(century);
      const cpr = `0101${String(yy).padStart(2, '0')}${d}234`;
      expect(birthDateFromCpr(cpr)).to.equal(`${century + yy}-01-01`);
    });
  }
});

describe('courses/cpr: the rule', () => {
  const cases: [string, string | null | undefined, string | null][] = [
    ['0101701235', '2025-01-10', null],
    ['101701235', undefined, 'cpr_length'],
    ['01017012', undefined, 'cpr_length'],
    ['010170-1235', undefined, 'cpr_format'],
    ['01017O1235', undefined, 'cpr_format'],
    ['3102991234', undefined, 'cpr_date'], // 31 February
    ['2902001234', undefined, 'cpr_date'], // 1900 was no leap year
    ['2902004234', undefined, null], // 2000 was
    ['3204701235', undefined, 'cpr_date'],
    ['0101701235', undefined, null], // no referral date: no age check
    ['1001074235', '2025-01-10', null], // 18 today
    ['1101074235', '2025-01-10', 'cpr_age'], // 17, 18 tomorrow
    ['1101141235', '2025-01-10', null], // 110
    ['1001141235', '2025-01-10', 'cpr_age'], // 111 today
    ['0101701234', '2025-01-10', null], // fails modulus 11, which is not checked
  ];
  for (const [cpr, ref, code] of cases) {
    it(`${cpr} on ${ref ?? '—'} → ${code ?? 'valid'}`, () => expect(cprIssue(cpr, ref)).to.equal(code));
  }

  it('derives sex from the last digit and the birth date', () => {
    expect(sexFromCpr('0101701235')).to.equal('M');
    expect(sexFromCpr('0101701234')).to.equal('F');
    expect(sexFromCpr('010170')).to.equal(null);
    expect(birthDateFromCpr('3102991234')).to.equal(null);
  });
});

describe('courses/cpr: encryption and keyed hashes', () => {
  const key = crypto.randomBytes(32);
  const other = crypto.randomBytes(32);

  it('round-trips, and ciphertexts differ per call', () => {
    const a = encryptCpr(key, '0101701235');
    const b = encryptCpr(key, '0101701235');
    expect(a).not.to.equal(b);
    expect(decryptCpr(key, a)).to.equal('0101701235');
    expect(decryptCpr(key, b)).to.equal('0101701235');
    expect(Buffer.from(a, 'base64').length).to.equal(12 + 16 + 10);
    expect(a).not.to.contain('0101701235');
  });

  it('every ciphertext has its own IV, also across a refill of the pooled random IVs', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 3000; i += 1) ivs.add(Buffer.from(encryptCpr(key, '0101701235'), 'base64').subarray(0, 12).toString('hex'));
    expect(ivs.size).to.equal(3000);
  });

  it('refuses a wrong key or altered data', () => {
    const a = Buffer.from(encryptCpr(key, '0101701235'), 'base64');
    expect(() => decryptCpr(other, a.toString('base64'))).to.throw();
    a[a.length - 1] ^= 1;
    expect(() => decryptCpr(key, a.toString('base64'))).to.throw();
    expect(() => encryptCpr(Buffer.alloc(16), '0101701235')).to.throw();
  });

  it('encrypts files the same way', () => {
    const data = crypto.randomBytes(100_000);
    const enc = encryptBytes(key, data);
    expect(enc.length).to.equal(data.length + 28);
    expect(decryptBytes(key, enc).equals(data)).to.equal(true);
  });

  it('lookup hash: deterministic, key-dependent, HMAC under HKDF(info cpr-lookup)', () => {
    const h = cprLookupHash(key, '0101701235');
    expect(h).to.match(/^[0-9a-f]{64}$/);
    expect(cprLookupHash(key, '0101701235')).to.equal(h);
    expect(cprLookupHash(other, '0101701235')).not.to.equal(h);
    expect(cprLookupHash(key, '0101701234')).not.to.equal(h);
    const derived = Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'cpr-lookup', 32));
    expect(h).to.equal(crypto.createHmac('sha256', derived).update('0101701235').digest('hex'));
  });

  it('pseudonym: formats.md HMAC under HKDF(info pseudonym), not the lookup hash', () => {
    const p = pseudonym(key, '0101701235');
    const derived = Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'pseudonym', 32));
    expect(p).to.equal(crypto.createHmac('sha256', derived).update('0101701235', 'ascii').digest('hex'));
    expect(p).not.to.equal(cprLookupHash(key, '0101701235'));
    expect(pseudonym(other, '0101701235')).not.to.equal(p);
  });
});

import { expect } from 'chai';
import { safeNext } from '../../../server/auth/login';
import { decryptTotpSecret, encryptTotpSecret, matchTotp, newTotpSecret, totpCode } from '../../../server/auth/totp';

describe('TOTP codes (RFC 6238, one step of drift, each step once) and the safe return address', () => {
  const secret = newTotpSecret();
  const now = Date.UTC(2026, 10, 30, 12, 0, 15);
  const step = Math.floor(now / 30_000);

  it('accepts the current step, one step old and one step ahead; refuses two steps old and other input', () => {
    expect(matchTotp(secret, totpCode(secret, now), null, now)).to.equal(step);
    expect(matchTotp(secret, totpCode(secret, now - 30_000), null, now)).to.equal(step - 1);
    expect(matchTotp(secret, totpCode(secret, now + 30_000), null, now)).to.equal(step + 1);
    expect(matchTotp(secret, totpCode(secret, now - 60_000), null, now)).to.equal(undefined);
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 123456']) expect(matchTotp(secret, bad, null, now)).to.equal(undefined);
  });

  it('refuses a code of a step already used, or older than the last used one', () => {
    expect(matchTotp(secret, totpCode(secret, now), step, now)).to.equal(undefined);
    expect(matchTotp(secret, totpCode(secret, now - 30_000), step, now)).to.equal(undefined);
    expect(matchTotp(secret, totpCode(secret, now + 30_000), step, now)).to.equal(step + 1);
  });

  it('stores the key encrypted under a key derived from CPR_KEY: another CPR_KEY cannot read it', () => {
    const stored = encryptTotpSecret(Buffer.alloc(32, 1), secret);

    expect(stored).not.to.contain(secret);
    expect(decryptTotpSecret(Buffer.alloc(32, 1), stored)).to.equal(secret);
    expect(() => decryptTotpSecret(Buffer.alloc(32, 2), stored)).to.throw();
  });

  it('after login only local paths are followed', () => {
    expect(safeNext('/forloeb?aar=2025&side=2')).to.equal('/forloeb?aar=2025&side=2');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', '/log-ind', '/log-ind/totp', 'forloeb', '', undefined, ['/x']]) {
      expect(safeNext(bad), String(bad)).to.equal('/');
    }
  });
});

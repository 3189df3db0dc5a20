import { expect } from 'chai';
import { hashPassword, verifyPassword, verifyPasswordOrDummy } from '../../../server/auth/passwords';
import { TEST_PASSWORD_COST } from '../../helpers/app';

describe('passwords: scrypt at OWASP\'s cost, the cost stored in the hash', function () {
  this.timeout(20_000);

  it('the product hashes at N = 2^15, r = 8, p = 3 when no cost is given', async () => {
    const hash = await hashPassword('et-langt-kodeord');
    expect(hash).to.match(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword('et-langt-kodeord', hash)).to.equal(true);
    expect(await verifyPassword('et-andet-kodeord', hash)).to.equal(false);
  });

  it('a hash made at the test suite\'s cost verifies at that cost; the dummy of an unknown account never does', async () => {
    const hash = await hashPassword('et-langt-kodeord', TEST_PASSWORD_COST);
    expect(hash.startsWith('scrypt$1024$8$1$')).to.equal(true);
    expect(await verifyPassword('et-langt-kodeord', hash)).to.equal(true);
    expect(await verifyPasswordOrDummy('et-langt-kodeord', hash)).to.equal(true);
    expect(await verifyPasswordOrDummy('et-langt-kodeord', undefined)).to.equal(false);
  });
});

import { expect } from 'chai';
import { all, not, oneOf, registered } from '../../../server/indicators/conditions';
import { PACK_FACTOR, unpackCounts, withoutPeriodDate } from '../../../server/indicators/sql';

describe('indicator counts packed into one SUM', () => {
  it('unpacks denominator + numerator·F + missing·F² exactly, also beyond 2^53 (as the decimal text the SQL returns)', () => {
    const f = BigInt(PACK_FACTOR);
    const max = f - 1n; // the largest count a group may hold
    const packed = (max + (max - 1n) * f + max * f * f).toString();

    expect(unpackCounts(packed)).to.deep.equal({ denominator: PACK_FACTOR - 1, numerator: PACK_FACTOR - 2, missing: PACK_FACTOR - 1 });
    expect(unpackCounts('0')).to.deep.equal({ denominator: 0, numerator: 0, missing: 0 });
    expect(unpackCounts(null)).to.deep.equal({ denominator: 0, numerator: 0, missing: 0 });
    // 3 not met + 2 met + 4 missing: 3·1 + 2·(1 + F) + 4·F²
    expect(unpackCounts(String(5 + 2 * PACK_FACTOR + 4 * PACK_FACTOR ** 2))).to.deep.equal({ denominator: 5, numerator: 2, missing: 4 });
  });

  it('takes the period date as registered (decided by the WHERE) and leaves every other condition as it is', () => {
    const population = all(registered('end_date'), not(oneOf('outcome', 'died', 'moved')));

    expect(withoutPeriodDate(population, 'end_date')).to.deep.equal(all(not(oneOf('outcome', 'died', 'moved'))));
    expect(withoutPeriodDate(registered('end_date'), 'end_date')).to.deep.equal(all());
    expect(withoutPeriodDate(population, 'start_date')).to.deep.equal(population);
  });
});

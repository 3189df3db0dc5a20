import { expect } from 'chai';
import { matchGroup } from '../../../server/pathway/matching';

const r = (id: number, d: string) => ({ id, referral_date: d });
const c = (id: number, d: string) => ({ id, referral_date: d });
const pairs = (m: Map<number, number>) => [...m.entries()];

describe('pathway matching rule (pathway.md §4)', () => {
  it('takes a course 14 days before the referral, not 15', () => {
    expect(pairs(matchGroup([r(1, '2025-03-15')], [c(10, '2025-03-01')]))).to.deep.equal([[1, 10]]);
    expect(pairs(matchGroup([r(1, '2025-03-16')], [c(10, '2025-03-01')]))).to.deep.equal([]);
  });

  it('takes a course 30 days after the referral, not 31', () => {
    expect(pairs(matchGroup([r(1, '2025-03-01')], [c(10, '2025-03-31')]))).to.deep.equal([[1, 10]]);
    expect(pairs(matchGroup([r(1, '2025-03-01')], [c(10, '2025-04-01')]))).to.deep.equal([]);
  });

  it('prefers the smaller distance, whatever the ids', () => {
    expect(pairs(matchGroup([r(1, '2025-03-01')], [c(10, '2025-03-20'), c(11, '2025-03-03')]))).to.deep.equal([[1, 11]]);
  });

  it('breaks a tie in distance by the lower referral id, then the lower course id', () => {
    const m = matchGroup([r(2, '2025-03-01'), r(1, '2025-03-01')], [c(11, '2025-03-05'), c(10, '2025-02-25')]);
    expect(m.get(1)).to.equal(10);
    expect(m.get(2)).to.equal(11);
    expect(pairs(matchGroup([r(1, '2025-03-10')], [c(11, '2025-03-12'), c(10, '2025-03-08')]))).to.deep.equal([[1, 10]]);
  });

  it('gives one course to one referral only: the second referral stays unmatched', () => {
    const m = matchGroup([r(1, '2025-03-01'), r(2, '2025-03-03')], [c(10, '2025-03-02')]);
    expect(pairs(m)).to.deep.equal([[1, 10]]);
  });

  it('is greedy, not optimal: the closest pair is taken even when it leaves another referral without a course', () => {
    // r1–c10 distance 0; r2 could only take c10 → r2 unmatched although r1 could have taken c11.
    const m = matchGroup([r(1, '2025-03-10'), r(2, '2025-04-15')], [c(10, '2025-03-10'), c(11, '2025-02-25')]);
    expect(m.get(1)).to.equal(10);
    expect(m.has(2)).to.equal(false);
  });

  it('counts days across a month and a leap day', () => {
    expect(pairs(matchGroup([r(1, '2024-02-15')], [c(10, '2024-03-16')]))).to.deep.equal([[1, 10]]);
    expect(pairs(matchGroup([r(1, '2024-02-15')], [c(10, '2024-03-17')]))).to.deep.equal([]);
  });
});

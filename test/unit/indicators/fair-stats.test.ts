import { expect } from 'chai';
import { newcombeGap, overdispersedLimits, overdispersion, shrunkValue } from '../../../server/indicators/fair-stats';

const close = (actual: number | null | undefined, expected: number, digits = 5) =>
  expect(actual, String(expected)).to.be.closeTo(expected, 0.5 * 10 ** -digits);

describe('fair statistics: Newcombe gap, overdispersion and shrinkage', () => {
  it('Newcombe hybrid score interval: the references of indicators.md', () => {
    const a = newcombeGap(8, 10, 5, 10)!;
    close(a.gap, 0.3); close(a.low, -0.10667); close(a.high, 0.59987);
    expect(a.significant).to.equal(false);
    const b = newcombeGap(30, 40, 20, 40)!;
    close(b.gap, 0.25); close(b.low, 0.03789); close(b.high, 0.43330);
    expect(b.significant).to.equal(true);
  });

  it('Newcombe: empty below 5 on either side; at p = 0 and 1 the Wilson bounds are exact', () => {
    expect(newcombeGap(3, 4, 5, 10)).to.equal(null);
    expect(newcombeGap(5, 10, 0, 0)).to.equal(null); // a stratum with no courses
    const edge = newcombeGap(5, 5, 0, 5)!; // 1 − 0; Wilson for 0 of 5 = [0, 0.43449], 5 of 5 = [0.56551, 1]
    close(edge.gap, 1); close(edge.low, 1 - Math.hypot(1 - 0.56551, 0.43449), 4); expect(edge.high).to.equal(1);
    expect(edge.significant).to.equal(true);
    const negative = newcombeGap(5, 10, 8, 10)!; // the reference mirrored
    close(negative.low, -0.59987); close(negative.high, 0.10667);
  });

  it('overdispersion and shrinkage: the reference of indicators.md', () => {
    const units = [[40, 50], [18, 30], [70, 80], [9, 10], [100, 160]].map(([numerator, denominator]) => ({ numerator, denominator }));
    const od = overdispersion(units);
    close(od.p0, 0.718182, 6); close(od.phi, 4.388322, 6); close(od.tau2, 0.016326, 6);
    const shrunk = units.map((u) => shrunkValue(u.numerator, u.denominator, od, true));
    [0.783744, 0.634557, 0.853959, 0.799361, 0.631701].forEach((v, i) => close(shrunk[i], v, 6));
    const lows = units.map((u) => overdispersedLimits(od.p0!, od.tau2, u.denominator)!.limit998);
    [0.277089, 0.248785, 0.293839, 0.127262, 0.308320].forEach((v, i) => close(lows[i].low, v, 6));
    for (const l of lows) expect(l.high).to.equal(1);
  });

  it('overdispersion edges: p₀ = 0 or 1, I = 1, I = 0, units without courses, no overdispersion', () => {
    expect(overdispersion([{ numerator: 0, denominator: 5 }, { numerator: 0, denominator: 7 }])).to.deep.equal({ p0: 0, phi: null, tau2: 0 });
    expect(overdispersion([{ numerator: 5, denominator: 5 }, { numerator: 7, denominator: 7 }])).to.deep.equal({ p0: 1, phi: null, tau2: 0 });
    const one = overdispersion([{ numerator: 3, denominator: 10 }, { numerator: 0, denominator: 0 }]);
    expect(one).to.deep.equal({ p0: 0.3, phi: null, tau2: 0 });
    expect(shrunkValue(3, 10, one, false)).to.equal(0.3); // I < 2: nothing is shrunk
    expect(overdispersion([])).to.deep.equal({ p0: null, phi: null, tau2: 0 });
    // Equal values: φ = 0 → τ² = 0, every unit shrinks to p₀.
    const same = overdispersion([{ numerator: 5, denominator: 10 }, { numerator: 10, denominator: 20 }]);
    expect(same.phi).to.equal(0); expect(same.tau2).to.equal(0);
    expect(shrunkValue(5, 10, same, true)).to.equal(0.5);
    // p₀ = 0: s² = 0, the value stays; no courses: no value.
    expect(shrunkValue(0, 5, { p0: 0, phi: null, tau2: 0 }, true)).to.equal(0);
    expect(shrunkValue(0, 0, same, true)).to.equal(null);
    expect(overdispersedLimits(0.5, 0, 0)).to.equal(null);
  });
});

import { expect } from 'chai';
import { pChart, QuarterCounts } from '../../../server/indicators/pchart';

const q = (numerator: number, denominator: number, hidden = false): QuarterCounts => ({ numerator, denominator, hidden });
/** 8 baseline quarters of 80 of 100 (p̄ = 0.8) and then the last four. */
const chart = (last: QuarterCounts[], base: QuarterCounts[] = Array.from({ length: 8 }, () => q(80, 100))) => pChart([...base, ...last]);

describe('early-warning p-chart', () => {
  it('limits from the baseline: p̄ = 0.8, n = 100 → σ = 0.04, 3σ [0.68, 0.92], 2σ [0.72, 0.88]', () => {
    const points = chart([q(80, 100), q(80, 100), q(80, 100), q(80, 100)]);
    expect(points).to.have.length(12);
    const p = points[11];
    expect(p.p_bar).to.equal(0.8);
    expect(p.lcl3).to.be.closeTo(0.68, 1e-12); expect(p.ucl3).to.be.closeTo(0.92, 1e-12);
    expect(p.lcl2).to.be.closeTo(0.72, 1e-12); expect(p.ucl2).to.be.closeTo(0.88, 1e-12);
    expect(points.map((x) => x.baseline)).to.deep.equal([...Array(8).fill(true), ...Array(4).fill(false)]);
    expect(points.every((x) => x.signal === null)).to.equal(true);
  });

  it('signals: outside 3σ before 2 of 3, improved above 3σ, only in the last 4 quarters', () => {
    const points = chart([q(60, 100), q(70, 100), q(75, 100), q(95, 100)]);
    // 0.60 < 0.68; 0.70 < 0.72 with 0.60 before it; 0.75 has 0.60 and 0.70 below 2σ; 0.95 > 0.92
    expect(points.slice(8).map((p) => p.signal)).to.deep.equal(['outside_3sigma', 'two_of_three_2sigma', 'two_of_three_2sigma', 'improved']);
    // A baseline quarter below its limits gives no signal, but counts in a window reaching back.
    // p̄ = 0.78125, lcl2(100) = 0.69858, lcl3(100) = 0.65723
    const base = [...Array.from({ length: 7 }, () => q(80, 100)), q(65, 100)];
    expect(chart([q(68, 100), q(80, 100), q(80, 100), q(80, 100)], base).slice(7).map((p) => p.signal))
      .to.deep.equal([null, 'two_of_three_2sigma', 'two_of_three_2sigma', null, null]);
  });

  it('a quarter with no denominator inside a 2-of-3 window counts as not below and carries no signal', () => {
    const points = chart([q(71, 100), q(0, 0), q(80, 100), q(71, 100)]);
    expect(points[9].value).to.equal(null); expect(points[9].lcl2).to.equal(null);
    expect(points.slice(8).map((p) => p.signal)).to.deep.equal([null, null, null, null]);
    // two below around an empty quarter: the window [71, –, 71] still holds two
    expect(chart([q(80, 100), q(71, 100), q(0, 0), q(71, 100)]).slice(8).map((p) => p.signal)).to.deep.equal([null, null, null, 'two_of_three_2sigma']);
  });

  it('no chart without baseline courses; p̄ 0 or 1 has no limits and no signals', () => {
    const none = chart([q(0, 10), q(0, 10), q(0, 10), q(0, 10)], Array.from({ length: 8 }, () => q(0, 0)));
    expect(none.every((p) => p.p_bar === null && p.lcl3 === null && p.signal === null)).to.equal(true);
    expect(none[8].value).to.equal(0);
    for (const pBar of [0, 1]) {
      const pts = chart([q(0, 10), q(10, 10), q(0, 10), q(5, 10)], Array.from({ length: 8 }, () => q(pBar * 10, 10)));
      expect(pts.every((p) => p.p_bar === pBar && p.lcl3 === null && p.ucl2 === null && p.signal === null)).to.equal(true);
    }
  });

  it('a value of 1 is never above a limit clipped to 1; a value of 0 never below one clipped to 0', () => {
    const points = chart([q(5, 5), q(5, 5), q(0, 1), q(5, 5)], Array.from({ length: 8 }, () => q(9, 10)));
    expect(points[8].ucl3).to.equal(1);
    expect(points[10].lcl3).to.equal(0);
    expect(points.slice(8).map((p) => p.signal)).to.deep.equal([null, null, null, null]);
  });

  it('a hidden quarter has null numbers and no signal, and no signal comes from a window holding it', () => {
    const points = chart([q(60, 100, true), q(70, 100), q(70, 100), q(60, 100)]);
    expect(points[8]).to.include({ numerator: null, denominator: null, value: null, lcl3: null, signal: null });
    expect(points[8].p_bar).to.equal(0.8); // p̄ from all counts
    // 9 and 10: their windows hold the hidden quarter; 11: 0.60 < 0.68
    expect(points.slice(9).map((p) => p.signal)).to.deep.equal([null, null, 'outside_3sigma']);
    // 2 of 3 once the window has left the hidden quarter
    expect(chart([q(60, 100, true), q(80, 100), q(70, 100), q(70, 100)])[11].signal).to.equal('two_of_three_2sigma');
  });
});

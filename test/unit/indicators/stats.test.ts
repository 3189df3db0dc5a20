import { expect } from 'chai';
import {
  funnelLimits, funnelOutlier, isFewData, missingBounds, proportion, standardMet, wilsonInterval, Z95,
} from '../../../server/indicators/stats';

describe('indicator statistics', () => {
  it('Wilson interval: the reference 8 of 10 → [0.49016, 0.94332] (indicators.md)', () => {
    const ci = wilsonInterval(8, 10)!;
    expect(ci.low).to.be.closeTo(0.49016, 5e-6);
    expect(ci.high).to.be.closeTo(0.94332, 5e-6);
  });

  it('Wilson interval at the edges, by hand with z² = 1.959964² = 3.841459 and n = 10', () => {
    // 0 of 10: centre = (z²/20)/(1 + z²/10) = half-width, so low = 0 and high = (z²/10)/(1 + z²/10) = 0.384146/1.384146.
    const none = wilsonInterval(0, 10)!;
    expect(none.low).to.equal(0);
    expect(none.high).to.be.closeTo(0.384146 / 1.384146, 1e-6);
    // 10 of 10: mirror image, low = 1/(1 + z²/10) = 0.722467, high = 1 (clipped, never above).
    const all = wilsonInterval(10, 10)!;
    expect(all.low).to.be.closeTo(1 / 1.384146, 1e-6);
    expect(all.high).to.equal(1);
    // 1 of 1: low = 1/(1 + z²) = 0.206549.
    expect(wilsonInterval(1, 1)!.low).to.be.closeTo(1 / (1 + Z95 * Z95), 1e-12);
    expect(wilsonInterval(0, 0)).to.equal(null);
  });

  it('value, missing bounds and few data', () => {
    expect(proportion(3, 4)).to.equal(0.75);
    expect(proportion(0, 0)).to.equal(null);
    expect(missingBounds(3, 4, 2)).to.deep.equal({ low: 0.5, high: 5 / 6 });
    expect(missingBounds(0, 0, 2)).to.deep.equal({ low: 0, high: 1 });
    expect(missingBounds(0, 0, 0)).to.equal(null);
    expect([0, 4, 5].map(isFewData)).to.deep.equal([true, true, false]);
  });

  it('standard met in whole numbers, unrounded, and not judged with few data', () => {
    expect(standardMet(4, 5, 80)).to.equal(true); // 0.8 ≥ 0.80
    expect(standardMet(79, 100, 80)).to.equal(false);
    expect(standardMet(7999, 10000, 80)).to.equal(false); // 0.7999 would round to 0.80 but does not meet it
    expect(standardMet(57, 100, 57)).to.equal(true);
    expect(standardMet(4, 4, 50)).to.equal(null);
  });

  it('funnel limits clipped to [0, 1], outliers strictly outside the 99.8 % limits from n = 5', () => {
    // p0 = 0.5, n = 25: se = √(0.25/25) = 0.1; 99.8 %: 0.5 ± 0.3090232; 95 %: 0.5 ± 0.1959964.
    const limits = funnelLimits(0.5, 25)!;
    expect(limits.limit998.low).to.be.closeTo(0.1909768, 1e-12);
    expect(limits.limit95.high).to.be.closeTo(0.6959964, 1e-12);
    expect(funnelOutlier(0.81, 25, limits)).to.equal('above');
    expect(funnelOutlier(0.19, 25, limits)).to.equal('below');
    expect(funnelOutlier(0.5, 25, limits)).to.equal(null);
    expect(funnelOutlier(limits.limit998.high, 25, limits)).to.equal(null); // on the limit is not outside
    expect(funnelOutlier(0, 4, funnelLimits(0.5, 4))).to.equal(null); // n < 5
    const wide = funnelLimits(0.9, 2)!; // 0.9 ± 3.090232·0.212132 → clipped high
    expect(wide.limit998.high).to.equal(1);
    expect(funnelLimits(0.5, 0)).to.equal(null);
  });
});

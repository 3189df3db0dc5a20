import { expect } from 'chai';
import { missingShare, resultView } from '../../../server/dashboard/view-model';
import { IndicatorResult } from '../../../server/indicators/results';

const result = (over: Partial<IndicatorResult>): IndicatorResult => ({
  indicator_id: 'HK03', indicator_name: 'Vedholdenhed', unit_type: 'municipality', unit_code: '751', unit_name: 'Aarhus',
  period: '2025', numerator: 8, denominator: 10, missing: 1, value: 0.8, ci_low: 0.49016, ci_high: 0.94332,
  missing_low: 8 / 11, missing_high: 9 / 11, standard: '>=0.75', standard_met: true, few_data: false,
  computed_at: '2025-11-23T10:00:00.000Z', ...over,
});

describe('dashboard result view', () => {
  it('missing share is missing ÷ (denominator + missing): 1 of 11 → "1 (9,1 %)"', () => {
    expect(missingShare(result({}))).to.equal(1 / 11);
    expect(resultView(result({}), 'da').missingText).to.equal('1 (9,1 %)');
  });

  it('missing share is empty when denominator + missing is 0, and for hidden counts', () => {
    const empty = result({ numerator: 0, denominator: 0, missing: 0, value: null, ci_low: null, ci_high: null, missing_low: null, missing_high: null, standard_met: null, few_data: true });
    const hidden = result({ numerator: null, denominator: null, missing: null, value: null, standard_met: null, few_data: true });

    expect(missingShare(empty)).to.equal(null);
    expect(resultView(empty, 'da').missingText).to.equal('0');
    expect(resultView(empty, 'da').missingBoundsText).to.equal('');
    expect(missingShare(hidden)).to.equal(null);
    expect(resultView(hidden, 'da')).to.include({ missingText: '', hidden: true, valueText: 'få data', status: 'few_data' });
  });

  it('every result shows when it was computed, in Danish time', () => {
    expect(resultView(result({}), 'da').computedAtText).to.equal('23.11.2025 11.00');
  });
});

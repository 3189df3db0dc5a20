import { expect } from 'chai';
import { INDICATOR_IDS, INDICATORS } from '../../../server/indicators/definitions';
import { hideOutsideScope, IndicatorResult } from '../../../server/indicators/results';
import { formatStandard, parseThreshold } from '../../../server/indicators/standards';
import { da } from '../../../server/i18n/da';
import { en } from '../../../server/i18n/en';

describe('indicator definitions, standards format and scope hiding', () => {
  it('defines HK01–HK14 with texts in both languages and the defaults of indicators.md', () => {
    expect(INDICATORS.map((d) => d.id)).to.deep.equal([...INDICATOR_IDS]);
    for (const d of INDICATORS) {
      for (const text of [d.name, d.description, d.standardBasis]) expect(text.da && text.en, d.id).to.be.a('string');
    }
    expect(INDICATORS.map((d) => d.defaultStandard)).to.deep.equal([80, 75, 75, 70, 50, 50, 75, 90, 75, 90, 90, 50, 50, 70]);
    expect(INDICATORS.map((d) => d.periodColumn).slice(0, 3)).to.deep.equal(['referral_date', 'start_date', 'end_date']);
    expect(Object.keys(en.indicators)).to.deep.equal(Object.keys(da.indicators));
  });

  it('writes standards as ASCII with exactly two decimals and reads thresholds exactly', () => {
    expect([80, 5, 100, 0].map(formatStandard)).to.deep.equal(['>=0.80', '>=0.05', '>=1.00', '>=0.00']);
    expect(['0.85', '0,85', '0.5', '1', '1.00', '0', '0.07'].map(parseThreshold)).to.deep.equal([85, 85, 50, 100, 100, 0, 7]);
    for (const bad of ['1.01', '0.855', '-0.1', '', 'abc', '.5', '2']) expect(parseThreshold(bad), bad).to.equal(null);
  });

  it('hides counts, value, interval, bounds and judgement of few-data results outside the scope only', () => {
    const row = (unitCode: string, denominator: number): IndicatorResult => ({
      indicator_id: 'HK03', indicator_name: 'Vedholdenhed', unit_type: 'municipality', unit_code: unitCode, unit_name: unitCode,
      period: '2025', numerator: 1, denominator, missing: 1, value: 1 / denominator, ci_low: 0.1, ci_high: 0.9,
      missing_low: 0.2, missing_high: 0.8, standard: '>=0.75', standard_met: denominator < 5 ? null : false,
      few_data: denominator < 5, computed_at: '2025-11-23T10:00:00.000Z',
    });
    const rows = [row('751', 4), row('101', 4), row('147', 5)];
    const shown = hideOutsideScope(rows, (type, code) => type === 'municipality' && code === '751');
    expect(shown[0]).to.deep.equal(rows[0]);
    expect(shown[1]).to.deep.equal({
      ...rows[1], numerator: null, denominator: null, missing: null, value: null, ci_low: null, ci_high: null,
      missing_low: null, missing_high: null, standard_met: null,
    });
    expect(shown[2]).to.deep.equal(rows[2]);
    expect(rows[1].numerator).to.equal(1); // not changed in place
  });
});

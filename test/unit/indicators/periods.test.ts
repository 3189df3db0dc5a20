import { expect } from 'chai';
import { isPeriodCode, lastQuarterOf, parsePeriod, periodOfDate, quartersEndingWith } from '../../../server/indicators/periods';

describe('indicator periods', () => {
  it('parses years and quarters into inclusive ISO date ranges', () => {
    expect(parsePeriod('2025')).to.include({ kind: 'year', first: '2025-01-01', last: '2025-12-31' });
    expect(parsePeriod('2025Q1')).to.include({ first: '2025-01-01', last: '2025-03-31' });
    expect(parsePeriod('2024Q1')).to.include({ last: '2024-03-31' });
    expect(parsePeriod('2025Q2')).to.include({ first: '2025-04-01', last: '2025-06-30' });
    expect(parsePeriod('2025Q3')).to.include({ first: '2025-07-01', last: '2025-09-30' });
    expect(parsePeriod('2025Q4')).to.include({ first: '2025-10-01', last: '2025-12-31' });
  });

  it('refuses anything else', () => {
    for (const bad of ['2009', '25', '2025Q0', '2025Q5', '2025q1', ' 2025', '2025-Q1', '']) expect(isPeriodCode(bad), bad).to.equal(false);
    expect(() => parsePeriod('2025Q5')).to.throw(RangeError);
  });

  it('counts quarters back across years', () => {
    expect(quartersEndingWith(lastQuarterOf(parsePeriod('2025')), 8).map((q) => q.code))
      .to.deep.equal(['2024Q1', '2024Q2', '2024Q3', '2024Q4', '2025Q1', '2025Q2', '2025Q3', '2025Q4']);
    expect(quartersEndingWith(parsePeriod('2025Q1'), 3).map((q) => q.code)).to.deep.equal(['2024Q3', '2024Q4', '2025Q1']);
    expect(periodOfDate('2025-09-30', 'quarter').code).to.equal('2025Q3');
    expect(periodOfDate('2025-10-01', 'year').code).to.equal('2025');
  });
});

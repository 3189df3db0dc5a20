import { expect } from 'chai';
import { fixed4, isoToSecond, RESULT_COLUMNS, toCsv } from '../../../server/dashboard/downloads';
import { indicatorById } from '../../../server/indicators/definitions';
import { parsePeriod } from '../../../server/indicators/periods';
import { buildResult } from '../../../server/indicators/results';
import { Unit } from '../../../server/geography';

describe('dashboard CSV formatting', () => {
  it('rounds half away from zero on the decimal value: 0.12345 → 0.1235, 0.00005 → 0.0001, 0.99995 → 1.0000', () => {
    expect(fixed4(0.12345)).to.equal('0.1235');
    expect(fixed4(0.00005)).to.equal('0.0001');
    expect(fixed4(0.99995)).to.equal('1.0000');
    expect(fixed4(0.12344999)).to.equal('0.1234');
  });

  it('negative values round away from zero and never print -0.0000', () => {
    expect(fixed4(-0.12345)).to.equal('-0.1235');
    expect(fixed4(-0.00004)).to.equal('0.0000');
    expect(fixed4(-0)).to.equal('0.0000');
  });

  it('always writes exactly 4 decimals, and nothing for null', () => {
    expect(fixed4(1)).to.equal('1.0000');
    expect(fixed4(0)).to.equal('0.0000');
    expect(fixed4(8 / 11)).to.equal('0.7273');
    expect(fixed4(null)).to.equal('');
  });

  it('timestamps are written to the second', () => {
    expect(isoToSecond('2026-11-23T11:49:31.123Z')).to.equal('2026-11-23T11:49:31Z');
  });

  it('CSV bytes: BOM, header, ";" separator, CRLF, 1/0 booleans, empty for null, quoting only where needed', () => {
    const csv = toCsv([{ a: 'x;y', value: 0.5, standard_met: true, few_data: false, missing_low: null }], ['a', 'value', 'standard_met', 'few_data', 'missing_low']);

    expect(csv.subarray(0, 3)).to.deep.equal(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.toString('utf8').slice(1)).to.equal('a;value;standard_met;few_data;missing_low\r\n"x;y";0.5000;1;0;\r\n');
  });

  it('result CSV bytes exactly: formats.md columns in order, 4 decimals, clipped Wilson bounds, empty where undefined, seconds', () => {
    const unit = (code: string, name: string): Unit => ({ unitType: 'municipality', code, name, municipalityCodes: [code] });
    const at = '2025-11-23T10:00:00.123Z';
    const hk03 = indicatorById('HK03');
    const rows = [
      // 8 of 10, 1 missing: Wilson [0.490162, 0.943318] (indicators.md), bounds 8/11 = 0.727273 and 9/11 = 0.818182
      buildResult(hk03, unit('751', 'Aarhus'), parsePeriod('2025'), { numerator: 8, denominator: 10, missing: 1 }, [], 'da', at),
      // 10 of 10: Wilson high exactly 1 (clipped), low 1/(1 + z²/10) = 0.722467
      buildResult(hk03, unit('730', 'Randers'), parsePeriod('2025'), { numerator: 10, denominator: 10, missing: 0 }, [], 'da', at),
      buildResult(hk03, unit('101', 'København'), parsePeriod('2025Q3'), { numerator: 0, denominator: 0, missing: 0 }, [], 'da', at),
    ];

    const csv = toCsv(rows, RESULT_COLUMNS);

    expect(csv.toString('utf8')).to.equal('\uFEFF' + [
      'indicator_id;indicator_name;unit_type;unit_code;unit_name;period;numerator;denominator;missing;value;ci_low;ci_high;missing_low;missing_high;standard;standard_met;few_data;computed_at',
      'HK03;Vedholdenhed;municipality;751;Aarhus;2025;8;10;1;0.8000;0.4902;0.9433;0.7273;0.8182;>=0.75;1;0;2025-11-23T10:00:00Z',
      'HK03;Vedholdenhed;municipality;730;Randers;2025;10;10;0;1.0000;0.7225;1.0000;1.0000;1.0000;>=0.75;1;0;2025-11-23T10:00:00Z',
      'HK03;Vedholdenhed;municipality;101;København;2025Q3;0;0;0;;;;;;>=0.75;;1;2025-11-23T10:00:00Z',
      '',
    ].join('\r\n'));
  });
});

import { expect } from 'chai';
import { fixed4, isoToSecond, toCsv } from '../../../server/dashboard/downloads';

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
});

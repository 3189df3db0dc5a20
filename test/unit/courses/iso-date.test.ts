import { expect } from 'chai';
import { isIsoDate } from '../../../server/time';

/** isIsoDate as it was (a regex, then Date arithmetic): the reference the faster one must equal. */
function before(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

describe('isIsoDate (validation of every date cell): the same answers as the regex-and-Date version', () => {
  it('every year 0000–0450, 1580–2450 and 9900–9999 × months 00–13 × days 00–32', () => {
    const years = [...Array(451).keys(), ...Array.from({ length: 871 }, (_, i) => 1580 + i), ...Array.from({ length: 100 }, (_, i) => 9900 + i)];
    let valid = 0;
    for (const y of years) {
      for (let m = 0; m <= 13; m++) {
        for (let d = 0; d <= 32; d++) {
          const s = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
          if (isIsoDate(s) !== before(s)) expect.fail(s);
          if (before(s)) valid++;
        }
      }
    }
    expect(valid).to.be.greaterThan(480_000);
  });

  it('texts that are not ISO dates', () => {
    const odd = ['', '2025-01-1', '2025-1-01', '20250101', '2025/01/01', '2025-01-01 ', ' 2025-01-01', '2025-01-01\n',
      '２０２５-01-01', '2025-0a-01', '+025-01-01', '-025-01-01', '2025-01-0 ', '2025--1-01', '0000-00-00', '2024-02-29',
      '2023-02-29', '1900-02-29', '2000-02-29', '0100-02-29', '0400-02-29', '0099-12-31', '12025-01-01', '2025-01-01x'];
    for (const s of odd) expect(isIsoDate(s), JSON.stringify(s)).to.equal(before(s));
  });
});

import { expect } from 'chai';
import { isoDateInDenmark } from '../../../server/time';

/** The formatter's own answer, without the kept minute. */
const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Copenhagen', year: 'numeric', month: '2-digit', day: '2-digit' });

describe('time: the Danish date of an instant (the last answer kept for its minute)', () => {
  it('equals Intl\'s around every midnight and DST change of 2025–2026, minute by minute, in and out of order', () => {
    const instants: Date[] = [];
    for (const day of ['2025-03-29', '2025-03-30', '2025-10-25', '2025-10-26', '2025-12-31', '2026-03-28', '2026-03-29', '2026-10-25']) {
      const midnightUtc = Date.parse(`${day}T00:00:00Z`);
      for (let m = -180; m <= 180; m++) instants.push(new Date(midnightUtc + m * 60_000 + (m % 7) * 1000));
    }
    const shuffled = instants.map((d, i) => instants[(i * 7919) % instants.length]);
    for (const d of [...instants, ...shuffled]) expect(isoDateInDenmark(d), d.toISOString()).to.equal(intl.format(d));
  });

  it('22:59:59.999 and 23:00:00 UTC in winter are two Danish days; an invalid date throws as Intl does', () => {
    expect(isoDateInDenmark(new Date('2026-01-14T22:59:59.999Z'))).to.equal('2026-01-14');
    expect(isoDateInDenmark(new Date('2026-01-14T23:00:00.000Z'))).to.equal('2026-01-15');
    expect(isoDateInDenmark(new Date('2026-07-14T21:59:59.999Z'))).to.equal('2026-07-14');
    expect(isoDateInDenmark(new Date('2026-07-14T22:00:00.000Z'))).to.equal('2026-07-15');
    expect(() => isoDateInDenmark(new Date('not a date'))).to.throw(RangeError);
  });
});

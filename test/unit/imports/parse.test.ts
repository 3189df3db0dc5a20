import { expect } from 'chai';
import { readCsv } from '../../../server/imports/parse';

/** A CSV of `rows` data rows in chunks of 100 rows, counting how many chunks were read. */
function source(rows: number, pulled: { chunks: number }): AsyncGenerator<string> {
  return (async function* () {
    yield 'cpr;referral_date\n';
    for (let i = 0; i < rows; i += 100) {
      pulled.chunks++;
      yield Array.from({ length: 100 }, (_, k) => `0101501${String(i + k).padStart(3, '0')};2025-01-01\n`).join('');
    }
  })();
}

describe('readCsv: records are parsed only a little ahead of the reader (backpressure)', () => {
  it('a reader that has taken 10 records out of 100 000 has made the upload be read no further than a few thousand rows', async () => {
    const pulled = { chunks: 0 };
    const records = readCsv(source(100_000, pulled), Number.MAX_SAFE_INTEGER);
    for (let i = 0; i < 11; i++) await records.next();
    await new Promise((r) => setTimeout(r, 50));

    expect(pulled.chunks).to.be.below(60);
    await records.return(undefined);
  });

  it('read to the end, every record comes once, in order, with its line', async () => {
    const pulled = { chunks: 0 };
    const lines: number[] = [];
    for await (const rec of readCsv(source(10_000, pulled), Number.MAX_SAFE_INTEGER)) lines.push(rec.line);

    expect(lines).to.have.length(10_001);
    expect(lines.every((l, i) => l === i + 1)).to.equal(true);
    expect(pulled.chunks).to.equal(100);
  });
});

import { CsvError, parse, type Parser } from 'csv-parse';
import { TooLarge } from '../http/errors';

/** A fault of the file as a whole (not UTF-8, unbalanced quote, …), at the physical line where it was found. */
export class FileFault extends Error {
  constructor(readonly code: string, readonly line: number, readonly params: Record<string, string | number> = {}) {
    super(code);
  }
}

/** One CSV record: the physical line it starts on (1 = header) and its cells. */
export interface CsvRecord { line: number; cells: string[]; delimiter: ';' | ',' }

/** No course row comes near this; a bigger record is a broken file (a runaway quote, a binary upload). */
export const MAX_RECORD_BYTES = 64 * 1024;

/** Where a UTF-8 decoder would fail in `bytes`: the index of the first invalid byte (-1 when none is found). */
function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n && i + k < bytes.length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

const countNewlines = (s: string | Buffer, end = s.length): number => {
  let n = 0;
  for (let i = 0; i < end; i++) if (s[i] === '\n' || s[i] === 10) n++;
  return n;
};

const countChar = (s: string, c: string): number => {
  let n = 0;
  for (let i = s.indexOf(c); i >= 0; i = s.indexOf(c, i + 1)) n++;
  return n;
};

/** A UTF-16 file (what a spreadsheet saves as "Unicode text"): its byte-order mark, or NUL bytes between ASCII letters. */
function looksUtf16(first: Buffer): boolean {
  if (first.length >= 2 && ((first[0] === 0xff && first[1] === 0xfe) || (first[0] === 0xfe && first[1] === 0xff))) return true;
  const head = first.subarray(0, 64);
  let nul = 0;
  for (const b of head) if (b === 0) nul++;
  return head.length >= 8 && nul >= head.length / 4;
}

/** The upload as UTF-8 text chunks (BOM dropped); TooLarge past maxBytes, FileFault not_utf8 at the line of the bad byte. */
export async function* decodeUtf8(source: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  let lines = 0;
  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    if (bytes === 0 && looksUtf16(chunk)) throw new FileFault('utf16', 1);
    bytes += chunk.length;
    if (bytes > maxBytes) throw new TooLarge();
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      const at = firstInvalidUtf8(chunk);
      throw new FileFault('not_utf8', lines + 1 + countNewlines(chunk, Math.max(at, 0)));
    }
    lines += countNewlines(text);
    if (text) yield text;
  }
  try {
    const rest = decoder.decode();
    if (rest) yield rest;
  } catch {
    throw new FileFault('not_utf8', lines + 1);
  }
}

const UNICODE_BREAKS = /[\u0085\u2028\u2029]/;

/**
 * Text with every line ending as LF: CRLF (Windows), CR alone (old Mac) and LF, also mixed in one file, each count
 * as one physical line. A Unicode line or paragraph separator is a FileFault line_endings at its line (a file whose
 * records are joined by them cannot be read as lines).
 */
export async function* normaliseLineEndings(texts: AsyncIterable<string>): AsyncGenerator<string> {
  let carry = '';
  let lines = 0;
  for await (const chunk of texts) {
    let text = carry + chunk;
    carry = '';
    // A CR at the end of a chunk may be the first half of a CRLF.
    if (text.endsWith('\r')) { carry = '\r'; text = text.slice(0, -1); }
    const unified = text.replace(/\r\n?/g, '\n');
    const odd = UNICODE_BREAKS.exec(unified);
    if (odd) throw new FileFault('line_endings', lines + 1 + countNewlines(unified, odd.index), { char: 'U+' + odd[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0') });
    lines += countNewlines(unified);
    if (unified) yield unified;
  }
  if (carry) yield '\n';
}

/**
 * `;` or `,`: the header line decides (what Danish spreadsheets write wins a tie). A header with neither but with
 * tabs or another separator is a FileFault wrong_separator (naming the separator), not a list of unknown columns.
 */
export function detectDelimiter(headerLine: string): ';' | ',' {
  const semicolons = headerLine.split(';').length;
  const commas = headerLine.split(',').length;
  if (semicolons === 1 && commas === 1) {
    const other = /[\t|:]/.exec(headerLine);
    if (other) throw new FileFault('wrong_separator', 1, { sep: other[0] === '\t' ? 'TAB' : other[0] });
  }
  return commas > semicolons ? ',' : ';';
}

/**
 * Records parsed ahead of the reader at most (then the upload is read no further until it catches up). Few: records
 * waiting here outlive the young generation, and 2000 of them made a bulk import's heap grow by dead records.
 */
const QUEUE_HIGH = 100;

const QUOTE_FAULTS = new Set<string>(['CSV_QUOTE_NOT_CLOSED', 'CSV_INVALID_CLOSING_QUOTE', 'INVALID_OPENING_QUOTE']);

interface RawRecord { record: string[]; raw: string }

function parserFor(delimiter: string): Parser {
  return parse({
    delimiter, info: true, raw: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES,
  });
}

/**
 * Stream an upload into CSV records (header first), with line numbers. File faults (not UTF-8, an unbalanced
 * quote, a record over MAX_RECORD_BYTES, an empty file) are thrown as FileFault at the line where the record starts.
 */
export async function* readCsv(source: AsyncIterable<Buffer | string>, maxBytes: number): AsyncGenerator<CsvRecord> {
  const texts = normaliseLineEndings(decodeUtf8(source, maxBytes));
  let head = '';
  let first = await texts.next();
  while (!first.done && !head.includes('\n') && head.length < MAX_RECORD_BYTES) {
    head += first.value;
    first = await texts.next();
  }
  if (!first.done) head += first.value;
  if (head.trim() === '') throw new FileFault('empty_file', 1);
  const delimiter = detectDelimiter(head.split('\n')[0]);
  const parser = parserFor(delimiter);
  // Records are taken as the parser emits them ('data'), so an error arrives after every record before it.
  const queue: RawRecord[] = [];
  let next = 0;
  let failure: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  // Backpressure: the feeder waits while more than QUEUE_HIGH records are parsed and not yet taken.
  let room: (() => void) | undefined;
  const letFeederOn = () => { const r = room; room = undefined; r?.(); };
  parser.on('data', (r: RawRecord) => { queue.push(r); wake?.(); });
  parser.on('error', (e) => { failure = e; wake?.(); });
  parser.on('end', () => { ended = true; wake?.(); });
  const feeding = (async () => {
    try {
      parser.write(head);
      for await (const text of texts) {
        if (parser.destroyed) break;
        parser.write(text);
        while (queue.length - next > QUEUE_HIGH && !parser.destroyed) await new Promise<void>((r) => { room = r; });
      }
      if (!parser.destroyed) parser.end();
    } catch (err) {
      parser.destroy(err as Error);
    }
  })();
  const breaks = (text: string) => countChar(text, '\n');
  let consumed = 0;
  try {
    for (;;) {
      if (next < queue.length) {
        const rec = queue[next];
        queue[next++] = undefined as unknown as RawRecord;
        const leading = /^\n*/.exec(rec.raw)![0];
        yield { line: consumed + 1 + breaks(leading), cells: rec.record, delimiter };
        consumed += breaks(rec.raw);
        if (next > 4096) { queue.splice(0, next); next = 0; }
        continue;
      }
      if (failure) throw failure;
      if (ended) break;
      letFeederOn();
      await new Promise<void>((r) => { wake = r; });
      wake = undefined;
    }
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    if (QUOTE_FAULTS.has(err.code)) throw new FileFault('unbalanced_quote', consumed + 1);
    if (err.code === 'CSV_MAX_RECORD_SIZE') throw new FileFault('record_too_large', consumed + 1, { max: MAX_RECORD_BYTES / 1024 });
    throw new FileFault('malformed_csv', consumed + 1);
  } finally {
    parser.destroy();
    letFeederOn();
    await feeding;
  }
}

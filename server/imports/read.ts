import { hasControlChar, normaliseText } from '../http/input';
import { unguardFormula } from '../http/spreadsheet-safety';
import { isVariableName } from '../courses';
import type { Lang } from '../i18n';
import { FileFault, readCsv, type CsvRecord } from './parse';
import { checkHeader, fault, type ImportIssue } from './rows';

/** One data row as read: its physical line and its cells (normalised, formula guard removed). */
export interface DataRow { line: number; cells: string[] }

/** What reading found besides the rows: the header, the number of non-empty data rows, and the faults. */
export interface ReadState { header: string[]; count: number; errors: ImportIssue[] }

/** A header cell as a variable name: surrounding spaces dropped, and capitals where the lower-case name is known. */
function headerName(cell: string): string {
  const name = cell.trim();
  return isVariableName(name.toLowerCase()) ? name.toLowerCase() : name;
}

/** A row with another number of fields than the header: the other separator, if that explains it, else field_count. */
function fieldCountFault(rec: CsvRecord, expected: number, lang: Lang): ImportIssue {
  const other = rec.delimiter === ';' ? ',' : ';';
  if (rec.cells.join(rec.delimiter).split(other).length === expected) {
    return fault(rec.line, null, 'separator_mismatch', lang, { sep: other, header: rec.delimiter });
  }
  return fault(rec.line, null, 'field_count', lang, { got: rec.cells.length, expected });
}

/** A record's own fault (a control character, another number of fields), or null. */
function recordFault(rec: CsvRecord, header: string[], lang: Lang): ImportIssue | null {
  const controlAt = rec.cells.findIndex((c) => hasControlChar(c));
  if (controlAt >= 0) return fault(rec.line, header[controlAt] ?? null, 'control_char', lang);
  if (rec.cells.length !== header.length) return fieldCountFault(rec, header.length, lang);
  return null;
}

/**
 * Stream the data rows of an upload (no database, nothing kept): header checks, field counts and file faults go to
 * `state.errors` (a file fault ends the rows); rows with a fault of their own are counted, not yielded. After a
 * bad header the rest is still read, for the file faults it may hold, but not interpreted. TooLarge propagates.
 */
export async function* dataRows(source: AsyncIterable<Buffer | string>, opts: { maxBytes: number; lang: Lang }, state: ReadState): AsyncGenerator<DataRow> {
  let headerOk = false;
  let lastLine = 1;
  try {
    for await (const rec of readCsv(source, opts.maxBytes)) {
      lastLine = rec.line;
      if (state.header.length === 0) {
        state.header = rec.cells.map(headerName);
        const faults = checkHeader(state.header, opts.lang);
        for (const f of faults) state.errors.push(f);
        headerOk = faults.length === 0;
        continue;
      }
      // Lines of separators or spaces only (what a spreadsheet leaves below the data) are empty lines.
      if (!headerOk || rec.cells.every((c) => c.trim() === '')) continue;
      state.count++;
      const bad = recordFault(rec, state.header, opts.lang);
      if (bad) state.errors.push(bad);
      else yield { line: rec.line, cells: rec.cells.map((c) => unguardFormula(normaliseText(c))) };
    }
    if (state.header.length > 0 && state.count === 0 && state.errors.length === 0) state.errors.push(fault(lastLine + 1, null, 'no_data_row', opts.lang));
  } catch (err) {
    if (!(err instanceof FileFault)) throw err;
    state.errors.push(fault(err.line, null, err.code, opts.lang, err.params));
  }
}

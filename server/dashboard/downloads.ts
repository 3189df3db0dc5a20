import type { Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { guardFormula } from '../http/spreadsheet-safety';

/** The columns of formats.md "Indicator results", in order; the funnel download adds the limits. */
export const RESULT_COLUMNS = [
  'indicator_id', 'indicator_name', 'unit_type', 'unit_code', 'unit_name', 'period', 'numerator', 'denominator',
  'missing', 'value', 'ci_low', 'ci_high', 'missing_low', 'missing_high', 'standard', 'standard_met', 'few_data',
  'computed_at',
] as const;
/** The funnel download: the result columns, the limits, and the fair-comparison columns; computed_at stays last. */
export const FUNNEL_COLUMNS = [
  ...RESULT_COLUMNS.slice(0, -1), 'limit95_low', 'limit95_high', 'limit998_low', 'limit998_high', 'outlier',
  'shrunk_value', 'limit95_od_low', 'limit95_od_high', 'limit998_od_low', 'limit998_od_high', 'outlier_od', 'p0', 'phi', 'tau2',
  'computed_at',
] as const;

const DECIMAL_COLUMNS = new Set<string>([
  'value', 'ci_low', 'ci_high', 'missing_low', 'missing_high', 'limit95_low', 'limit95_high', 'limit998_low', 'limit998_high',
  'shrunk_value', 'limit95_od_low', 'limit95_od_high', 'limit998_od_low', 'limit998_od_high', 'p0', 'p_bar', 'lcl3', 'ucl3',
  'lcl2', 'ucl2', 'gap', 'gap_low', 'gap_high',
]);
/** formats.md: φ and τ² with 6 decimals */
const SIX_DECIMAL_COLUMNS = new Set<string>(['phi', 'tau2']);
const BOOLEAN_COLUMNS = new Set<string>(['standard_met', 'few_data', 'baseline', 'significant']);
const TEXT_COLUMNS = new Set<string>(['unit_code', 'period']);

/** A result row (or a funnel row); read by column name. */
export type DownloadRow = object;
const cell = (r: DownloadRow, c: string): unknown => (r as Record<string, unknown>)[c];
export type DownloadFormat = 'csv' | 'xlsx';

/**
 * A number with exactly 4 decimals, rounded half away from zero on its decimal value (0.12345 → "0.1235",
 * although the double nearest 0.12345 lies just below it), never "-0.0000"; '' for null.
 */
export function fixed4(x: number | null | undefined): string {
  return fixedDecimals(x, 4);
}

/** fixed4 with `places` decimals (≤ 10). */
export function fixedDecimals(x: number | null | undefined, places: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '';
  // 12 decimals absorb the binary representation error; the next decimal then decides the rounding.
  const [whole, decimals] = Math.abs(x).toFixed(12).split('.');
  let scaled = BigInt(whole + decimals.slice(0, places));
  if (decimals[places] >= '5') scaled += 1n;
  const digits = scaled.toString().padStart(places + 1, '0');
  const text = `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return x < 0 && scaled !== 0n ? `-${text}` : text;
}

/** An ISO instant to the second: "2026-11-23T11:49:31Z". */
export function isoToSecond(iso: unknown): string {
  return typeof iso === 'string' ? iso.replace(/\.\d+Z$/, 'Z') : '';
}

function csvField(column: string, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (DECIMAL_COLUMNS.has(column)) return fixed4(Number(value));
  if (SIX_DECIMAL_COLUMNS.has(column)) return fixedDecimals(Number(value), 6);
  if (BOOLEAN_COLUMNS.has(column)) return value ? '1' : '0';
  if (column === 'computed_at') return isoToSecond(value);
  return guardFormula(String(value));
}

/** CSV bytes: header first, `;`, UTF-8 with BOM, CRLF, quoting only where needed. */
export function toCsv(rows: readonly DownloadRow[], columns: readonly string[]): Buffer {
  const records = rows.map((r) => columns.map((c) => csvField(c, cell(r, c))));
  return Buffer.from(stringify([columns as string[], ...records], { delimiter: ';', record_delimiter: '\r\n', bom: true }), 'utf8');
}

const COPENHAGEN_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Copenhagen', hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/**
 * An instant as the wall clock in Denmark, for a spreadsheet date cell (which has no time zone): the page shows
 * computed_at in Danish time, so the XLSX does too. null for an unreadable value.
 */
export function danishWallClock(iso: unknown): Date | null {
  const d = new Date(String(iso));
  if (Number.isNaN(d.getTime())) return null;
  const p = Object.fromEntries(COPENHAGEN_PARTS.formatToParts(d).map((x) => [x.type, x.value]));
  return new Date(Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second));
}

/** A typed cell: numbers as numbers, text always a string cell (a value such as "=HYPERLINK(…)" is never a formula). */
function xlsxCell(column: string, value: unknown): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (TEXT_COLUMNS.has(column)) return String(value);
  if (BOOLEAN_COLUMNS.has(column)) return value ? 1 : 0;
  if (column === 'computed_at') return danishWallClock(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  return String(value);
}

/**
 * XLSX bytes: the same columns, typed and unrounded cells; unit_code and period as text; fractions shown with a
 * percent format, computed_at in Danish time as on the page, the header frozen and with an autofilter.
 */
export async function toXlsx(rows: readonly DownloadRow[], columns: readonly string[], sheetName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.addRow([...columns]);
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) sheet.addRow(columns.map((c) => xlsxCell(c, cell(r, c))));
  columns.forEach((c, i) => {
    const col = sheet.getColumn(i + 1);
    col.width = Math.max(10, c.length + 2);
    if (TEXT_COLUMNS.has(c)) col.numFmt = '@';
    if (DECIMAL_COLUMNS.has(c)) col.numFmt = '0.0%';
    if (c === 'computed_at') col.numFmt = 'dd.mm.yyyy hh:mm';
  });
  // Column formats reach the data cells; the header keeps text.
  sheet.getRow(1).eachCell((c) => { c.numFmt = '@'; });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Send rows as a CSV or XLSX attachment named `<name>.<format>`. */
export async function sendDownload(
  res: Response, format: DownloadFormat, name: string, rows: readonly DownloadRow[], columns: readonly string[],
): Promise<void> {
  const body = format === 'csv' ? toCsv(rows, columns) : await toXlsx(rows, columns, name);
  res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.attachment(`${name}.${format}`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(body);
}

export function isDownloadFormat(v: unknown): v is DownloadFormat {
  return v === 'csv' || v === 'xlsx';
}

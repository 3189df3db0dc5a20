import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { DownloadFormat, RESULT_COLUMNS, sendDownload, toXlsx } from './downloads';
import { GapRow, StratumResult } from '../indicators/strata';
import { SpcPoint } from '../indicators/spc';

/** formats.md: the strata download has the result columns with stratum_type and stratum after period. */
export const STRATA_COLUMNS = [
  ...RESULT_COLUMNS.slice(0, RESULT_COLUMNS.indexOf('period') + 1), 'stratum_type', 'stratum',
  ...RESULT_COLUMNS.slice(RESULT_COLUMNS.indexOf('period') + 1),
] as const;
export const GAP_COLUMNS = ['indicator_id', 'unit_type', 'unit_code', 'period', 'stratum_type', 'gap', 'gap_low', 'gap_high', 'significant'] as const;
export const SPC_COLUMNS = [
  'indicator_id', 'unit_type', 'unit_code', 'period', 'numerator', 'denominator', 'value', 'p_bar', 'lcl3', 'ucl3', 'lcl2', 'ucl2',
  'baseline', 'signal',
] as const;

/**
 * The strata as CSV (the gaps are a file of their own, `…-gaps.csv`) or as XLSX with the gaps on a second sheet
 * `gaps`; each sheet written by the shared writer, the second copied cell by cell into the first workbook.
 */
export async function sendStrata(res: Response, format: DownloadFormat, name: string, rows: readonly StratumResult[], gaps: readonly GapRow[]): Promise<void> {
  if (format === 'csv') return sendDownload(res, format, name, rows, STRATA_COLUMNS);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(await toXlsx(rows, STRATA_COLUMNS, name) as unknown as ArrayBuffer);
  const gapsBook = new ExcelJS.Workbook();
  await gapsBook.xlsx.load(await toXlsx(gaps, GAP_COLUMNS, 'gaps') as unknown as ArrayBuffer);
  copySheet(gapsBook.worksheets[0], book.addWorksheet('gaps'));
  res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.attachment(`${name}.xlsx`);
  res.setHeader('Cache-Control', 'no-store');
  res.send(Buffer.from(await book.xlsx.writeBuffer()));
}

function copySheet(from: ExcelJS.Worksheet, to: ExcelJS.Worksheet): void {
  from.eachRow({ includeEmpty: true }, (row, r) => {
    row.eachCell({ includeEmpty: true }, (cell, c) => {
      const target = to.getRow(r).getCell(c);
      target.value = cell.value;
      target.style = { ...cell.style };
    });
  });
  from.columns.forEach((col, i) => { to.getColumn(i + 1).width = col.width; });
  to.views = from.views;
  if (from.autoFilter) to.autoFilter = from.autoFilter;
}

/** The gaps alone (`…-gaps.csv` / `.xlsx`). */
export function sendGaps(res: Response, format: DownloadFormat, name: string, gaps: readonly GapRow[]): Promise<void> {
  return sendDownload(res, format, name, gaps, GAP_COLUMNS);
}

/** The p-chart, one row per quarter. */
export function sendSpc(res: Response, format: DownloadFormat, name: string, points: readonly SpcPoint[]): Promise<void> {
  return sendDownload(res, format, name, points, SPC_COLUMNS);
}

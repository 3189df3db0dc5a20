/**
 * Formula injection in the CSV files the product writes (OWASP "CSV injection"): a spreadsheet runs a cell that
 * begins with `=`, `+`, `-` or `@` (and, in some, TAB or CR) as a formula. The rule (README, "Files"):
 *
 * - writing: a cell that begins with one of those characters, or with one or more `'` followed by one, gets one
 *   more leading `'` (spreadsheets show the rest as text);
 * - reading (course import): a cell that begins with one or more `'` followed by one of those characters loses
 *   exactly one `'`.
 *
 * So export → import gives back the exact value, a value that really begins with `'=` included. Only free text can
 * begin so (codes, dates, ICD-10 codes and numbers, which are never negative, cannot): in practice `patient_name`,
 * `external_id`, and names in downloads and the access log. XLSX cells are typed string cells, never formulas.
 */
const TRIGGERED = /^'*[=+\-@\t\r]/;
const GUARDED = /^'+[=+\-@\t\r]/;

/** A cell value as written to a CSV file: one `'` added where a spreadsheet would read a formula. */
export function guardFormula(cell: string): string {
  return TRIGGERED.test(cell) ? "'" + cell : cell;
}

/** The inverse of guardFormula, for the course import: one `'` removed before a formula character. */
export function unguardFormula(cell: string): string {
  return GUARDED.test(cell) ? cell.slice(1) : cell;
}

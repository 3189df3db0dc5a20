import type { Knex } from 'knex';
import { whereInScope, type Scope } from '../access';
import { dbJson } from '../db/codecs';
import { guardFormula } from '../http/spreadsheet-safety';
import { decryptCpr, pseudonym } from '../patients';
import { VARIABLE, VARIABLE_NAMES, type CourseValues, type Value, type VariableName } from './variables';

/** A stored course as the files need it: the dictionary's values (CPR decrypted) and its stored derivations. */
export interface StoredCourse {
  id: number;
  patient_id: number;
  values: CourseValues;
  missing: string[];
}

export interface CourseBatchQuery {
  scope: Scope;
  /** further conditions on `c` (courses) */
  where?: (q: Knex.QueryBuilder) => void;
  /** only courses with id ≤ this (a snapshot taken when the read was audited) */
  maxId?: number;
  batchSize?: number;
}

/** The not-annulled courses in scope, by ascending id, in batches (keyset paging: no 100 000-row result in memory). */
export async function* storedCourseBatches(db: Knex, cprKey: Buffer, query: CourseBatchQuery): AsyncGenerator<StoredCourse[]> {
  const size = query.batchSize ?? 1000;
  let after = 0;
  for (;;) {
    const q = db('courses as c').join('patients as p', 'p.id', 'c.patient_id')
      .select('c.*', 'p.cpr_enc', 'p.patient_name')
      .where('c.annulled', false).where('c.id', '>', after).orderBy('c.id').limit(size);
    whereInScope(q, query.scope, 'c.municipality_code');
    if (query.maxId !== undefined) q.where('c.id', '<=', query.maxId);
    if (query.where) q.where(query.where);
    const rows: Record<string, unknown>[] = await q;
    if (rows.length === 0) return;
    yield rows.map((r) => toStoredCourse(r, cprKey));
    after = Number(rows[rows.length - 1].id);
    if (rows.length < size) return;
  }
}

/** A row of courses ⋈ patients (c.*, p.cpr_enc, p.patient_name) as a StoredCourse, its CPR decrypted. */
export function toStoredCourse(r: Record<string, unknown>, cprKey: Buffer): StoredCourse {
  const values: CourseValues = {};
  for (const name of VARIABLE_NAMES) {
    const v = name === 'cpr' ? decryptCpr(cprKey, String(r.cpr_enc)) : r[name];
    values[name] = v === undefined || v === null ? null : typeof v === 'number' || typeof v === 'string' ? v : String(v);
  }
  return { id: Number(r.id), patient_id: Number(r.patient_id), values, missing: dbJson<string[]>(r.missing, []) };
}

/** A value as a file cell: empty when not registered, decimals with the dictionary's number of decimals and a dot. */
export function formatCell(name: VariableName, value: Value | undefined): string {
  if (value === null || value === undefined) return '';
  const def = VARIABLE[name];
  if (typeof value === 'number') return def.kind === 'decimal' ? value.toFixed(def.decimals!) : String(value);
  return value;
}

/** RFC 4180 quoting only where a field holds the separator, a quote, CR or LF. */
function quoted(cell: string): string {
  return /[;"\r\n]/.test(cell) ? '"' + cell.replace(/"/g, '""') + '"' : cell;
}

/** The export's columns: every variable in dictionary order; pseudonymised: `pseudonym` for `cpr`, no name or external id. */
export function exportColumns(pseudonymise: boolean): string[] {
  if (!pseudonymise) return [...VARIABLE_NAMES];
  return VARIABLE_NAMES.filter((n) => n !== 'patient_name' && n !== 'external_id').map((n) => (n === 'cpr' ? 'pseudonym' : n));
}

function exportLine(c: StoredCourse, columns: string[], cprKey: Buffer): string {
  return columns.map((col) => quoted(col === 'pseudonym'
    ? pseudonym(cprKey, String(c.values.cpr))
    : guardFormula(formatCell(col as VariableName, c.values[col as VariableName])))).join(';') + '\r\n';
}

/** The snapshot an export covers: the highest course id and the patients contained (for the audit, one row each). */
export async function exportSnapshot(db: Knex, scope: Scope): Promise<{ maxId: number; patientIds: number[] }> {
  const q = db('courses').where('annulled', false);
  whereInScope(q, scope);
  const [{ max }] = await q.clone().max({ max: 'id' });
  const patients: { patient_id: number }[] = await q.clone().distinct('patient_id').orderBy('patient_id');
  return { maxId: Number(max ?? 0), patientIds: patients.map((p) => Number(p.patient_id)) };
}

/**
 * The course export (formats.md): UTF-8 with BOM, `;`, CRLF, header first, sorted by id. Chunks go to `write`,
 * which may wait for the consumer (backpressure).
 */
export async function writeCourseExport(
  db: Knex, cprKey: Buffer, opts: { scope: Scope; pseudonymise: boolean; maxId: number },
  write: (chunk: string) => Promise<void>,
): Promise<number> {
  const columns = exportColumns(opts.pseudonymise);
  await write('\uFEFF' + columns.join(';') + '\r\n');
  let count = 0;
  for await (const batch of storedCourseBatches(db, cprKey, { scope: opts.scope, maxId: opts.maxId })) {
    await write(batch.map((c) => exportLine(c, columns, cprKey)).join(''));
    count += batch.length;
  }
  return count;
}

import { dbBool, dbJson } from '../db/codecs';
import type { Lang } from '../i18n';
import { completeness, deriveState, derived, type CourseState } from './completeness';
import { decryptCpr } from '../patients';
import { effectiveSources, storedSources, type Sources } from './sources';
import type { CourseRow } from './queries';
import { issueMessage, type Issue } from './schemas';
import { VARIABLE, VARIABLE_NAMES, type CourseValues, type VariableName } from './variables';

/** A course as the service gives it: every variable (null when not registered) and the derived output. */
export interface CourseRecord {
  id: number;
  version: number;
  state: CourseState;
  annulled: boolean;
  annul_reason: string | null;
  complete: boolean;
  missing: VariableName[];
  birth_date: string | null;
  sex: 'M' | 'F' | null;
  warnings: Issue[];
  patient_id: number;
  created_at: string;
  updated_at: string;
  /** fhir.md: the linked referral, the referring SOR code, each variable's source, values waiting for a therapist */
  fhir_referral_id: string | null;
  referral_sor: string | null;
  sources: Sources;
  fhir_waiting: Record<string, string | number>;
  [variable: string]: unknown;
}

/** Variables kept on the patient rather than the course row. */
const PATIENT_VARIABLES = new Set<VariableName>(['cpr', 'patient_name']);
export const COURSE_ROW_VARIABLES: readonly VariableName[] = VARIABLE_NAMES.filter((v) => !PATIENT_VARIABLES.has(v));

function columnValue(name: VariableName, v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  const kind = VARIABLE[name].kind;
  if (kind === 'integer' || kind === 'decimal') return Number(v);
  return String(v);
}

/** The course's variables from a stored row (CPR decrypted, unless the caller knows it: `cpr`). */
export function rowValues(row: CourseRow, cprKey: Buffer, cpr?: string): Record<VariableName, string | number | null> {
  const values = {} as Record<VariableName, string | number | null>;
  for (const name of VARIABLE_NAMES) {
    values[name] = name === 'cpr' ? cpr ?? decryptCpr(cprKey, row.cpr_enc) : columnValue(name, row[name]);
  }
  return values;
}

/** Only the registered variables (a validation input). */
export function registeredValues(record: CourseRecord): CourseValues {
  const values: CourseValues = {};
  for (const name of VARIABLE_NAMES) {
    const v = record[name];
    if (v !== null && v !== undefined) values[name] = v as string | number;
  }
  return values;
}

/**
 * A stored row as a CourseRecord: state/complete/missing as stored, birth date, sex and warnings computed. The
 * output keys are laid down first and the variables copied in after: spreading the ~45 variables and then adding
 * the rest made V8 build new hidden classes at every call (a millisecond a course, at every save and in every list).
 * `cpr`: the patient's CPR when the caller has it already (a save that kept the patient), so it is not decrypted again.
 */
export function toRecord(row: CourseRow, cprKey: Buffer, cpr?: string): CourseRecord {
  const values = rowValues(row, cprKey, cpr);
  const d = derived(values);
  const record: CourseRecord = {
    id: row.id,
    version: Number(row.version),
    state: row.state as CourseState,
    annulled: dbBool(row.annulled),
    annul_reason: (row.annul_reason as string | null) ?? null,
    complete: dbBool(row.complete),
    missing: dbJson<VariableName[]>(row.missing, []),
    birth_date: d.birth_date,
    sex: d.sex,
    warnings: d.warnings,
    patient_id: row.patient_id,
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
    fhir_referral_id: (row.fhir_referral_id as string | null) ?? null,
    referral_sor: (row.referral_sor as string | null) ?? null,
    sources: effectiveSources(storedSources(row.sources), values),
    fhir_waiting: dbJson<Record<string, string | number>>(row.fhir_waiting, {}),
  };
  for (const name of VARIABLE_NAMES) record[name] = values[name];
  return record;
}

/** The course row's columns for a save: every course-row variable (null when absent) and the derived columns. */
export function courseColumns(values: CourseValues): Record<string, unknown> {
  const { complete, missing } = completeness(values);
  const row: Record<string, unknown> = {};
  for (const name of COURSE_ROW_VARIABLES) row[name] = values[name] ?? null;
  row.state = deriveState(values);
  row.complete = complete;
  row.missing = JSON.stringify(missing);
  return row;
}

/** The API's course JSON (formats.md): every variable, then the output-only keys; warnings as messages. */
export function courseJson(record: CourseRecord, lang: Lang): Record<string, unknown> {
  const out: Record<string, unknown> = { id: record.id, version: record.version };
  for (const name of VARIABLE_NAMES) out[name] = record[name] ?? null;
  out.state = record.state;
  out.annulled = record.annulled;
  out.complete = record.complete;
  out.missing = record.missing;
  out.birth_date = record.birth_date;
  out.sex = record.sex;
  out.warnings = record.warnings.map((w) => ({ variable: w.variable, message: issueMessage(w, lang) }));
  out.fhir_referral_id = record.fhir_referral_id ?? null;
  out.referral_sor = record.referral_sor ?? null;
  out.sources = record.sources ?? {};
  return out;
}

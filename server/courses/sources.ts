import { dbJson } from '../db/codecs';
import { VARIABLE_NAMES, type VariableName } from './variables';

/** fhir.md "Precedence": where each registered variable's value came from. */
export type Source = 'fhir' | 'manual';
export type Sources = Partial<Record<VariableName, Source>>;

/** The stored map: explicit entries only (a registered variable without one counts as manual). */
export function storedSources(column: unknown): Sources {
  return dbJson<Sources>(column, {});
}

/** The source of every registered variable, and of un-registered ones a therapist cleared. */
export function effectiveSources(stored: Sources, values: Partial<Record<VariableName, unknown>>): Sources {
  const out: Sources = {};
  for (const name of VARIABLE_NAMES) {
    const registered = values[name] !== null && values[name] !== undefined;
    if (stored[name]) out[name] = stored[name];
    else if (registered) out[name] = 'manual';
  }
  return out;
}

/** A manual save that changes a value (clearing included) makes its source manual. */
export function afterManualSave(stored: Sources, changed: readonly VariableName[]): string {
  const next: Sources = { ...stored };
  for (const name of changed) next[name] = 'manual';
  return JSON.stringify(next);
}

/** The course page's marker of a field: from the care record, and/or a care-record value waiting beside it. */
export interface SourceMarker { fromCareRecord: boolean; waiting?: string }

export function sourceMarker(record: { sources: Sources; fhir_waiting: Record<string, unknown>; [k: string]: unknown }, name: VariableName,
  show: (v: unknown) => string): SourceMarker | undefined {
  const fromCareRecord = record.sources[name] === 'fhir' && record[name] !== null && record[name] !== undefined;
  const waiting = record.fhir_waiting[name];
  if (!fromCareRecord && waiting === undefined) return undefined;
  return waiting === undefined ? { fromCareRecord } : { fromCareRecord, waiting: show(waiting) };
}

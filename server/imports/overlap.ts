import type { Knex } from 'knex';
import { cprLookupHash } from '../patients';
import { type Occupied, occupiedDays, type OccupyingCourse, spansOverlap } from '../courses';
import type { Lang } from '../i18n';
import { fault, type ImportIssue } from './rows';

/** The days a valid row of the file will occupy: only what the overlap rule needs, kept for every row. */
export interface RowSpan { cpr: string; line: number; id: number | null; days: Occupied | null }

export function rowSpan(cpr: string, line: number, id: number | null, course: OccupyingCourse): RowSpan {
  return { cpr, line, id, days: occupiedDays(course) };
}

interface Taken { days: Occupied; line?: number; id?: number }

/** The spans of the valid rows (file order), and the stored courses' spans of their patients as read before any write. */
export interface SpanState { spans: RowSpan[]; taken: Map<string, Taken[]>; loaded: Set<string> }

/**
 * Read the stored, not annulled courses of the patients with these CPR numbers that were not read before, as spans
 * by CPR (one query per 500 patients). Called for each batch before it is written.
 */
export async function loadStoredSpans(db: Knex, state: SpanState, cprKey: Buffer, municipality: string, cprs: string[]): Promise<void> {
  const fresh = [...new Set(cprs)].filter((c) => !state.loaded.has(c));
  for (const c of fresh) state.loaded.add(c);
  for (let i = 0; i < fresh.length; i += 500) {
    const byHash = new Map(fresh.slice(i, i + 500).map((c) => [cprLookupHash(cprKey, c), c]));
    const rows = await db('courses').join('patients', 'patients.id', 'courses.patient_id')
      .select('courses.id', 'courses.referral_date', 'courses.start_date', 'courses.not_started_reason', 'courses.end_date', 'patients.cpr_hash')
      .where('patients.municipality_code', municipality).whereIn('patients.cpr_hash', [...byHash.keys()]).where('courses.annulled', false);
    for (const r of rows) {
      const days = occupiedDays(r);
      if (!days) continue;
      const cpr = byHash.get(r.cpr_hash)!;
      const list = state.taken.get(cpr) ?? [];
      list.push({ days, id: Number(r.id) });
      state.taken.set(cpr, list);
    }
  }
}

/**
 * The overlap rule between the valid rows of the file (in file order) and against the stored courses of the same
 * patients; a stored course that a row updates counts with the row's values only.
 */
export function overlapErrors(state: SpanState, lang: Lang): ImportIssue[] {
  const taken = state.taken;
  const updated = new Set<number>(state.spans.flatMap((s) => (s.id === null ? [] : [s.id])));
  for (const [cpr, list] of taken) taken.set(cpr, list.filter((o) => !updated.has(o.id!)));
  const errors: ImportIssue[] = [];
  for (const span of state.spans) {
    if (!span.days) continue;
    const others = taken.get(span.cpr) ?? [];
    const other = others.find((o) => spansOverlap(span.days!, o.days));
    if (other) {
      errors.push(other.line !== undefined
        ? fault(span.line, 'referral_date', 'overlap_row', lang, { other: other.line })
        : fault(span.line, 'referral_date', 'overlap_stored', lang, { id: other.id! }));
      continue;
    }
    others.push({ days: span.days, line: span.line });
    taken.set(span.cpr, others);
  }
  return errors;
}

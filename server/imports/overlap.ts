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

/** The stored, not annulled courses of the patients with these CPR numbers, as spans by CPR. */
async function storedSpans(db: Knex, cprKey: Buffer, municipality: string, cprs: string[]): Promise<Map<string, Taken[]>> {
  const out = new Map<string, Taken[]>();
  for (let i = 0; i < cprs.length; i += 500) {
    const byHash = new Map(cprs.slice(i, i + 500).map((c) => [cprLookupHash(cprKey, c), c]));
    const rows = await db('courses').join('patients', 'patients.id', 'courses.patient_id')
      .select('courses.id', 'courses.referral_date', 'courses.start_date', 'courses.not_started_reason', 'courses.end_date', 'patients.cpr_hash')
      .where('patients.municipality_code', municipality).whereIn('patients.cpr_hash', [...byHash.keys()]).where('courses.annulled', false);
    for (const r of rows) {
      const days = occupiedDays(r);
      if (!days) continue;
      const cpr = byHash.get(r.cpr_hash)!;
      const list = out.get(cpr) ?? [];
      list.push({ days, id: Number(r.id) });
      out.set(cpr, list);
    }
  }
  return out;
}

/**
 * The overlap rule between the valid rows of the file (in file order) and against the stored courses of the same
 * patients; a stored course that a row updates counts with the row's values only.
 */
export async function overlapErrors(db: Knex, cprKey: Buffer, municipality: string, spans: RowSpan[], lang: Lang): Promise<ImportIssue[]> {
  const taken = await storedSpans(db, cprKey, municipality, [...new Set(spans.map((s) => s.cpr))]);
  const updated = new Set<number>(spans.flatMap((s) => (s.id === null ? [] : [s.id])));
  for (const [cpr, list] of taken) taken.set(cpr, list.filter((o) => !updated.has(o.id!)));
  const errors: ImportIssue[] = [];
  for (const span of spans) {
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

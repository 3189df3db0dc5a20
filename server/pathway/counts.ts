import type { Knex } from 'knex';
import { whereSentFromScope, type Scope } from '../access';
import { addDays } from '../time';
import { LOST_AFTER_DAYS } from './referral-queries';

/**
 * The pathway's one aggregation (pathway.md §5): per (sor_code, municipality_code) the stage counts and the
 * population, missing and numerator of HK-P1…HK-P5 over the counted referrals of a date range, by SQL. Units pool
 * these cells; nothing loads referrals into JavaScript.
 */

export const STAGES = ['referred', 'received', 'open', 'lost', 'started', 'completed', 'gp_informed'] as const;
export const RESULTS = ['p1', 'p2', 'p3', 'p4', 'p5'] as const;
export type ResultId = (typeof RESULTS)[number];
type Measure = `${ResultId}_${'population' | 'missing' | 'numerator'}`;
export type Cell = Record<(typeof STAGES)[number] | Measure, number> & { sor_code: string; municipality_code: string };

const NSC = "c.not_started_reason in ('died', 'moved', 'hospital_rehab')";
const LEFT = "c.outcome in ('died', 'moved')";
const OLD = 'r.referral_date < :lostBefore';
const RECEIVED = 'r.course_id is not null';
const STARTED = 'c.start_date is not null';
const COMPLETED = "c.outcome = 'completed'";
const NOT_NSC = `(c.id is null or c.not_started_reason is null or not (${NSC}))`;
const START_MISSING = 'c.id is not null and c.start_date is null and c.not_started_reason is null';
const ENDED = `c.end_date is not null and (c.outcome is null or not (${LEFT}))`;

/** Each measure as a condition on one referral row r left-joined with its course c. */
const CONDITIONS: Record<string, string> = {
  referred: '1 = 1',
  received: RECEIVED,
  open: `r.course_id is null and not (${OLD})`,
  lost: `r.course_id is null and ${OLD}`,
  started: STARTED,
  completed: COMPLETED,
  gp_informed: `${COMPLETED} and c.gp_note_sent = 'yes'`,
  p1_population: OLD, p1_missing: '1 = 0', p1_numerator: `${OLD} and ${RECEIVED}`,
  p2_population: `${OLD} and ${NOT_NSC}`, p2_missing: `${OLD} and ${START_MISSING}`, p2_numerator: `${OLD} and ${STARTED}`,
  p3_population: `${RECEIVED} and ${NOT_NSC}`, p3_missing: START_MISSING, p3_numerator: `${RECEIVED} and ${STARTED}`,
  p4_population: ENDED, p4_missing: 'c.end_date is not null and c.outcome is null', p4_numerator: `c.end_date is not null and ${COMPLETED}`,
  p5_population: COMPLETED, p5_missing: `${COMPLETED} and c.gp_note_sent is null`, p5_numerator: `${COMPLETED} and c.gp_note_sent = 'yes'`,
};

export interface CellQuery {
  first: string; last: string; today: string;
  /** only referrals sent from departments in this scope (a hospital-only user's reach) */
  sentFrom?: Scope; sorCode?: string; municipalities?: readonly string[];
}

/** The cells of counted referrals (covered, not withdrawn, dated ≤ today) with referral_date in [first, last]. */
export async function countCells(db: Knex, q: CellQuery): Promise<Cell[]> {
  const last = q.last < q.today ? q.last : q.today;
  const lostBefore = addDays(q.today, -LOST_AFTER_DAYS);
  const sums = Object.entries(CONDITIONS).map(([name, cond]) =>
    db.raw(`sum(case when ${cond.replace(/:lostBefore/g, '?')} then 1 else 0 end) as ??`, [...Array(cond.split(':lostBefore').length - 1).fill(lostBefore), name]));
  const query = db('referrals as r')
    .join('municipalities as m', 'm.code', 'r.municipality_code')
    .leftJoin('courses as c', 'c.id', 'r.course_id')
    .where('r.withdrawn', false)
    .whereNotNull('m.registering_since').whereRaw('m.registering_since <= r.referral_date')
    .whereBetween('r.referral_date', [q.first, last])
    .groupBy('r.sor_code', 'r.municipality_code')
    .select('r.sor_code', 'r.municipality_code', ...sums);
  if (q.sentFrom) whereSentFromScope(query, q.sentFrom, 'r.sor_code');
  if (q.sorCode) query.where('r.sor_code', q.sorCode);
  if (q.municipalities) query.whereIn('r.municipality_code', [...q.municipalities]);
  if (q.first > last) return [];
  const rows = await query;
  return rows.map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) =>
    [k, k === 'sor_code' || k === 'municipality_code' ? v : Number(v ?? 0)])) as Cell);
}

/** Pool cells by summing every count (never averaging). */
export function pool(cells: readonly Cell[]): Omit<Cell, 'sor_code' | 'municipality_code'> {
  const out = Object.fromEntries(Object.keys(CONDITIONS).map((k) => [k, 0])) as Record<string, number>;
  for (const c of cells) for (const k of Object.keys(CONDITIONS)) out[k] += (c as unknown as Record<string, number>)[k];
  return out as Omit<Cell, 'sor_code' | 'municipality_code'>;
}

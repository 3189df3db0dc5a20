import type { Knex } from 'knex';
import { Scope, whereInScope, whereScopeCodesInScope } from '../access';

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  /** actor email, exact (normalised) */
  user: string | null;
  action: string | null;
  /** ISO dates, inclusive, in Danish time */
  from: string | null;
  to: string | null;
  /** the patients a CPR matched (within the scope); null when no patient filter */
  patientIds: number[] | null;
}

export interface AuditRow {
  id: number; at: string; actor_user_id: number | null; actor_email: string | null; actor_scope: string | null;
  action: string; entity: string | null; entity_id: string | null; patient_id: number | null;
  municipality_code: string | null; record_scope: string | null; ip: string | null; detail: string | null;
}

const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Copenhagen', timeZoneName: 'longOffset' });

/** The UTC instant of midnight in Denmark on an ISO date (CET/CEST; transitions are at night, never at 00:00). */
export function danishMidnightUtc(isoDate: string): string {
  const guess = new Date(isoDate + 'T00:00:00Z');
  const name = offsetFormat.formatToParts(guess).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return new Date(guess.getTime() - minutes * 60_000).toISOString();
}

function nextDay(isoDate: string): string {
  return new Date(Date.parse(isoDate + 'T00:00:00Z') + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The audit rows an admin may read: the actor's scope or the record (a patient's municipality, a user's or
 * token's scope) lies inside the admin's scope.
 */
function rowsInScope(db: Knex, scope: Scope, f: AuditFilter): Knex.QueryBuilder {
  const q = whereScopeCodesInScope(db('audit_log'), scope, 'actor_scope', 'municipality_code', 'record_scope');
  if (f.user) q.where('actor_email', f.user);
  if (f.action) q.where('action', f.action);
  if (f.from) q.where('at', '>=', danishMidnightUtc(f.from));
  if (f.to) q.where('at', '<', danishMidnightUtc(nextDay(f.to)));
  if (f.patientIds) q.whereIn('patient_id', f.patientIds.length ? f.patientIds : [-1]);
  return q;
}

/** One page of the filtered log, newest first. */
export async function auditPage(db: Knex, scope: Scope, f: AuditFilter, page: number): Promise<{ items: AuditRow[]; total: number }> {
  const [{ n }] = await rowsInScope(db, scope, f).count({ n: '*' });
  const items = await rowsInScope(db, scope, f).select('*').orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE);
  return { items, total: Number(n) };
}

/** Every row about these patients (a citizen's access log), oldest first. */
export async function patientAccessLog(db: Knex, scope: Scope, patientIds: number[]): Promise<AuditRow[]> {
  const f: AuditFilter = { user: null, action: null, from: null, to: null, patientIds };
  return rowsInScope(db, scope, f).select('*').orderBy([{ column: 'at', order: 'asc' }, { column: 'id', order: 'asc' }]);
}

/** The actions that occur in the rows the admin may read (the filter's choices). */
export async function auditActions(db: Knex, scope: Scope): Promise<string[]> {
  const none: AuditFilter = { user: null, action: null, from: null, to: null, patientIds: null };
  const rows: { action: string }[] = await rowsInScope(db, scope, none).distinct('action').orderBy('action');
  return rows.map((r) => r.action);
}

/** The patients inside the scope with this keyed CPR hash (one per municipality the person has lived in). */
export async function patientIdsByCprHash(db: Knex, scope: Scope, cprHash: string): Promise<{ id: number; municipality_code: string }[]> {
  return whereInScope(db('patients'), scope).where('cpr_hash', cprHash).select('id', 'municipality_code').orderBy('id');
}

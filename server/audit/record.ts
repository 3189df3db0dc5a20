import type { Request } from 'express';
import type { Knex } from 'knex';
import { insertRows } from '../db/bulk';
import { pathWithoutQuery } from '../http/request';
import { nowIso } from '../time';

/** Who did it, from where. */
export interface Actor {
  userId: number | null;
  email: string | null;
  scope: string | null;
  ip: string | null;
}

export interface AuditEntry {
  action: string;
  entity?: string | null;
  entityId?: string | number | null;
  patientId?: number | null;
  municipalityCode?: string | null;
  /** scope code of a non-patient record (a user, a token): who may read the row besides the actor's admins */
  recordScope?: string | null;
  /** old/new values, counts…; never a plain CPR */
  detail?: unknown;
}

/** The actor of a request; the address honours TRUST_PROXY through express's req.ip. */
export function actorOf(req: Request): Actor {
  return {
    userId: req.user?.id ?? null,
    email: req.user?.email ?? null,
    scope: req.user?.scope.code ?? null,
    ip: req.ip ?? null,
  };
}

/** The audit_log columns an entry fills, in the order of `auditRowValues`. */
export const AUDIT_COLUMNS = ['at', 'actor_user_id', 'actor_email', 'actor_scope', 'action', 'entity', 'entity_id', 'patient_id',
  'municipality_code', 'record_scope', 'ip', 'detail'] as const;

/** The audit_log row of one entry (for a caller that writes it in a statement of its own, as recordAudit does). */
export function auditRow(actor: Actor, e: AuditEntry, at: string = nowIso()): Record<string, string | number | null> {
  return {
    at,
    actor_user_id: actor.userId,
    actor_email: actor.email,
    actor_scope: actor.scope,
    action: e.action,
    entity: e.entity ?? null,
    entity_id: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
    patient_id: e.patientId ?? null,
    municipality_code: e.municipalityCode ?? null,
    record_scope: e.recordScope ?? null,
    ip: actor.ip,
    detail: e.detail === undefined ? null : JSON.stringify(e.detail),
  };
}

/** The audit_log row of one entry as values in AUDIT_COLUMNS order (for a multi-row insert of the caller's). */
export function auditRowValues(actor: Actor, e: AuditEntry, at: string = nowIso()): (string | number | null)[] {
  const row = auditRow(actor, e, at);
  return AUDIT_COLUMNS.map((column) => row[column]);
}

/** Append audit rows, in the caller's transaction when given one (the same transaction as the change). */
export async function recordAudit(db: Knex | Knex.Transaction, actor: Actor, ...entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const at = nowIso();
  // Multi-row statements below the engines' limits of bound values (bulk.ts; an import writes one row per course).
  await insertRows(db, 'audit_log', AUDIT_COLUMNS, entries.map((e) => auditRowValues(actor, e, at)));
}

/**
 * The `access_denied` row of a refused patient-level request (403 by the gate, 404 out of scope): the entity and
 * id of the hint; detail = status, method and the path without its query (a query could hold a CPR).
 */
export async function recordRefusal(db: Knex, req: Request, hint: { entity: string; entityId?: string | number | null }, status: number): Promise<void> {
  await recordAudit(db, actorOf(req), {
    action: 'access_denied', entity: hint.entity, entityId: hint.entityId ?? null,
    detail: { status, method: req.method, path: pathWithoutQuery(req.originalUrl) },
  });
}

import { stringify } from 'csv-stringify/sync';
import { guardFormula } from '../http/spreadsheet-safety';
import { Router } from 'express';
import type { Request, Response } from 'express';
import { actorOf, recordAudit } from '../audit/record';
import { AUDIT_PAGE_SIZE, AuditFilter, AuditRow, auditActions, auditPage, patientAccessLog, patientIdsByCprHash } from '../audit/queries';
import { requireAccess, userOf } from '../access';
import { cprLookupHash, normaliseCpr } from '../patients';
import type { AppContext } from '../http/context';
import { typedValues } from '../http/forms';
import { hasKey, Lang, t } from '../i18n';
import { formatDateTimeDanish } from '../time';
import { describeDetail } from './audit-detail';
import { fieldMessages, noStore, pager } from './page-helpers';
import { AuditFilterInput, auditFilterSchema, FieldError, parseInput } from './schemas';

const CSV_COLUMNS = ['at', 'actor_email', 'actor_scope', 'action', 'entity', 'entity_id', 'municipality_code'] as const;

export function actionLabel(lang: Lang, action: string): string {
  return hasKey('audit.actions.' + action) ? t(lang, 'audit.actions.' + action) : action;
}

function viewRow(lang: Lang, r: AuditRow) {
  const entity = r.entity && hasKey('audit.entities.' + r.entity) ? t(lang, 'audit.entities.' + r.entity) : r.entity;
  const record = [entity, r.entity_id].filter(Boolean).join(' ');
  const lines = describeDetail(lang, r.detail);
  const details = lines.length > 8 ? [...lines.slice(0, 8), '…'] : lines;
  return { ...r, when: formatDateTimeDanish(r.at), actionLabel: actionLabel(lang, r.action), record, details };
}

/** The audit log: filters, paging, one patient's access log as CSV. A CPR travels only in POST bodies. */
export function logRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db, config } = ctx;
  const gate = requireAccess(ctx, 'admin');

  /** The patients a typed CPR matches inside the admin's scope; null without a CPR, 'invalid' for a malformed one. */
  async function patientsOf(req: Request, cpr: string | null) {
    if (!cpr) return null;
    const normalised = normaliseCpr(cpr);
    if (!normalised) return 'invalid' as const;
    return patientIdsByCprHash(db, userOf(req).scope, cprLookupHash(config.cprKey, normalised));
  }

  async function logPage(req: Request, res: Response, source: unknown, method: 'get' | 'post', extraErrors: FieldError[] = []) {
    const values = typedValues(source);
    const parsed = parseInput(auditFilterSchema, source);
    const errors: FieldError[] = [...extraErrors, ...(parsed.ok ? [] : parsed.errors)];
    const filter: AuditFilterInput | null = parsed.ok ? parsed.data : null;
    const patients = filter ? await patientsOf(req, filter.cpr) : null;
    if (patients === 'invalid') errors.push({ field: 'cpr', key: 'cpr_invalid' });
    const scope = userOf(req).scope;
    let result: { items: AuditRow[]; total: number } = { items: [], total: 0 };
    if (filter && patients !== 'invalid' && extraErrors.length === 0) {
      const f: AuditFilter = { user: filter.user, action: filter.action, from: filter.from, to: filter.to, patientIds: patients?.map((p) => p.id) ?? null };
      result = await auditPage(db, scope, f, filter.page);
      if (patients?.length) {
        await recordAudit(db, actorOf(req), ...patients.map((p) => ({
          action: 'audit_log_patient_search', entity: 'patient', entityId: p.id, patientId: p.id, municipalityCode: p.municipality_code,
        })));
      }
    }
    const actions = (await auditActions(db, scope)).map((a) => ({ value: a, label: actionLabel(req.lang, a), selected: a === values.action }));
    if (method === 'post') noStore(res);
    const hidden = Object.entries(values).filter(([k]) => k !== 'page').map(([name, value]) => ({ name, value }));
    res.status(errors.length ? 400 : 200).render('admin/log', {
      title: t(req.lang, 'admin.log_title'), values, actions, method, hidden, patientSearch: !!filter?.cpr,
      rows: result.items.map((r) => viewRow(req.lang, r)), pager: pager(filter?.page ?? 1, result.total, AUDIT_PAGE_SIZE),
      ...fieldMessages(req, errors),
    });
  }

  router.get('/admin/log', gate, (req, res) => {
    // A CPR never goes in a URL (it would land in access logs and browser history).
    const { cpr: _ignored, ...query } = req.query;
    return logPage(req, res, query, 'get');
  });

  router.post('/admin/log', gate, (req, res) => logPage(req, res, req.body, 'post'));

  router.post('/admin/log/patient.csv', gate, async (req, res) => {
    const cpr = typeof req.body.cpr === 'string' ? req.body.cpr.trim() : '';
    const patients = await patientsOf(req, cpr || null);
    if (patients === null) return logPage(req, res, req.body, 'post', [{ field: 'cpr', key: 'cpr_required' }]);
    if (patients === 'invalid') return logPage(req, res, req.body, 'post');
    const rows = await patientAccessLog(db, userOf(req).scope, patients.map((p) => p.id));
    await recordAudit(db, actorOf(req), ...patients.map((p) => ({
      action: 'audit_log_patient_export', entity: 'patient', entityId: p.id, patientId: p.id, municipalityCode: p.municipality_code,
      detail: { rows: rows.length },
    })));
    const csv = stringify(rows.map((r) => CSV_COLUMNS.map((c) => guardFormula(String(r[c] ?? '')))), { header: true, columns: [...CSV_COLUMNS] });
    noStore(res);
    res.type('text/csv; charset=utf-8').attachment('adgangslog.csv').send(csv);
  });

  return router;
}

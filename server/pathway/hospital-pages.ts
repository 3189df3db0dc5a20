import { Router, type Request, type Response } from 'express';
import { actorOf, recordAudit } from '../audit/record';
import { codeLabel } from '../courses';
import { cprLookupHash, decryptCpr, normaliseCpr } from '../patients';
import type { AppContext } from '../http/context';
import { Conflict, Invalid, TooLarge } from '../http/errors';
import { logClientFault } from '../http/error-handler';
import { setFlash } from '../http/render';
import { userOf } from '../access';
import { t } from '../i18n';
import { queryFlag, refuseDeclaredTooLarge } from '../imports/api';
import { BrokenUpload, guardedUpload, uploadedFile } from '../imports/upload';
import { formatDateDanish, today } from '../time';
import { requireAny } from './gate';
import { importReferrals, type ReferralImportReport } from './import';
import { isoDate, listReferrals, REFERRAL_PAGE_SIZE, type ReferralListFilter, type ReferralRow } from './referral-queries';
import { withdrawReferral, type ReferralCtx } from './referrals';

/**
 * The hospital user's pages (pathway.md §6): *Mine henvisninger* (referrals sent from departments in scope, newest
 * first, search by CPR or referral_id, values and Træk tilbage; never a status or a course) and *Importér
 * henvisninger* (the course import page's upload, dry run and report). Department or region scope; else 403, audited.
 */

export const MY_REFERRALS_PATH = '/mine-henvisninger';
export const REFERRAL_IMPORT_PATH = '/henvisninger/import';

const showCpr = (cpr: string) => `${cpr.slice(0, 6)}-${cpr.slice(6)}`;
const bool = (v: unknown): boolean => v === true || v === 1 || v === '1';

function ctxOf(ctx: AppContext, req: Request): ReferralCtx {
  return { db: ctx.db, cprKey: ctx.config.cprKey, user: userOf(req), actor: actorOf(req), lang: req.lang };
}

/** The list filter of the page's query: `q` a CPR (any form normaliseCpr takes) or a referral_id; `side` the page. */
function searchOf(ctx: AppContext, req: Request): { filter: ReferralListFilter; q: string } {
  const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 64) : '';
  const side = typeof req.query.side === 'string' ? req.query.side : '1';
  if (!/^[1-9]\d{0,5}$/.test(side)) throw new Invalid({ side: t(req.lang, 'pathway.errors.bad_filter') });
  const filter: ReferralListFilter = { page: Number(side) };
  if (q) {
    filter.withdrawn = true; // a search finds withdrawn referrals too: they stay readable (§3)
    const cpr = normaliseCpr(q);
    if (cpr) filter.cprHash = cprLookupHash(ctx.config.cprKey, cpr); else filter.referralId = q;
  }
  return { filter, q };
}

function rowView(x: ReferralRow, cprKey: Buffer, lang: Request['lang']) {
  const cpr = decryptCpr(cprKey, x.cpr_enc);
  return {
    id: x.id, version: x.version, referral_id: x.referral_id, cpr: showCpr(cpr), department: x.hospital_name,
    municipality_code: x.municipality_code, referral_date: formatDateDanish(isoDate(x.referral_date)),
    discharge_date: formatDateDanish(isoDate(x.discharge_date)), diagnosis_group: codeLabel('diagnosis_group', x.diagnosis_group, lang),
    withdrawn: bool(x.withdrawn), withdrawal_reason: x.withdrawal_reason,
  };
}

async function renderList(ctx: AppContext, req: Request, res: Response, status = 200, alert?: string): Promise<void> {
  const { filter, q } = searchOf(ctx, req);
  const { total, rows } = await listReferrals(ctx.db, userOf(req).scope, filter, today());
  await recordAudit(ctx.db, actorOf(req), ...rows.map((x) => ({ action: 'referral_read', entity: 'referral', entityId: x.id,
    municipalityCode: x.municipality_code, recordScope: x.sor_code, detail: { patient_key: x.cpr_hash } })));
  const page = filter.page ?? 1;
  const qs = q ? `&q=${encodeURIComponent(q)}` : '';
  res.status(status).render('pathway/mine', {
    title: t(req.lang, 'pathway.hospital.mine_title'), q, total, alert, rows: rows.map((x) => rowView(x, ctx.config.cprKey, req.lang)),
    next: page * REFERRAL_PAGE_SIZE < total ? `?side=${page + 1}${qs}` : null, prev: page > 1 ? `?side=${page - 1}${qs}` : null,
  });
}

/** Routes of both pages; the gate answers 401/403 (audited) before any referral is read. */
export function hospitalPages(ctx: AppContext): Router {
  const r = Router();
  const gate = requireAny(ctx, 'referrals.submit');
  r.get(MY_REFERRALS_PATH, gate, (req, res) => renderList(ctx, req, res));
  r.post(`${MY_REFERRALS_PATH}/:id/traek-tilbage`, gate, async (req, res) => {
    const id = /^[1-9]\d{0,9}$/.test(String(req.params.id)) ? Number(req.params.id) : 0;
    const version = Number(req.body?.version);
    try {
      await withdrawReferral(ctxOf(ctx, req), id, req.body?.reason, Number.isInteger(version) ? version : undefined);
    } catch (err) {
      if (!(err instanceof Invalid || err instanceof Conflict)) throw err;
      return renderList(ctx, req, res, err.status, Object.values((err as Invalid).fields ?? {})[0] ?? err.message);
    }
    setFlash(res, 'pathway.hospital.withdrawn_done');
    res.redirect(303, MY_REFERRALS_PATH);
  });
  r.get(REFERRAL_IMPORT_PATH, gate, (req, res) => renderImport(ctx, req, res, 200));
  r.post(REFERRAL_IMPORT_PATH, gate, async (req, res) => {
    const dryRun = queryFlag(req, 'dry_run');
    let report: ReferralImportReport;
    try {
      refuseDeclaredTooLarge(req, ctx.config.maxUploadBytes + 64 * 1024);
      const file = await uploadedFile(req, ctx.config.maxUploadBytes);
      report = await importReferrals(ctxOf(ctx, req), actorOf(req), guardedUpload(file, req.lang), ctx.config.maxUploadBytes, dryRun);
    } catch (err) {
      if (err instanceof TooLarge) return renderImport(ctx, req, res, 413, { alert: t(req.lang, 'imports.too_large', { mb: maxMb(ctx) }) });
      if (err instanceof BrokenUpload) logClientFault(ctx, req, err);
      if (err instanceof Invalid) return renderImport(ctx, req, res, 400, { alert: Object.values(err.fields).join(' ') || err.message });
      throw err;
    }
    const failed = report.errors.length > 0;
    const outcome = failed ? (dryRun ? 'dry_run_errors' : 'errors') : dryRun ? 'dry_run_ok' : 'committed';
    const errorLines = new Set(report.errors.map((e) => e.line));
    renderImport(ctx, req, res, !dryRun && failed ? 400 : 200, {
      report, failed, outcome,
      outcomeText: t(req.lang, `pathway.hospital.outcome_${outcome}`, { rows: report.rows, created: report.created, updated: report.updated,
        unchanged: report.unchanged, withdrawn: report.withdrawn, skipped: report.skipped, errors: report.errors.length }),
      referrals: report.referrals.map((x) => ({ ...x, hasError: errorLines.has(x.line), actionText: t(req.lang, `pathway.hospital.action_${x.action}`) })),
    });
  });
  return r;
}

const maxMb = (ctx: AppContext) => Math.round(ctx.config.maxUploadBytes / 1048576);

function renderImport(ctx: AppContext, req: Request, res: Response, status: number, extra: Record<string, unknown> = {}): void {
  res.status(status).render('pathway/import', { title: t(req.lang, 'pathway.hospital.import_title'), maxMb: maxMb(ctx),
    department: userOf(req).scope.kind === 'department', ...extra });
}

import { Router, type NextFunction, type Request, type Response } from 'express';
import { recordAudit, actorOf } from '../audit/record';
import { cprLookupHash, normaliseCpr } from '../patients';
import type { AppContext } from '../http/context';
import { Forbidden, Invalid, NotFound, Unauthenticated } from '../http/errors';
import { t } from '../i18n';
import { today } from '../time';
import { hospitals } from '../geography';
import { requireAccess, userOf } from '../access';
import { requireAny } from './gate';
import { listReferrals, referralJson, type ReferralListFilter, type ReferralRow, referralsInReach } from './referral-queries';
import { submitReferral, withdrawReferral, type ReferralCtx } from './referrals';
import { fixed4, sendDownload } from '../dashboard/downloads';
import { importReferrals } from './import';
import { queryFlag, refuseDeclaredTooLarge } from '../imports/api';
import { UnsupportedMediaType } from '../http/errors';
import { LOST_AFTER_DAYS, parsePathwayQuery, PATHWAY_COLUMNS, pathwayRows } from './results';

/** /api/v1/referrals and /api/v1/hospitals (pathway.md §7). Every 403 and 404 on referral data is audited. */

function ctxOf(ctx: AppContext, req: Request): ReferralCtx {
  return { db: ctx.db, cprKey: ctx.config.cprKey, user: userOf(req), actor: actorOf(req), lang: req.lang };
}

function numericId(req: Request, _res: Response, next: NextFunction): void {
  next(/^[1-9]\d{0,9}$/.test(String(req.params.id)) && Number(req.params.id) <= 2147483647 ? undefined : 'route');
}

function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body ?? {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Invalid({}, t(req.lang, 'errors.bad_request'));
  return body as Record<string, unknown>;
}

const municipal = (req: Request): boolean => userOf(req).scope.kind === 'municipality';

async function auditRead(ctx: AppContext, req: Request, rows: ReferralRow[]): Promise<void> {
  await recordAudit(ctx.db, actorOf(req), ...rows.map((r) => ({ action: 'referral_read', entity: 'referral', entityId: r.id,
    municipalityCode: r.municipality_code, recordScope: r.sor_code, detail: { patient_key: r.cpr_hash } })));
}

async function oneInReach(ctx: AppContext, req: Request, id: number): Promise<ReferralRow> {
  const row = await referralsInReach(ctx.db, userOf(req).scope).where('referrals.id', id).first();
  if (!row) throw new NotFound({ entity: 'referral', entityId: id });
  return row as ReferralRow;
}

function listFilter(req: Request, src: Record<string, unknown>): ReferralListFilter {
  const f: ReferralListFilter = {};
  const fields: Record<string, string> = {};
  const bad = (k: string) => { fields[k] = t(req.lang, 'pathway.errors.bad_filter'); };
  const str = (k: string) => (typeof src[k] === 'string' && src[k] !== '' ? String(src[k]) : undefined);
  if (str('year')) /^\d{4}$/.test(str('year')!) ? f.year = Number(str('year')) : bad('year');
  if (str('page')) /^[1-9]\d{0,5}$/.test(str('page')!) ? f.page = Number(str('page')) : bad('page');
  if (str('order')) ['newest', 'oldest'].includes(str('order')!) ? f.order = str('order') as 'oldest' : bad('order');
  if (str('withdrawn')) ['0', '1'].includes(str('withdrawn')!) ? f.withdrawn = str('withdrawn') === '1' : bad('withdrawn');
  const status = str('status');
  if (status) {
    if (!municipal(req)) throw new Forbidden();
    if (['open', 'lost', 'received', 'unmatched'].includes(status)) f.status = status as 'open'; else bad('status');
  }
  if (Object.keys(fields).length) throw new Invalid(fields);
  return f;
}

async function sendList(ctx: AppContext, req: Request, res: Response, f: ReferralListFilter): Promise<void> {
  const onDay = today();
  const { total, rows } = await listReferrals(ctx.db, userOf(req).scope, f, onDay);
  await auditRead(ctx, req, rows);
  res.json({ total, page: f.page ?? 1, page_size: 50, items: rows.map((r) => referralJson(r, ctx.config.cprKey, municipal(req), onDay)) });
}

/** The indicator results' file conventions for the pN_ columns: CSV 4 decimals, booleans 1/0 (XLSX unrounded). */
function downloadRow(row: Record<string, unknown>, format: 'csv' | 'xlsx'): Record<string, unknown> {
  const out: Record<string, unknown> = { ...row };
  for (const [k, v] of Object.entries(row)) {
    if (/^p\d_few_data$/.test(k)) out[k] = v ? 1 : 0;
    else if (format === 'csv' && /^p\d_(value|ci_low|ci_high)$/.test(k) && v !== null) out[k] = fixed4(v as number);
  }
  return out;
}

export function pathwayApi(ctx: AppContext): Router {
  const r = Router();
  const read = requireAny(ctx, 'referrals.read', 'referrals.submit');
  r.get('/api/v1/hospitals', async (req, res) => {
    if (!req.user) throw new Unauthenticated();
    res.json({ items: (await hospitals(ctx.db)).map(({ source: _s, ...h }) => h) });
  });
  r.post('/api/v1/referrals', requireAny(ctx, 'referrals.submit'), async (req, res) => {
    const result = await submitReferral(ctxOf(ctx, req), bodyOf(req));
    const referral = result.id === null ? null : referralJson(await oneInReach(ctx, req, result.id), ctx.config.cprKey, false);
    res.status(result.action === 'create' || (result.action === 'withdraw' && referral?.version === 1) ? 201 : 200)
      .json({ action: result.action, referral, warnings: result.warnings });
  });
  r.post('/api/v1/referral-imports', requireAny(ctx, 'referrals.submit'), async (req, res) => {
    if (!req.is('text/csv')) throw new UnsupportedMediaType();
    const dryRun = queryFlag(req, 'dry_run');
    refuseDeclaredTooLarge(req, ctx.config.maxUploadBytes);
    const report = await importReferrals(ctxOf(ctx, req), actorOf(req), req, ctx.config.maxUploadBytes, dryRun);
    res.status(!dryRun && report.errors.length > 0 ? 400 : 200).json(report);
  });
  r.get('/api/v1/referrals', read, async (req, res) => sendList(ctx, req, res, listFilter(req, req.query as Record<string, unknown>)));
  r.post('/api/v1/referrals/search', read, async (req, res) => {
    const body = bodyOf(req);
    const f = listFilter(req, {});
    f.withdrawn = true;
    if (typeof body.cpr === 'string' && normaliseCpr(body.cpr)) f.cprHash = cprLookupHash(ctx.config.cprKey, normaliseCpr(body.cpr)!);
    else if (typeof body.referral_id === 'string' && body.referral_id !== '') f.referralId = body.referral_id;
    else throw new Invalid({ cpr: t(req.lang, 'pathway.errors.bad_filter') });
    await sendList(ctx, req, res, f);
  });
  r.get('/api/v1/referrals/:id', numericId, read, async (req, res) => {
    const row = await oneInReach(ctx, req, Number(req.params.id));
    await auditRead(ctx, req, [row]);
    res.json(referralJson(row, ctx.config.cprKey, municipal(req), today()));
  });
  r.post('/api/v1/referrals/:id/withdraw', numericId, requireAny(ctx, 'referrals.submit'), async (req, res) => {
    const body = bodyOf(req);
    const id = await withdrawReferral(ctxOf(ctx, req), Number(req.params.id), body.reason, body.version);
    res.json(referralJson(await oneInReach(ctx, req, id), ctx.config.cprKey, false));
  });
  r.get('/api/v1/pathway', requireAccess(ctx, 'pathway.read'), async (req, res) => {
    const q = parsePathwayQuery(req.query as Record<string, unknown>);
    res.json({ as_of: q.asOf, lost_after_days: LOST_AFTER_DAYS, results: await pathwayRows(ctx.db, userOf(req), q) });
  });
  for (const format of ['csv', 'xlsx'] as const) {
    r.get(`/api/v1/pathway.${format}`, requireAccess(ctx, 'pathway.read'), async (req, res) => {
      const q = parsePathwayQuery(req.query as Record<string, unknown>);
      const rows = (await pathwayRows(ctx.db, userOf(req), q)).map((row) => downloadRow(row, format));
      await sendDownload(res, format, `forloeb-${q.period.code}`, rows, PATHWAY_COLUMNS);
    });
  }
  return r;
}

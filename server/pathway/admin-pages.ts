import { Router, type Request, type Response } from 'express';
import { actorOf } from '../audit/record';
import { requireAccess } from '../access';
import {
  addHospital, deactivateHospital, hospital, hospitals, municipalityCoverage, recodeHospital, regionsAndClusters, setHospital,
  setRegisteringSince, SOR_STATUSES, type SorStatus,
} from '../geography';
import type { AppContext } from '../http/context';
import { Invalid, NotFound } from '../http/errors';
import { formErrorView, typedValues } from '../http/forms';
import { setFlash } from '../http/render';
import { t, type Lang } from '../i18n';
import { formatDateDanish, isIsoDate } from '../time';

/**
 * Administration (pathway.md §1, admin with scope DK): *Hospitalsafdelinger* (list, add, edit, deactivate, recode, as
 * the CLI `hospital` does) and *Kommuners registrering* (`registering_since`). Every change goes through
 * geography/hospitals.ts, which audits it. Bad input re-renders the form with what was typed and a Danish message.
 */

export const HOSPITALS_PATH = '/admin/hospitalsafdelinger';
export const REGISTERING_PATH = '/admin/kommuner';

/** Field errors of geography/hospitals.ts (codes such as `sor_code_taken`) as the page's messages. */
function errorsOf(err: Invalid, lang: Lang): { field: string; message: string }[] {
  return Object.entries(err.fields).map(([field, code]) => ({ field: field === 'sor_code' && code === 'sor_code_taken' ? 'sor_code' : field,
    message: t(lang, `pathway.admin.err_${code}`) }));
}

const statusChoices = (lang: Lang, selected?: string) =>
  SOR_STATUSES.map((s) => ({ code: s, label: t(lang, `pathway.admin.status_${s}`), selected: s === selected }));

async function renderList(ctx: AppContext, req: Request, res: Response, status = 200, form: Record<string, unknown> = {}): Promise<void> {
  const lang = req.lang;
  const geo = await regionsAndClusters(ctx.db);
  const values = (form.values ?? {}) as Record<string, string>;
  res.status(status).render('pathway/admin-hospitals', {
    title: t(lang, 'pathway.admin.hospitals_title'), ...form, values,
    rows: (await hospitals(ctx.db)).map((h) => ({ ...h, status: t(lang, `pathway.admin.status_${h.sor_status}`),
      region: geo.regions.find((r) => r.code === h.region_code)?.name ?? h.region_code,
      cluster: geo.clusters.find((c) => c.code === h.cluster_code)?.name ?? '' })),
    regions: geo.regions.map((r) => ({ ...r, selected: r.code === values.region_code })),
    clusters: geo.clusters.map((c) => ({ ...c, selected: c.code === values.cluster_code })),
    statuses: statusChoices(lang, values.sor_status),
  });
}

async function renderEdit(ctx: AppContext, req: Request, res: Response, status = 200, form: Record<string, unknown> = {}): Promise<void> {
  const h = await hospital(ctx.db, String(req.params.sor));
  if (!h) throw new NotFound({ entity: 'hospital', entityId: String(req.params.sor) });
  const values = { name: h.name, source: h.source ?? '', sor_status: h.sor_status, ...((form.values ?? {}) as Record<string, string>) };
  res.status(status).render('pathway/admin-hospital', { title: `${t(req.lang, 'pathway.admin.hospitals_title')}: ${h.sor_code}`,
    ...form, hospital: h, values, statuses: statusChoices(req.lang, values.sor_status) });
}

/** Run a change; on Invalid re-render with the typed values and field messages (400). */
async function attempt(req: Request, res: Response, change: () => Promise<void>, flash: string, to: string,
  again: (status: number, form: Record<string, unknown>) => Promise<void>): Promise<void> {
  try {
    await change();
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    return again(400, { ...formErrorView(errorsOf(err, req.lang)), values: typedValues(req.body) });
  }
  setFlash(res, flash);
  res.redirect(303, to);
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v.trim() : undefined);

/** The administration routes (all behind `hospitals.admin`: 401, then 403 for anyone but an admin with scope DK). */
export function pathwayAdminPages(ctx: AppContext): Router {
  const r = Router();
  const gate = requireAccess(ctx, 'hospitals.admin');
  r.get(HOSPITALS_PATH, gate, (req, res) => renderList(ctx, req, res));
  r.post(HOSPITALS_PATH, gate, (req, res) => attempt(req, res, async () => {
    await addHospital(ctx.db, actorOf(req), { sor_code: text(req.body?.sor_code) ?? '', name: text(req.body?.name) ?? '',
      region_code: text(req.body?.region_code) ?? '', cluster_code: text(req.body?.cluster_code) || null,
      sor_status: (text(req.body?.sor_status) || undefined) as SorStatus | undefined, source: text(req.body?.source) || null });
  }, 'pathway.admin.saved', HOSPITALS_PATH, (s, f) => renderList(ctx, req, res, s, f)));
  r.get(`${HOSPITALS_PATH}/:sor`, gate, (req, res) => renderEdit(ctx, req, res));
  r.post(`${HOSPITALS_PATH}/:sor`, gate, (req, res) => attempt(req, res, async () => {
    await setHospital(ctx.db, actorOf(req), String(req.params.sor), { name: text(req.body?.name) ?? '',
      sor_status: (text(req.body?.sor_status) ?? '') as SorStatus, source: text(req.body?.source) || null });
  }, 'pathway.admin.saved', HOSPITALS_PATH, (s, f) => renderEdit(ctx, req, res, s, f)));
  r.post(`${HOSPITALS_PATH}/:sor/deaktiver`, gate, (req, res) => attempt(req, res,
    () => deactivateHospital(ctx.db, actorOf(req), String(req.params.sor)), 'pathway.admin.deactivated', HOSPITALS_PATH,
    (s, f) => renderEdit(ctx, req, res, s, f)));
  r.post(`${HOSPITALS_PATH}/:sor/omkod`, gate, (req, res) => attempt(req, res, async () => {
    await recodeHospital(ctx.db, actorOf(req), String(req.params.sor), text(req.body?.to) ?? '');
  }, 'pathway.admin.recoded', HOSPITALS_PATH, async (s, f) => renderEdit(ctx, req, res, s,
    { ...f, recodeError: (f.fieldErrors as Record<string, string>).sor_code, values: {}, recodeTo: text(req.body?.to) })));
  r.get(REGISTERING_PATH, gate, (req, res) => renderRegistering(ctx, req, res));
  r.post(`${REGISTERING_PATH}/:code`, gate, async (req, res) => {
    const typed = text(req.body?.registering_since) ?? '';
    const since = parseDate(typed);
    if (since === undefined) {
      return renderRegistering(ctx, req, res, 400, { failed: String(req.params.code), typed, error: t(req.lang, 'pathway.admin.err_date') });
    }
    await setRegisteringSince(ctx.db, actorOf(req), String(req.params.code), since);
    setFlash(res, 'pathway.admin.registering_saved');
    res.redirect(303, REGISTERING_PATH);
  });
  return r;
}

/** dd.mm.åååå or åååå-mm-dd → ISO date; "" → null (not registering); anything else → undefined. */
export function parseDate(s: string): string | null | undefined {
  if (s === '') return null;
  const dk = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  const iso = dk ? `${dk[3]}-${dk[2].padStart(2, '0')}-${dk[1].padStart(2, '0')}` : s;
  return isIsoDate(iso) ? iso : undefined;
}

async function renderRegistering(ctx: AppContext, req: Request, res: Response, status = 200,
  failure?: { failed: string; typed: string; error: string }): Promise<void> {
  const rows = (await municipalityCoverage(ctx.db)).map((m) => ({ ...m,
    value: failure?.failed === m.code ? failure.typed : formatDateDanish(m.registering_since),
    error: failure?.failed === m.code ? failure.error : undefined,
    label: t(req.lang, 'pathway.admin.since_label', { name: m.name }) }));
  res.status(status).render('pathway/admin-registering', { title: t(req.lang, 'pathway.admin.registering_title'), rows,
    errorSummary: failure ? [{ href: `#since-${failure.failed}`, message: failure.error }] : [] });
}

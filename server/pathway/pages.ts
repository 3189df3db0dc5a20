import { Router, type Request } from 'express';
import { can, type CurrentUser, requireAccess, userOf } from '../access';
import { actorOf, recordAudit } from '../audit/record';
import { codeLabel, codesOf } from '../courses';
import type { AppContext } from '../http/context';
import { Invalid, NotFound } from '../http/errors';
import { t } from '../i18n';
import { daysBetween, formatDateDanish, today } from '../time';
import { hospitals } from '../geography';
import { isoDate, listReferrals, OVERDUE_FROM_DAY, referralsInReach, REFERRAL_PAGE_SIZE, type ReferralRow } from './referral-queries';
import { decryptCpr } from '../patients';
import { hospitalPages } from './hospital-pages';
import { renderPathwayPage } from './pathway-page';
import { pathwayAdminPages } from './admin-pages';

/** Henvisninger uden forløb (pathway.md §6): the municipality's counted referrals without a course, oldest first. */

/** Lost from day 31 (N = 30 days, §5). */
export const LOST_FROM_DAY = 31;

const showCpr = (cpr: string) => `${cpr.slice(0, 6)}-${cpr.slice(6)}`;

function filters(req: Request): { sorCode?: string; diagnosisGroup?: string; page: number } {
  const s = (k: string) => (typeof req.query[k] === 'string' && req.query[k] !== '' ? String(req.query[k]) : undefined);
  const page = s('side') ?? '1';
  if (!/^[1-9]\d{0,5}$/.test(page)) throw new Invalid({ side: t(req.lang, 'pathway.errors.bad_filter') });
  const dg = s('diagnosis_group');
  if (dg && !codesOf('diagnosis_group').includes(dg)) throw new Invalid({ diagnosis_group: t(req.lang, 'pathway.errors.bad_filter') });
  return { sorCode: s('sor_code'), diagnosisGroup: dg, page: Number(page) };
}

export function pathwayPages(ctx: AppContext): Router {
  const r = Router();
  r.use(hospitalPages(ctx));
  r.use(pathwayAdminPages(ctx));
  r.get('/henvisninger-uden-forloeb', requireAccess(ctx, 'referrals.read'), async (req, res) => {
    const lang = req.lang;
    const f = filters(req);
    const on = today();
    const { total, rows } = await listReferrals(ctx.db, userOf(req).scope, { status: 'unmatched', order: 'oldest', page: f.page, sorCode: f.sorCode, diagnosisGroup: f.diagnosisGroup }, on);
    await recordAudit(ctx.db, actorOf(req), ...rows.map((x) => ({ action: 'referral_read', entity: 'referral', entityId: x.id,
      municipalityCode: x.municipality_code, recordScope: x.sor_code, detail: { patient_key: x.cpr_hash } })));
    const mayCreate = can(userOf(req), 'courses.write');
    res.render('pathway/unmatched', {
      title: t(lang, 'pathway.pages.unmatched_title'), total, mayCreate,
      departments: (await hospitals(ctx.db)).map((h) => ({ code: h.sor_code, name: h.name, selected: h.sor_code === f.sorCode })),
      groups: codesOf('diagnosis_group').map((c) => ({ code: c, label: codeLabel('diagnosis_group', c, lang), selected: c === f.diagnosisGroup })),
      rows: rows.map((x) => rowView(x, on, ctx.config.cprKey, lang)),
      next: f.page * REFERRAL_PAGE_SIZE < total ? f.page + 1 : null, prev: f.page > 1 ? f.page - 1 : null,
    });
  });
  r.get('/forloebsvej', requireAccess(ctx, 'pathway.read'), (req, res) => renderPathwayPage(ctx, req, res));
  return r;
}

function rowView(x: ReferralRow, on: string, cprKey: Buffer, lang: Request['lang']) {
  const cpr = decryptCpr(cprKey, x.cpr_enc);
  const date = isoDate(x.referral_date)!;
  const days = daysBetween(date, on);
  return {
    id: x.id, cpr: showCpr(cpr), birth: `${cpr.slice(0, 2)}.${cpr.slice(2, 4)}.`, department: x.hospital_name,
    referral_date: formatDateDanish(date), discharge_date: formatDateDanish(isoDate(x.discharge_date)),
    diagnosis_group: codeLabel('diagnosis_group', x.diagnosis_group, lang), days,
    lost: days >= LOST_FROM_DAY, overdue: days >= OVERDUE_FROM_DAY && days < LOST_FROM_DAY,
  };
}

/**
 * The Henvisning values of a referral in the user's municipality for *Opret forløb* (pathway.md §6): audited as a
 * read; 404 (audited) out of reach.
 */
export async function referralPrefill(ctx: AppContext, req: Request, id: number): Promise<Record<string, string>> {
  const row = await referralsInReach(ctx.db, userOf(req).scope).where('referrals.id', id).where('referrals.withdrawn', false).first() as ReferralRow | undefined;
  if (!row) throw new NotFound({ entity: 'referral', entityId: id });
  await recordAudit(ctx.db, actorOf(req), { action: 'referral_read', entity: 'referral', entityId: id, municipalityCode: row.municipality_code,
    recordScope: row.sor_code, detail: { patient_key: row.cpr_hash, purpose: 'course_prefill' } });
  const out: Record<string, string> = {
    cpr: showCpr(decryptCpr(ctx.config.cprKey, row.cpr_enc)), referral_date: formatDateDanish(isoDate(row.referral_date)),
    referral_source: 'hospital', diagnosis_group: row.diagnosis_group,
  };
  if (row.ihd_treatment) out.ihd_treatment = row.ihd_treatment;
  if (row.icd10) out.icd10 = row.icd10;
  if (row.discharge_date) out.discharge_date = formatDateDanish(isoDate(row.discharge_date));
  return out;
}

import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../../http/context';
import { Conflict } from '../../http/errors';
import { formErrorView } from '../../http/forms';
import { setFlash } from '../../http/render';
import { t } from '../../i18n';
import { birthDateFromCpr, cprIssue, normaliseCpr, sexFromCpr } from '../../patients';
import { sectionFields, sectionInput } from '../form-view';
import { issueMessage, parseCourseInput } from '../schemas';
import { CourseValidationError, createCourse, listCourses, type CourseRecord } from '../service';
import { courseScope, showCpr, stateBadge } from './scope';
import { referralPrefill } from '../../pathway/pages';
import { renderRefusal } from '../../http/refusal';

interface Step2 { typed: Record<string, string>; errors: Record<string, string>; known: CourseRecord[]; alert?: string }

function renderStep1(req: Request, res: Response, status: number, cpr: string, error?: string) {
  res.status(status).render('courses/new', {
    title: t(req.lang, 'courses.pages.new_title'), step1: true, cpr,
    ...formErrorView(error ? [{ field: 'cpr', message: error }] : []),
  });
}

function renderStep2(req: Request, res: Response, status: number, s: Step2) {
  const lang = req.lang;
  const cpr = normaliseCpr(s.typed.cpr);
  const fields = sectionFields('henvisning', { stored: {}, typed: s.typed, errors: s.errors, lang });
  const cprField = fields.find((f) => f.name === 'cpr')!;
  cprField.hint = t(lang, 'courses.pages.hints.cpr_new');
  const sex = sexFromCpr(cpr);
  res.status(status).render('courses/new', {
    title: t(lang, 'courses.pages.new_title'), step2: true, fields, alert: s.alert,
    derived: cpr && birthDateFromCpr(cpr) && sex ? { birth_date: birthDateFromCpr(cpr), sex: t(lang, `courses.sex_values.${sex}`) } : undefined,
    known: s.known.map((r) => ({ id: r.id, referral_date: r.referral_date, state: stateBadge(r.state, r.annulled, lang) })),
    knownCount: s.known.length,
    ...formErrorView(Object.entries(s.errors).map(([field, message]) => ({ field: field === '_' ? 'cpr' : field, message }))),
  });
}

/**
 * GET /forloeb/nyt: step 1, the CPR number; with `?henvisning=<id>` step 2 pre-filled from that hospital referral
 * (pathway.md §6: all editable, nothing stored until saved).
 */
export function newCoursePage(ctx?: AppContext): RequestHandler {
  return async (req, res) => {
    const ref = typeof req.query.henvisning === 'string' ? req.query.henvisning : '';
    if (!ctx || !/^[1-9]\d{0,9}$/.test(ref)) return renderStep1(req, res, 200, '');
    const typed = await referralPrefill(ctx, req, Number(ref));
    renderStep2(req, res, 200, { typed, errors: {}, known: await knownCourses(ctx, req, normaliseCpr(typed.cpr)) });
  };
}

/** The courses of the municipality's patient with this CPR number (found by keyed hash; the service audits it). */
async function knownCourses(ctx: AppContext, req: Request, cpr: string | null): Promise<CourseRecord[]> {
  return cpr ? (await listCourses(courseScope(ctx, req), { cpr })).items : [];
}

async function cprStep(ctx: AppContext, req: Request, res: Response, rawCpr: string) {
  const cpr = normaliseCpr(rawCpr);
  const code = cpr ? cprIssue(cpr) : /^\d{9}$/.test(rawCpr.trim()) ? 'cpr_length' : 'cpr_format';
  if (code) {
    const params = code === 'cpr_length' ? { length: rawCpr.trim().length } : undefined;
    return renderStep1(req, res, 400, rawCpr, issueMessage({ variable: 'cpr', code, params }, req.lang));
  }
  const known = await knownCourses(ctx, req, cpr);
  const typed: Record<string, string> = { cpr: showCpr(cpr) };
  const name = known.find((r) => r.patient_name)?.patient_name;
  if (typeof name === 'string') typed.patient_name = name;
  renderStep2(req, res, 200, { typed, errors: {}, known });
}

/** POST /forloeb/nyt: step=cpr shows the referral form for that CPR; otherwise the course is created. */
export function createCoursePage(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.step === 'cpr') return cprStep(ctx, req, res, typeof body.cpr === 'string' ? body.cpr : '');
    const typed = sectionInput('henvisning', body);
    const parsed = parseCourseInput(typed, 'form');
    const done = await renderRefusal(() => createCourse(courseScope(ctx, req), parsed.values, { inputIssues: parsed.issues }),
      async (err) => {
        const known = await knownCourses(ctx, req, normaliseCpr(typed.cpr));
        const alert = err instanceof Conflict ? err.message : undefined;
        return renderStep2(req, res, err.status, { typed, errors: err.fields, known, alert });
      }, [CourseValidationError, Conflict]);
    if (done.refused) return;
    const record = done.value;
    setFlash(res, 'courses.pages.created');
    res.redirect(303, `/forloeb/${record.id}`);
  };
}

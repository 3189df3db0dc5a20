import type { Request, RequestHandler, Response } from 'express';
import { can } from '../../auth/access';
import type { AppContext } from '../../http/context';
import { t, type Lang } from '../../i18n';
import { today } from '../../time';
import { codeLabel, codeOptions } from '../code-lists';
import { COURSE_STATES, type CourseState } from '../completeness';
import { normaliseCpr } from '../cpr';
import { label } from '../schemas';
import { listCourses, worklist, type CourseListFilter, type CourseRecord } from '../service';
import { courseScope, showCpr, stateBadge } from './scope';

interface ListForm { q: string; state: string; year: string; diagnosis_group: string; page: number }

function listForm(source: Record<string, unknown>, withSearch: boolean): ListForm {
  const s = (k: string) => (typeof source[k] === 'string' ? (source[k] as string).trim() : '');
  const page = /^\d{1,6}$/.test(s('page')) ? Math.max(1, Number(s('page'))) : 1;
  return { q: withSearch ? s('q') : '', state: s('state'), year: s('year'), diagnosis_group: s('diagnosis_group'), page };
}

/** The service filter of a list form; unknown filter values are ignored rather than refused. */
function filterOf(f: ListForm): CourseListFilter {
  const filter: CourseListFilter = { page: f.page };
  if ((COURSE_STATES as readonly string[]).includes(f.state)) filter.state = f.state as CourseState;
  if (/^\d{4}$/.test(f.year)) filter.year = Number(f.year);
  if (codeOptions('diagnosis_group', 'da').some((o) => o.code === f.diagnosis_group)) filter.diagnosis_group = f.diagnosis_group;
  const cpr = normaliseCpr(f.q);
  if (cpr) filter.cpr = cpr;
  else if (f.q) filter.q = f.q;
  return filter;
}

function row(r: CourseRecord, lang: Lang) {
  return {
    id: r.id, cpr: showCpr(r.cpr), name: r.patient_name ?? '', referral_date: r.referral_date,
    diagnosis: codeLabel('diagnosis_group', String(r.diagnosis_group), lang),
    state: stateBadge(r.state, r.annulled, lang), complete: r.complete,
  };
}

function choices(f: ListForm, lang: Lang) {
  const thisYear = Number(today().slice(0, 4));
  const years = Array.from({ length: thisYear - 2009 }, (_, i) => String(thisYear - i));
  return {
    states: COURSE_STATES.map((s) => ({ code: s, label: t(lang, `courses.states.${s}`), selected: s === f.state })),
    years: years.map((y) => ({ code: y, label: y, selected: y === f.year })),
    diagnoses: codeOptions('diagnosis_group', lang).map((o) => ({ ...o, selected: o.code === f.diagnosis_group })),
  };
}

/** Pages to offer around the current one (the buttons submit the search form, so a search stays out of the URL). */
function pagesAround(page: number, pages: number): { page: number; current: boolean }[] {
  const from = Math.max(1, page - 3), to = Math.min(pages, page + 3);
  return Array.from({ length: to - from + 1 }, (_, i) => ({ page: from + i, current: from + i === page }));
}

async function renderList(ctx: AppContext, req: Request, res: Response, f: ListForm): Promise<void> {
  const lang = req.lang;
  const result = await listCourses(courseScope(ctx, req), filterOf(f));
  const pages = Math.max(1, Math.ceil(result.total / result.page_size));
  res.render('courses/list', {
    title: t(lang, 'courses.pages.list_title'), form: f, ...choices(f, lang),
    rows: result.items.map((r) => row(r, lang)), total: result.total, page: result.page, pages,
    pageLinks: pagesAround(result.page, pages), prev: result.page > 1 ? result.page - 1 : null,
    next: result.page < pages ? result.page + 1 : null, canWrite: can(req.user, 'courses.write'),
  });
}

/** GET /forloeb: filters from the query string (never a search: CPR numbers do not go into URLs). */
export function listPage(ctx: AppContext): RequestHandler {
  return (req, res) => renderList(ctx, req, res, listForm(req.query as Record<string, unknown>, false));
}

/** POST /forloeb: the search form (CPR, name or course id) with its filters and page. */
export function searchPage(ctx: AppContext): RequestHandler {
  return (req, res) => renderList(ctx, req, res, listForm(req.body ?? {}, true));
}

/** GET /arbejdsliste: incomplete courses, oldest referral first, the missing variables by label. */
export function worklistPage(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const lang = req.lang;
    const items = await worklist(courseScope(ctx, req));
    res.render('courses/worklist', {
      title: t(lang, 'courses.pages.worklist_title'),
      rows: items.map((r) => ({
        ...row(r, lang), days: r.days_since_referral, overdue: r.overdue,
        missing: r.missing.map((v) => label(v, lang)),
      })),
    });
  };
}

import type { Request, RequestHandler, Response } from 'express';
import { can } from '../../access';
import type { AppContext } from '../../http/context';
import { t, type Lang } from '../../i18n';
import { today } from '../../time';
import { codeLabel, codeOptions } from '../code-lists';
import { COURSE_STATES, type CourseState } from '../completeness';
import { normaliseCpr } from '../../patients';
import { label } from '../schemas';
import { listCourses, worklist, type CourseListFilter, type CourseRecord, type WorklistFilter } from '../service';
import { isVariableName, VARIABLE, VARIABLE_NAMES, type VariableName } from '../variables';
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

/** The worklist's filters from the query string (no patient data in them); unknown values are ignored. */
function worklistForm(query: Record<string, unknown>) {
  const s = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim() : '');
  const filter: WorklistFilter = { page: /^\d{1,6}$/.test(s('page')) ? Math.max(1, Number(s('page'))) : 1 };
  if ((COURSE_STATES as readonly string[]).includes(s('state'))) filter.state = s('state') as CourseState;
  if (isVariableName(s('missing')) && VARIABLE[s('missing') as VariableName].required) filter.missing = s('missing') as VariableName;
  if (s('overdue') === '1') filter.overdue = true;
  return filter;
}

function worklistChoices(f: WorklistFilter, lang: Lang) {
  return {
    states: COURSE_STATES.map((s) => ({ code: s, label: t(lang, `courses.states.${s}`), selected: s === f.state })),
    variables: VARIABLE_NAMES.filter((v) => VARIABLE[v].required && v !== 'municipality_code')
      .map((v) => ({ code: v, label: label(v, lang), selected: v === f.missing })),
  };
}

/** The query string of a worklist page with these filters. */
function worklistHref(f: WorklistFilter, page: number): string {
  const q = new URLSearchParams();
  if (f.state) q.set('state', f.state);
  if (f.missing) q.set('missing', f.missing);
  if (f.overdue) q.set('overdue', '1');
  if (page > 1) q.set('page', String(page));
  const s = q.toString();
  return '/arbejdsliste' + (s ? '?' + s : '');
}

/** GET /arbejdsliste: incomplete courses, overdue referrals first, 50 a page, filtered by state and missing variable. */
export function worklistPage(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const lang = req.lang;
    const f = worklistForm(req.query as Record<string, unknown>);
    const result = await worklist(courseScope(ctx, req), f);
    const pages = Math.max(1, Math.ceil(result.total / result.page_size));
    res.render('courses/worklist', {
      title: t(lang, 'courses.pages.worklist_title'), form: f, ...worklistChoices(f, lang),
      filtered: !!(f.state || f.missing || f.overdue), total: result.total, page: result.page, pages,
      pageLinks: pagesAround(result.page, pages).map((p) => ({ ...p, href: worklistHref(f, p.page) })),
      prev: result.page > 1 ? worklistHref(f, result.page - 1) : null,
      next: result.page < pages ? worklistHref(f, result.page + 1) : null,
      rows: result.items.map((r) => ({
        ...row(r, lang), days: r.days_since_referral, overdue: r.overdue,
        missing: r.missing.map((v) => label(v, lang)),
      })),
    });
  };
}

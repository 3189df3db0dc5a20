import { Router, type NextFunction, type Request, type Response } from 'express';
import { actorOf } from '../audit/record';
import { requireAccess, userOf } from '../access';
import type { AppContext } from '../http/context';
import { Conflict, Invalid } from '../http/errors';
import { t } from '../i18n';
import { codesOf } from './code-lists';
import { COURSE_STATES, type CourseState } from './completeness';
import { parseVersion } from './rules/parse';
import { parseCourseInput, type Issue } from './schemas';
import { courseJson, type CourseRecord } from './serialize';
import {
  annulCourse, courseIssueMessage, createCourse, getCourse, listCourses, updateCourse,
  type CourseListFilter, type CourseScope,
} from './service';

/** /api/v1/courses (formats.md "JSON API"): the same service as the pages, JSON in and out. */

/** The service's view of a request that passed requireAccess. */
export function courseScopeOf(ctx: AppContext, req: Request): CourseScope {
  return { db: ctx.db, cprKey: ctx.config.cprKey, user: userOf(req), actor: actorOf(req), lang: req.lang };
}

/** /api/v1/courses/:id only for numeric ids; anything else falls through (to a 404, or another feature's route). */
function numericId(req: Request, _res: Response, next: NextFunction): void {
  next(/^[1-9]\d{0,9}$/.test(String(req.params.id)) && Number(req.params.id) <= 2147483647 ? undefined : 'route');
}

function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body ?? {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new Invalid({}, t(req.lang, 'errors.bad_request'));
  return body as Record<string, unknown>;
}

const DIAGNOSIS_GROUPS = codesOf('diagnosis_group');

/** List filters from a query string or a search body; a bad value is a 400 at its name. */
function listFilter(src: Record<string, unknown>, lang: Request['lang']): CourseListFilter {
  const fields: Record<string, string> = {};
  const bad = (name: string, code: Issue['code'], params?: Issue['params']) => {
    fields[name] = courseIssueMessage({ variable: name, code, params }, lang);
  };
  const text = (name: string): string | undefined => {
    const v = src[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') { bad(name, 'invalid_format'); return undefined; }
    return String(v).trim();
  };
  const f: CourseListFilter = {};
  const state = text('state');
  if (state !== undefined) {
    if ((COURSE_STATES as readonly string[]).includes(state)) f.state = state as CourseState;
    else bad('state', 'invalid_code', { got: state, allowed: COURSE_STATES.join(', ') });
  }
  const group = text('diagnosis_group');
  if (group !== undefined) {
    if (DIAGNOSIS_GROUPS.includes(group)) f.diagnosis_group = group;
    else bad('diagnosis_group', 'invalid_code', { got: group, allowed: DIAGNOSIS_GROUPS.join(', ') });
  }
  const year = text('year');
  if (year !== undefined) {
    if (/^\d{4}$/.test(year)) f.year = Number(year);
    else bad('year', 'invalid_number');
  }
  const page = text('page');
  if (page !== undefined) {
    if (/^\d{1,6}$/.test(page) && Number(page) > 0) f.page = Number(page);
    else bad('page', 'invalid_number');
  }
  if (Object.keys(fields).length) throw new Invalid(fields);
  return f;
}

async function listJson(cs: CourseScope, f: CourseListFilter) {
  const list = await listCourses(cs, f);
  return { items: list.items.map((r) => courseJson(r, cs.lang)), page: list.page, page_size: list.page_size, total: list.total };
}

/** A version conflict carries the stored course in the API's JSON shape. */
async function withJsonConflict(lang: Request['lang'], work: () => Promise<CourseRecord>): Promise<Record<string, unknown>> {
  try {
    return courseJson(await work(), lang);
  } catch (err) {
    if (err instanceof Conflict && err.code === 'version_conflict' && err.current) {
      throw new Conflict('version_conflict', err.message, err.fields, courseJson(err.current as CourseRecord, lang));
    }
    throw err;
  }
}

export function coursesApi(ctx: AppContext): Router {
  const router = Router();
  const read = requireAccess(ctx, 'courses.read');
  const write = requireAccess(ctx, 'courses.write');

  router.get('/api/v1/courses', read, async (req, res) => {
    const inUrl = ['cpr', 'q'].filter((k) => k in req.query);
    if (inUrl.length) throw new Invalid(Object.fromEntries(inUrl.map((k) => [k, t(req.lang, 'courses.api.search_by_post')])));
    res.json(await listJson(courseScopeOf(ctx, req), listFilter(req.query as Record<string, unknown>, req.lang)));
  });

  router.post('/api/v1/courses/search', read, async (req, res) => {
    const body = bodyOf(req);
    const { cpr, q, ...rest } = body;
    const f = listFilter(rest, req.lang);
    if (typeof cpr === 'string' && cpr !== '' && (q === undefined || q === null)) {
      if (!/^\d{10}$/.test(cpr)) throw new Invalid({ cpr: courseIssueMessage({ variable: 'cpr', code: 'cpr_format' }, req.lang) });
      f.cpr = cpr;
    } else if (typeof q === 'string' && q.trim() !== '' && (cpr === undefined || cpr === null)) {
      f.q = q.trim();
    } else {
      throw new Invalid({ q: t(req.lang, 'courses.api.search_needs_one') });
    }
    res.json(await listJson(courseScopeOf(ctx, req), f));
  });

  router.post('/api/v1/courses', write, async (req, res) => {
    const parsed = parseCourseInput(bodyOf(req), 'json');
    const issues = [...parsed.issues];
    if ('version' in bodyOf(req)) issues.push({ variable: 'version', code: 'output_only', params: { name: 'version' } });
    const cs = courseScopeOf(ctx, req);
    res.status(201).json(courseJson(await createCourse(cs, parsed.values, { inputIssues: issues }), req.lang));
  });

  router.get('/api/v1/courses/:id', numericId, read, async (req, res) => {
    res.json(courseJson(await getCourse(courseScopeOf(ctx, req), Number(req.params.id)), req.lang));
  });

  router.patch('/api/v1/courses/:id', numericId, write, async (req, res) => {
    const parsed = parseCourseInput(bodyOf(req), 'json');
    const cs = courseScopeOf(ctx, req);
    res.json(await withJsonConflict(req.lang, () =>
      updateCourse(cs, Number(req.params.id), parsed.values, parsed.version, { inputIssues: parsed.issues })));
  });

  router.post('/api/v1/courses/:id/annul', numericId, write, async (req, res) => {
    const { reason, version, ...unknown } = bodyOf(req);
    const cs = courseScopeOf(ctx, req);
    const issues: Issue[] = Object.keys(unknown).map((name) => ({ variable: name, code: 'unknown_variable', params: { name } }));
    const v = version === undefined || version === null ? undefined : parseVersion(version, 'json');
    if (v === null) issues.push({ variable: 'version', code: 'invalid_number' });
    res.json(await withJsonConflict(req.lang, () =>
      annulCourse(cs, Number(req.params.id), typeof reason === 'string' ? reason : '', v ?? undefined, { inputIssues: issues })));
  });

  return router;
}

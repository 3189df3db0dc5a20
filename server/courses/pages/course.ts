import type { Request, RequestHandler, Response } from 'express';
import { can } from '../../access';
import type { AppContext } from '../../http/context';
import { Conflict, NotFound } from '../../http/errors';
import { setFlash } from '../../http/render';
import { sectionInput } from '../form-view';
import { parseCourseInput } from '../schemas';
import { CourseValidationError, getCourse, updateCourse, type CourseRecord } from '../service';
import { isVariableName, type CourseValues, type FormSection, type VariableName } from '../variables';
import { courseView, SECTIONS, type Refusal } from './course-view';
import { courseIdOf, courseScope } from './scope';
import { renderRefusal } from '../../http/refusal';
import { referralOrigin } from '../../pathway/origin';

function renderCourse(req: Request, res: Response, status: number, record: CourseRecord, refusal?: Refusal): void {
  res.status(status).render('courses/course', courseView(record, req.lang, can(req.user, 'courses.write'), refusal));
}

/** GET /forloeb/:id: the course page (the service audits the read). */
export function coursePage(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const record = await getCourse(courseScope(ctx, req), courseIdOf(req));
    res.locals.referralOrigin = await referralOrigin(ctx.db, record.id, req.lang); // pathway.md §6: "Henvist fra …"
    renderCourse(req, res, 200, record);
  };
}

function sectionOf(req: Request): FormSection {
  const s = String(req.params.section);
  if (!(SECTIONS as string[]).includes(s)) throw new NotFound();
  return s as FormSection;
}

function clearList(body: Record<string, unknown>): VariableName[] {
  const raw = typeof body.clear === 'string' ? body.clear : '';
  return raw.split(',').map((v) => v.trim()).filter(isVariableName);
}

/**
 * GET /forloeb/:id/<section>: a section's save address opened as a page (where login sends a form sent after the
 * session ended) leads to the section on the course page.
 */
export function sectionLink(): RequestHandler {
  return (req, res) => {
    const section = sectionOf(req);
    res.redirect(303, `/forloeb/${courseIdOf(req)}#${section}`);
  };
}

/** The values the form showed (its hidden `seen`, JSON), parsed like the section's input; absent when unreadable. */
function seenValues(section: FormSection, body: Record<string, unknown>): CourseValues | undefined {
  if (typeof body.seen !== 'string') return undefined;
  try {
    const raw: unknown = JSON.parse(body.seen);
    if (!raw || typeof raw !== 'object') return undefined;
    return parseCourseInput(sectionInput(section, raw as Record<string, unknown>), 'form').values;
  } catch {
    return undefined;
  }
}

/**
 * POST /forloeb/:id/<section>: save one section over `version`. A refusal shows the page again with everything
 * typed kept: 400 with the messages (and the values to clear), 409 with the stored version beside the user's.
 */
export function saveSection(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const cs = courseScope(ctx, req);
    const id = courseIdOf(req);
    const section = sectionOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed = sectionInput(section, body);
    const parsed = parseCourseInput({ ...typed, version: body.version }, 'form');
    const done = await renderRefusal(
      () => updateCourse(cs, id, parsed.values, parsed.version, { clear: clearList(body), inputIssues: parsed.issues, seen: seenValues(section, body) }),
      async (err) => {
        if (err instanceof CourseValidationError) {
          return renderCourse(req, res, 400, await getCourse(cs, id), { section, typed, errors: err.fields, inapplicable: err.inapplicable });
        }
        if (err.code === 'version_conflict' && err instanceof Conflict) {
          return renderCourse(req, res, 409, err.current as CourseRecord, { section, typed, errors: {}, conflict: true });
        }
        return renderCourse(req, res, 409, await getCourse(cs, id), { section, typed, errors: err.fields, alert: err.message });
      }, [CourseValidationError, Conflict]);
    if (done.refused) return;
    setFlash(res, 'courses.pages.saved');
    res.redirect(303, `/forloeb/${id}#${section}`);
  };
}

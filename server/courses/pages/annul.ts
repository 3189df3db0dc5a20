import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../../http/context';
import { Conflict, HttpError } from '../../http/errors';
import { formErrorView } from '../../http/forms';
import { setFlash } from '../../http/render';
import { t } from '../../i18n';
import { annulCourse, CourseValidationError, getCourse, type CourseRecord } from '../service';
import { courseIdOf, courseScope, showCpr } from './scope';
import { renderRefusal } from '../../http/refusal';

function renderAnnul(req: Request, res: Response, status: number, record: CourseRecord, reason: string, error?: string, alert?: string) {
  const lang = req.lang;
  res.status(status).render('courses/annul', {
    title: t(lang, 'courses.pages.annul_title', { id: record.id }),
    course: { id: record.id, version: record.version, cpr: showCpr(record.cpr), name: record.patient_name, annulled: record.annulled },
    reason, alert,
    ...formErrorView(error ? [{ field: 'reason', message: error }] : []),
  });
}

/** GET /forloeb/:id/annuller: the confirmation form. */
export function annulPage(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const record = await getCourse(courseScope(ctx, req), courseIdOf(req));
    renderAnnul(req, res, 200, record, '');
  };
}

/** POST /forloeb/:id/annuller: annul with a reason (the service audits it). */
export function annul(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const cs = courseScope(ctx, req);
    const id = courseIdOf(req);
    const reason = typeof req.body?.reason === 'string' ? req.body.reason : '';
    const version = /^\d+$/.test(String(req.body?.version ?? '')) ? Number(req.body.version) : null;
    const done = await renderRefusal(() => annulCourse(cs, id, reason, version), async (err) => {
      if (err instanceof CourseValidationError) {
        return renderAnnul(req, res, 400, await getCourse(cs, id), reason, t(req.lang, 'courses.pages.annul_reason_required'));
      }
      if (err instanceof Conflict && err.code === 'version_conflict') {
        return renderAnnul(req, res, 409, err.current as CourseRecord, reason, undefined, err.message);
      }
      if (err.status === 400) return renderAnnul(req, res, 400, await getCourse(cs, id), reason, undefined, err.message);
      throw err;
    }, HttpError);
    if (done.refused) return;
    setFlash(res, 'courses.pages.annulled_flash');
    res.redirect(303, `/forloeb/${id}`);
  };
}

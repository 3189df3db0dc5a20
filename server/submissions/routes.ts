import { Router, type Request, type Response } from 'express';
import { actorOf } from '../audit/record';
import { can, requireAccess, userOf } from '../access';
import { label } from '../courses';
import { codeAndName, geography } from '../geography';
import type { Lang } from '../i18n';
import { formatDateDanish } from '../time';
import type { AppContext } from '../http/context';
import { Conflict, NotFound } from '../http/errors';
import { invalidFields, renderRefusal } from '../http/refusal';
import { formErrorView, typedValues } from '../http/forms';
import { t } from '../i18n';
import { sendFile } from './api';
import { parseSubmissionRequest, readId, readPart, submittableScopes } from './schemas';
import { createSubmission, downloadPart, submissionLog, validateSubmission, type SubmissionInput } from './service';
import type { CourseReasons } from './validate';

/** A clerk reads "751 Aarhus", not "751". */
async function scopeLabeller(ctx: AppContext): Promise<(code: string) => string> {
  const geo = await geography(ctx.db);
  return (code) => codeAndName(geo, code);
}

/** Reasons with the variable's label beside its name, for the tables. */
function labelled(list: CourseReasons[], lang: Lang) {
  return list.map((c) => ({ ...c, reasons: c.reasons.map((r) => ({ ...r, label: r.variable ? label(r.variable, lang) : '' })) }));
}

/** Indberetning: choose period and scope → validation report → create → download; the log. */
export function submissionsRoutes(ctx: AppContext): Router {
  const r = Router();
  const gate = requireAccess(ctx, 'submissions');

  async function renderStart(req: Request, res: Response, status = 200, extra: Record<string, unknown> = {}) {
    const user = userOf(req);
    // The checksum may break in the middle, so the log fits a page without side-scrolling.
    const scopeLabel = await scopeLabeller(ctx);
    const items = (await submissionLog(ctx.db, ctx.config.cprKey, user.scope))
      .map((s) => ({ ...s, scope_label: scopeLabel(s.scope), sha_parts: s.sha256.match(/.{1,16}/g) }));
    const values = { scope: user.scope.code, ...typedValues(req.body) };
    const scopes = (await submittableScopes(ctx.db, user.scope)).map((code) => ({ code, label: scopeLabel(code), selected: code === values.scope }));
    res.status(status).render('submissions/index', { title: t(req.lang, 'submissions.title'), items, values, scopes, ...extra });
  }

  /** A form's period and scope, or the form again with the messages (400) — or the 404 of a foreign scope. */
  async function readForm(req: Request, res: Response): Promise<SubmissionInput | undefined> {
    const done = await renderRefusal(() => parseSubmissionRequest(ctx.db, userOf(req).scope, req.body ?? {}, 'form', req.lang),
      (err) => renderStart(req, res, 400, { ...formErrorView(invalidFields(err)) }));
    return done.refused ? undefined : done.value;
  }

  /** An overlapping submission (409): the start page again with the message. */
  const refuseOverlap = (req: Request, res: Response) => (err: Conflict) => renderStart(req, res, 409, { alert: err.message });

  r.get('/indberetning', gate, (req, res) => renderStart(req, res));

  r.post('/indberetning/kontrol', gate, async (req, res) => {
    const input = await readForm(req, res);
    if (!input) return;
    const done = await renderRefusal(() => validateSubmission(ctx.db, ctx.config.cprKey, actorOf(req), input, req.lang),
      refuseOverlap(req, res), Conflict);
    if (done.refused) return;
    const report = done.value;
    res.render('submissions/report', {
      title: t(req.lang, 'submissions.report_title'), input, scopeLabel: (await scopeLabeller(ctx))(input.scope.code),
      report: { ...report, excluded: labelled(report.excluded, req.lang), warnings: labelled(report.warnings, req.lang) },
      period: { from: formatDateDanish(input.from), to: formatDateDanish(input.to) },
      linkCourses: can(req.user, 'courses.read'),
    });
  });

  r.post('/indberetning', gate, async (req, res) => {
    const input = await readForm(req, res);
    if (!input) return;
    const done = await renderRefusal(
      () => createSubmission(ctx.db, ctx.config.cprKey, { ...actorOf(req), email: userOf(req).email }, input, new Date(), req.lang),
      refuseOverlap(req, res), Conflict);
    if (!done.refused) res.redirect(303, `/indberetning/${done.value.id}`);
  });

  r.get('/indberetning/:id', gate, async (req, res) => {
    const id = readId(req.params.id);
    const item = (await submissionLog(ctx.db, ctx.config.cprKey, userOf(req).scope)).find((s) => s.id === id);
    if (!item) throw new NotFound({ entity: 'submission', entityId: id });
    res.render('submissions/show', {
      title: t(req.lang, 'submissions.show_title', { id }),
      item: { ...item, scope_label: (await scopeLabeller(ctx))(item.scope), excluded: labelled(item.excluded, req.lang) },
      linkCourses: can(req.user, 'courses.read'),
    });
  });

  r.get('/indberetning/:id/fil/:part', gate, async (req, res) => {
    const file = await downloadPart(ctx.db, ctx.config.cprKey, actorOf(req), userOf(req).scope, readId(req.params.id), () => readPart(req.params.part, req.lang));
    sendFile(res, file);
  });

  return r;
}

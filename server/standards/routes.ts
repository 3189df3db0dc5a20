import { Router } from 'express';
import type { Request, Response } from 'express';
import { requireAccess, userOf } from '../access';
import { actorOf } from '../audit/record';
import type { AppContext } from '../http/context';
import { Forbidden } from '../http/errors';
import { FormError, formErrorView, typedValues } from '../http/forms';
import { invalidFields, renderRefusal } from '../http/refusal';
import { setFlash } from '../http/render';
import { t } from '../i18n';
import { FIELD_OF, formToInput } from './schemas';
import { changeStandard } from './service';
import { indicatorOptions, standardsView } from './view';

async function render(ctx: AppContext, req: Request, res: Response, status: number, values: Record<string, string>, errors: FormError[]) {
  res.status(status).render('standards/standards', {
    title: t(req.lang, 'indicators.pages.standards_title'),
    indicators: await standardsView(ctx.db, req.lang),
    mayChange: userOf(req).scope.kind === 'country',
    indicatorOptions: indicatorOptions(req.lang, values.indicator_id),
    values,
    ...formErrorView(errors),
  });
}

/** The form's messages: the threshold's in percent, as the form asks for it. */
function messages(req: Request, errors: FormError[]): FormError[] {
  return errors.map((e) => (e.field === 'threshold' ? { ...e, message: t(req.lang, 'admin.standards.threshold_invalid') } : e));
}

/** /admin/standarder: every admin reads the standards; only an admin with scope DK sets one (audited, old and new). */
export function standardsRoutes(ctx: AppContext): Router {
  const router = Router();
  const admin = requireAccess(ctx, 'admin');

  router.get('/admin/standarder', admin, async (req, res) => render(ctx, req, res, 200, {}, []));

  router.post('/admin/standarder', admin, async (req, res) => {
    if (userOf(req).scope.kind !== 'country') throw new Forbidden();
    const values = typedValues(req.body);
    const done = await renderRefusal(() => changeStandard(ctx.db, actorOf(req), formToInput(values), req.lang),
      (err) => render(ctx, req, res, 400, values, messages(req, invalidFields(err, FIELD_OF))));
    if (done.refused) return;
    setFlash(res, 'indicators.pages.standard_saved');
    res.redirect(303, '/admin/standarder');
  });
  return router;
}

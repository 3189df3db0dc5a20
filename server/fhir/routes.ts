import { Router } from 'express';
import { requireAccess } from '../access';
import type { AppContext } from '../http/context';
import { t } from '../i18n';
import { formatDateTimeDanish } from '../time';
import { lastBundles, sorList } from './queries';

/** Admin page: the SOR list and, per municipality, the last delivery report and its answer. */
export function fhirAdminRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get('/admin/omsorgsjournaler', requireAccess(ctx, 'admin'), async (req, res) => {
    const [bundles, sor] = await Promise.all([lastBundles(ctx.db), sorList(ctx.db)]);
    res.render('fhir/admin', {
      title: t(req.lang, 'fhir.admin.title'),
      bundles: bundles.map((b) => ({ ...b, received: formatDateTimeDanish(b.received_at) })),
      sor,
    });
  });
  return r;
}

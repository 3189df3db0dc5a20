import { indicatorScope } from '../auth/access';
import { Router } from 'express';
import type { Request } from 'express';
import { requireAccess } from '../auth/middleware';
import type { AppContext } from '../http/context';
import { Invalid } from '../http/errors';
import { userOf } from '../http/request';
import { t } from '../i18n';
import { isIndicatorId, IndicatorId } from '../indicators/definitions';
import { isPeriodCode } from '../indicators/periods';
import { computeResults, hideOutsideScope } from '../indicators/results';
import { findUnit, isUnitType, UnitType } from '../indicators/units';
import { insideScopeTest } from './selection';

interface ApiQuery { period: string; unitType: UnitType; unitCode?: string; indicatorId?: IndicatorId }

const one = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** period and unit_type required; unit_code (a unit of that type) and indicator_id optional; 400 names each bad one. */
async function parseApiQuery(ctx: AppContext, req: Request): Promise<ApiQuery> {
  const fields: Record<string, string> = {};
  const period = one(req.query.period);
  const unitType = one(req.query.unit_type);
  const unitCode = one(req.query.unit_code);
  const indicatorId = one(req.query.indicator_id);
  if (!isPeriodCode(period)) fields.period = t(req.lang, 'indicators.pages.invalid_period');
  if (!isUnitType(unitType)) fields.unit_type = t(req.lang, 'indicators.pages.invalid_unit_type');
  else if (req.query.unit_code !== undefined && (unitCode === undefined || !(await findUnit(ctx.db, unitType, unitCode)))) {
    fields.unit_code = t(req.lang, 'indicators.pages.invalid_unit_code');
  }
  if (req.query.indicator_id !== undefined && !isIndicatorId(indicatorId)) {
    fields.indicator_id = t(req.lang, 'indicators.pages.invalid_indicator_id');
  }
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
  return { period: period!, unitType: unitType as UnitType, unitCode, indicatorId: indicatorId as IndicatorId | undefined };
}

/** GET /api/v1/indicators: formats.md's result rows, unrounded, hidden outside the scope where "få data". */
export function indicatorsApi(ctx: AppContext): Router {
  const router = Router();
  router.get('/api/v1/indicators', requireAccess(ctx, 'indicators.read'), async (req, res) => {
    const q = await parseApiQuery(ctx, req);
    const rows = await computeResults(ctx.db, {
      period: q.period, unitType: q.unitType, unitCode: q.unitCode,
      indicatorIds: q.indicatorId ? [q.indicatorId] : undefined, lang: req.query.lang === 'en' ? 'en' : 'da',
    });
    res.json({ results: hideOutsideScope(rows, await insideScopeTest(ctx.db, indicatorScope(userOf(req)))) });
  });
  return router;
}

import { indicatorScope, requireAccess, userOf } from '../access';
import { Router } from 'express';
import type { Request } from 'express';
import type { AppContext } from '../http/context';
import { Invalid } from '../http/errors';
import { t } from '../i18n';
import { isIndicatorId, IndicatorId } from '../indicators/definitions';
import { isPeriodCode } from '../indicators/periods';
import { computeResults, hideOutsideScope, resolveUnits } from '../indicators/results';
import { parsePeriod } from '../indicators/periods';
import { isStratumType, StratumType } from '../indicators/strata';
import { COUNTRY_CODE, findUnit, geography, isUnitType, UnitType } from '../geography';
import { funnelRows, spcRows, strataRows, warningItems } from './service';
import { insideScopeTest, parseSelection } from './selection';

interface ApiQuery { period: string; unitType: UnitType; unitCode?: string; indicatorId?: IndicatorId; stratumType?: StratumType }

const defaultCode = (unitType: UnitType): string | undefined => (unitType === 'country' ? COUNTRY_CODE : undefined);


const one = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** period and unit_type required; unit_code (a unit of that type) and indicator_id optional; 400 names each bad one. */
async function parseApiQuery(ctx: AppContext, req: Request, opts: { stratumType?: boolean } = {}): Promise<ApiQuery> {
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
  const stratumType = one(req.query.stratum_type);
  if (opts.stratumType && !isStratumType(stratumType)) fields.stratum_type = t(req.lang, 'indicators.strata.invalid_stratum_type');
  throwIfAny(fields);
  return {
    period: period!, unitType: unitType as UnitType, unitCode, indicatorId: indicatorId as IndicatorId | undefined,
    stratumType: stratumType as StratumType | undefined,
  };
}

function throwIfAny(fields: Record<string, string>): void {
  if (Object.keys(fields).length > 0) throw new Invalid(fields);
}

/** A required indicator_id, or its field message. */
function indicatorField(req: Request, fields: Record<string, string>): IndicatorId {
  const id = one(req.query.indicator_id);
  if (!isIndicatorId(id)) fields.indicator_id = t(req.lang, 'indicators.pages.invalid_indicator_id');
  return id as IndicatorId;
}

/** GET /api/v1/indicators: formats.md's result rows, unrounded, hidden outside the scope where "få data". */
export function indicatorsApi(ctx: AppContext): Router {
  const router = Router();
  const read = requireAccess(ctx, 'indicators.read');
  const viewer = (req: Request) => ({ scope: userOf(req).scope, lang: (req.query.lang === 'en' ? 'en' : 'da') as 'en' | 'da' });

  // Results per stratum and the gaps (formats.md).
  router.get('/api/v1/indicators/strata', read, async (req, res) => {
    const q = await parseApiQuery(ctx, req, { stratumType: true });
    const { rows, gaps } = await strataRows(ctx.db, q, q.stratumType!, q.indicatorId, viewer(req));
    res.json({ results: rows, gaps });
  });

  // The funnel rows of the municipalities of a region or DK, with the fair-comparison columns.
  router.get('/api/v1/indicators/funnel', read, async (req, res) => {
    const fields: Record<string, string> = {};
    const period = one(req.query.period);
    if (!isPeriodCode(period)) fields.period = t(req.lang, 'indicators.pages.invalid_period');
    const indicatorId = indicatorField(req, fields);
    const areaCode = one(req.query.area);
    const area = areaCode === COUNTRY_CODE ? (await geography(ctx.db)).country : areaCode ? await findUnit(ctx.db, 'region', areaCode) : null;
    if (!area) fields.area = t(req.lang, 'indicators.fair.invalid_area');
    throwIfAny(fields);
    const s = await parseSelection(ctx.db, { period, unit_type: area!.unitType, unit_code: area!.code }, userOf(req).scope, req.lang);
    res.json({ results: (await funnelRows(ctx.db, s, indicatorId, area!, viewer(req))).rows });
  });

  // The p-chart of one indicator and unit: 12 points, oldest first.
  router.get('/api/v1/indicators/spc', read, async (req, res) => {
    const fields: Record<string, string> = {};
    const indicatorId = indicatorField(req, fields);
    const unitType = one(req.query.unit_type);
    const unitCode = one(req.query.unit_code);
    const unit = isUnitType(unitType) ? await findUnit(ctx.db, unitType, unitCode ?? defaultCode(unitType) ?? '') : null;
    if (!isUnitType(unitType)) fields.unit_type = t(req.lang, 'indicators.pages.invalid_unit_type');
    else if (!unit) fields.unit_code = t(req.lang, 'indicators.pages.invalid_unit_code');
    throwIfAny(fields);
    res.json({ points: await spcRows(ctx.db, unit!, indicatorId, viewer(req)) });
  });

  // The early-warning list for the user's scope.
  router.get('/api/v1/indicators/warnings', read, async (req, res) => {
    res.json({ items: await warningItems(ctx.db, viewer(req)) });
  });

  router.get('/api/v1/indicators', read, async (req, res) => {
    const q = await parseApiQuery(ctx, req);
    const rows = await computeResults(ctx.db, {
      period: parsePeriod(q.period), units: await resolveUnits(ctx.db, q.unitType, q.unitCode),
      indicatorIds: q.indicatorId ? [q.indicatorId] : undefined, lang: req.query.lang === 'en' ? 'en' : 'da',
    });
    res.json({ results: hideOutsideScope(rows, await insideScopeTest(ctx.db, indicatorScope(userOf(req)))) });
  });
  return router;
}

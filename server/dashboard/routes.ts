import { Router } from 'express';
import type { Request, Response } from 'express';
import { requireAccess, userOf } from '../access';
import type { AppContext } from '../http/context';
import { NotFound } from '../http/errors';
import { isIndicatorId, IndicatorId } from '../indicators/definitions';
import { drillDownPage } from './drilldown-page';
import { FUNNEL_COLUMNS, isDownloadFormat, RESULT_COLUMNS, sendDownload } from './downloads';
import { dashboardPage, detailPage, viewerOf } from './pages';
import { parseSelection } from './selection';
import { comparisonRows, dashboardRows, funnelAreaOf, funnelRows, spcRows, strataRows, trendRows } from './service';
import { sendGaps, sendSpc, sendStrata } from './equality-downloads';
import { stratumTypeOf } from './equality-sections';

/** An indicator id from the path; an unknown one is a page that does not exist. */
function indicatorParam(req: Request): IndicatorId {
  const id = req.params.id;
  if (!isIndicatorId(id)) throw new NotFound();
  return id;
}

function formatParam(req: Request) {
  const format = req.params.format;
  if (!isDownloadFormat(format)) throw new NotFound();
  return format;
}

const CHARTS = ['sammenligning', 'udvikling', 'tragt', 'lighed', 'lighed-forskel', 'advarsel'] as const;
type ChartName = (typeof CHARTS)[number];

/** Pages: dashboard, indicator detail, drill-down, and the CSV/XLSX of every table. */
export function dashboardRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;
  const read = requireAccess(ctx, 'indicators.read');

  router.get('/indikatorer', read, async (req, res) => {
    const page = await dashboardPage(db, req, userOf(req));
    res.status(page.status).render('dashboard/dashboard', page);
  });

  router.get('/indikatorer/resultater.:format', read, async (req, res) => {
    const user = userOf(req);
    const format = formatParam(req);
    const s = await parseSelection(db, req.query, user.scope, req.lang);
    const rows = await dashboardRows(db, s, viewerOf(req, user));
    await sendDownload(res, format, `indikatorer-${s.period.code}-${s.unit.unitType}-${s.unit.code}`, rows, RESULT_COLUMNS);
  });

  router.get('/indikatorer/:id', read, async (req, res) => {
    const id = indicatorParam(req);
    res.render('dashboard/detail', await detailPage(db, req, userOf(req), id));
  });

  router.get('/indikatorer/:id/forloeb', read, async (req, res) => {
    const id = indicatorParam(req);
    res.render('dashboard/drilldown', await drillDownPage(db, req, userOf(req), id));
  });

  router.get('/indikatorer/:id/:chart.:format', read, async (req, res) => chartDownload(ctx, req, res));

  return router;
}

/** The rows of one chart's table, as CSV or XLSX: the same service call as the page. */
async function chartDownload(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const id = indicatorParam(req);
  const format = formatParam(req);
  const chart = req.params.chart as ChartName;
  if (!CHARTS.includes(chart)) throw new NotFound();
  const user = userOf(req);
  const viewer = viewerOf(req, user);
  const s = await parseSelection(ctx.db, req.query, user.scope, req.lang);
  const name = `${id}-${chart}-${s.period.code}-${s.unit.unitType}-${s.unit.code}`;
  if (chart === 'sammenligning') {
    const { rows } = await comparisonRows(ctx.db, s, id, viewer);
    return sendDownload(res, format, name, rows, RESULT_COLUMNS);
  }
  if (chart === 'udvikling') return sendDownload(res, format, name, await trendRows(ctx.db, s, id, viewer), RESULT_COLUMNS);
  if (chart === 'lighed' || chart === 'lighed-forskel') {
    const type = stratumTypeOf(req.query.lighed);
    const { rows, gaps } = await strataRows(ctx.db, { period: s.period.code, unitType: s.unit.unitType, unitCode: s.unit.code }, type, id, viewer);
    const strataName = `${id}-lighed-${type}-${s.period.code}-${s.unit.unitType}-${s.unit.code}`;
    return chart === 'lighed' ? sendStrata(res, format, strataName, rows, gaps) : sendGaps(res, format, `${strataName}-gaps`, gaps);
  }
  if (chart === 'advarsel') {
    return sendSpc(res, format, `${id}-advarsel-${s.unit.unitType}-${s.unit.code}`, await spcRows(ctx.db, s.unit, id, viewer));
  }
  const area = await funnelAreaOf(ctx.db, s.unit, req.query.funnel === 'DK');
  const funnel = await funnelRows(ctx.db, s, id, area, viewer);
  const rows = req.query.tomme === 'skjul' ? funnel.rows.filter((r) => !(r.denominator === 0 && r.missing === 0)) : funnel.rows;
  return sendDownload(res, format, `${id}-tragt-${s.period.code}-${area.code}`, rows, FUNNEL_COLUMNS);
}

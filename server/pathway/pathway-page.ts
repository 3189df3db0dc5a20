import type { Request, Response } from 'express';
import type { CurrentUser } from '../access';
import type { AppContext } from '../http/context';
import { Invalid, NotFound } from '../http/errors';
import { userOf } from '../access';
import { t } from '../i18n';
import { listUnits, hospitals, isDepartmentCode } from '../geography';
import { formatDateDanish, formatDateTimeDanish } from '../time';
import { comparisonChart, COMPARABLE, resultId, stageLines, stagesChart, trendChart } from './charts';
import { RESULTS } from './counts';
import { LOST_AFTER_DAYS, parsePathwayQuery, PATHWAY_UNIT_TYPES, pathwayRows, visibleDepartments } from './results';

/**
 * The page *Tværsektorielt forløb* (pathway.md §6): pickers (period, unit type, unit, Henvist fra / Henvist til,
 * the compared result), the funnel of the chosen unit, the comparison of every unit and the trend of HK-P1 and
 * HK-P2 over 8 quarters, each with its table and its CSV/XLSX (the API's files of exactly those rows).
 */

/** The page's defaults follow the scope: a department's referrals per municipality; a municipality's hospitals. */
export function defaultsFor(user: CurrentUser): Record<string, string> {
  if (user.scope.kind === 'department') return { unit_type: 'municipality', sor_code: user.scope.code };
  if (user.scope.kind === 'municipality') return { unit_type: 'hospital', area: user.scope.code };
  if (user.scope.kind === 'region') return { unit_type: 'municipality' };
  return { unit_type: 'region' };
}

/** The query the page uses: defaults, then the request; the filter that does not fit the unit type is dropped. */
function pageQuery(req: Request): Record<string, string> {
  const given = Object.fromEntries(Object.entries(req.query).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const query = { ...defaultsFor(userOf(req)), ...given };
  if (query.unit_type === 'hospital') delete query.sor_code; else delete query.area;
  return query;
}

const linkOf = (format: string, query: Record<string, string>) =>
  `/api/v1/pathway.${format}?${new URLSearchParams(Object.entries(query).filter(([k, v]) => v !== '' && k !== 'indicator')).toString()}`;
const links = (query: Record<string, string>) => ({ csv: linkOf('csv', query), xlsx: linkOf('xlsx', query) });

async function pickerChoices(ctx: AppContext, req: Request, query: Record<string, string>) {
  const user = userOf(req);
  const visible = await visibleDepartments(ctx.db, user);
  const areas = [];
  for (const type of ['municipality', 'cluster', 'region'] as const) {
    areas.push(...(await listUnits(ctx.db, type)).map((u) => ({ code: u.code, name: `${u.name} (${u.code})`, selected: u.code === query.area })));
  }
  return {
    unitTypes: PATHWAY_UNIT_TYPES.map((u) => ({ code: u, label: t(req.lang, `pathway.units.${u}`), selected: u === query.unit_type })),
    departments: (await hospitals(ctx.db)).filter((h) => visible.has(h.sor_code)).map((h) => ({ code: h.sor_code, name: h.name, selected: h.sor_code === query.sor_code })),
    areas, indicators: COMPARABLE.map((p) => ({ code: p, label: resultId(p), selected: p === (query.indicator ?? 'p1') })),
  };
}

/** GET /forloebsvej. 400 on a bad picker value, 404 on a department out of reach (as the API). */
export async function renderPathwayPage(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const lang = req.lang;
  const user = userOf(req);
  const query = pageQuery(req);
  const indicator = query.indicator ?? 'p1';
  if (!(RESULTS as readonly string[]).includes(indicator)) throw new Invalid({ indicator: t(lang, 'pathway.errors.bad_filter') });
  const q = parsePathwayQuery({ ...query, unit_code: undefined, trend: undefined });
  const rows = await pathwayRows(ctx.db, user, q);
  const wanted = query.unit_code;
  if (wanted && !rows.some((r) => r.unit_code === wanted) && q.unitType === 'hospital' && isDepartmentCode(wanted)) throw new NotFound();
  const unit = rows.find((r) => r.unit_code === wanted)
    ?? [...rows].sort((a, b) => Number(b.referred ?? 0) - Number(a.referred ?? 0))[0];
  const unitQuery = { ...query, unit_code: String(unit?.unit_code ?? '') };
  const trendRows = unit ? await pathwayRows(ctx.db, user, { ...q, unitCode: String(unit.unit_code), trend: true }) : [];
  const lines = unit ? stageLines(unit, lang) : [];
  res.render('pathway/pathway', {
    title: t(lang, 'pathway.pages.pathway_title'), period: q.period.code, asOf: formatDateDanish(q.asOf), lostAfter: LOST_AFTER_DAYS,
    ...(await pickerChoices(ctx, req, query)), hospitalType: q.unitType === 'hospital',
    units: rows.map((r) => ({ code: r.unit_code, name: `${r.unit_name} (${r.unit_code})`, selected: r === unit })),
    unit: unit && { name: `${unit.unit_name} (${unit.unit_code})`, lines }, indicatorId: resultId(indicator),
    stagesChart: unit && stagesChart(lines, String(unit.unit_name), lang),
    comparisonChart: comparisonChart(rows, indicator, unit?.unit_code as string | undefined, lang),
    trendChart: trendChart(trendRows, lang),
    trendRows: trendRows.map((r) => ({ period: r.period, p1: r.p1_value, p2: r.p2_value, p1few: r.p1_value === null, p2few: r.p2_value === null,
      p1n: r.p1_denominator, p2n: r.p2_denominator })),
    rows: rows.map((x) => ({ ...x, selected: x === unit, results: RESULTS.map((p) => ({ id: resultId(p), value: x[`${p}_value`],
      numerator: x[`${p}_numerator`], denominator: x[`${p}_denominator`], few: x[`${p}_few_data`] && x[`${p}_value`] === null })) })),
    funnelLinks: links(unitQuery), comparisonLinks: links({ ...query, unit_code: '' }), trendLinks: links({ ...unitQuery, trend: '1' }),
    computedAt: rows[0] ? formatDateTimeDanish(String(rows[0].computed_at)) : undefined,
  });
}

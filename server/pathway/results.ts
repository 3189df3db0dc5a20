import type { Knex } from 'knex';
import { indicatorScope, onlyHospital, type CurrentUser, unitInsideScope, whereSentFromScope } from '../access';
import { NotFound, Invalid } from '../http/errors';
import { isPeriodCode, lastQuarterOf, parsePeriod, quartersEndingWith, type Period } from '../indicators/periods';
import { isFewData, proportion, wilsonInterval } from '../indicators/stats';
import { listUnits, type Unit, hospitals } from '../geography';
import { nowIso, today as todayInDenmark } from '../time';
import { countCells, pool, RESULTS, STAGES, type Cell } from './counts';
import { LOST_AFTER_DAYS } from './referral-queries';

/** Pathway results (pathway.md §5, §7): one row per unit × period, "få data" hidden outside the user's scope. */

export const PATHWAY_UNIT_TYPES = ['hospital', 'municipality', 'cluster', 'region', 'country'] as const;
export type PathwayUnitType = (typeof PATHWAY_UNIT_TYPES)[number];

export const PATHWAY_COLUMNS = [
  'unit_type', 'unit_code', 'unit_name', 'sor_code', 'area', 'period', 'as_of', ...STAGES,
  ...RESULTS.flatMap((p) => ['numerator', 'denominator', 'missing', 'value', 'ci_low', 'ci_high', 'few_data'].map((x) => `${p}_${x}`)),
  'computed_at',
] as const;

/** Which stage counts each result governs when it is "få data" (§5). */
const GOVERNS: Record<string, readonly string[]> = { p1: ['received', 'open', 'lost'], p3: ['started'], p4: ['completed'], p5: ['gp_informed'] };

export interface PathwayQuery {
  period: Period; unitType: PathwayUnitType; unitCode?: string; sorCode?: string; area?: string; asOf: string; trend: boolean;
}

interface PUnit { code: string; name: string; municipalities: readonly string[] | null; sorCode: string | null }

/** Parse and check the query string: 400 at the field for bad values and filter combinations, as_of after today. */
export function parsePathwayQuery(src: Record<string, unknown>, now = todayInDenmark()): PathwayQuery {
  const fields: Record<string, string> = {};
  const s = (k: string) => (typeof src[k] === 'string' && src[k] !== '' ? String(src[k]) : undefined);
  const period = s('period') ?? String(Number(now.slice(0, 4)) - 1);
  if (!isPeriodCode(period)) fields.period = 'Ugyldig periode (fx 2025 eller 2025Q3).';
  const unitType = (s('unit_type') ?? 'country') as PathwayUnitType;
  if (!PATHWAY_UNIT_TYPES.includes(unitType)) fields.unit_type = 'Ugyldig enhedstype.';
  if (s('sor_code') && unitType === 'hospital') fields.sor_code = 'Henvist fra kan ikke bruges med enhedstypen hospital.';
  if (s('area') && unitType !== 'hospital') fields.area = 'Henvist til kan kun bruges med enhedstypen hospital.';
  const asOf = s('as_of') ?? now;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(asOf) || Number.isNaN(Date.parse(asOf)) || asOf > now) fields.as_of = 'Datoen må ikke ligge efter i dag.';
  if (s('trend') && !['0', '1'].includes(s('trend')!)) fields.trend = 'Brug 0 eller 1.';
  if (Object.keys(fields).length) throw new Invalid(fields, Object.values(fields)[0]);
  return { period: parsePeriod(period), unitType, unitCode: s('unit_code'), sorCode: s('sor_code'), area: s('area'), asOf, trend: s('trend') === '1' };
}

async function areaMunicipalities(db: Knex, area: string): Promise<{ codes: string[]; unit: Unit } | null> {
  for (const type of ['municipality', 'cluster', 'region', 'country'] as const) {
    const u = (await listUnits(db, type)).find((x) => x.code === area);
    if (u) return { codes: u.municipalityCodes, unit: u };
  }
  return null;
}

/** Departments visible to the user (a hospital-only user: those in its scope; others: all). */
export async function visibleDepartments(db: Knex, user: CurrentUser): Promise<Set<string>> {
  const all = (await hospitals(db)).map((h) => h.sor_code);
  if (!onlyHospital(user)) return new Set(all);
  const rows = await whereSentFromScope(db('hospitals').select('sor_code'), user.scope, 'sor_code');
  return new Set(rows.map((r: { sor_code: string }) => r.sor_code));
}

/** The result rows (one per unit × period): 404 for an unknown unit_code, sor_code or area, or a department out of reach. */
export async function pathwayRows(db: Knex, user: CurrentUser, q: PathwayQuery): Promise<Record<string, unknown>[]> {
  const visible = await visibleDepartments(db, user);
  if (q.sorCode && !visible.has(q.sorCode)) throw new NotFound();
  const area = q.area ? await areaMunicipalities(db, q.area) : null;
  if (q.area && !area) throw new NotFound();
  const periods = q.trend ? quartersEndingWith(lastQuarterOf(q.period), 8).filter((p) => p.first <= q.asOf) : [q.period];
  const sentFrom = onlyHospital(user) ? user.scope : undefined;
  const out: Record<string, unknown>[] = [];
  const computedAt = nowIso();
  const insideTest = await insideTestFor(db, user);
  for (const period of periods) {
    const cells = await countCells(db, { first: period.first, last: period.last, today: q.asOf, sentFrom, sorCode: q.sorCode, municipalities: area?.codes });
    const units = await unitsFor(db, q, visible, cells);
    if (q.unitCode && !units.some((u) => u.code === q.unitCode)) throw new NotFound();
    for (const u of units.filter((x) => !q.unitCode || x.code === q.unitCode)) {
      const mine = cells.filter((c) => (u.sorCode === null || c.sor_code === u.sorCode) && (u.municipalities === null || u.municipalities.includes(c.municipality_code)));
      const inside = await insideTest(q.unitType, u, area?.unit ?? null);
      out.push(row(q, u, period, pool(mine), inside, computedAt));
    }
  }
  return out;
}

async function unitsFor(db: Knex, q: PathwayQuery, visible: Set<string>, cells: Cell[]): Promise<PUnit[]> {
  if (q.unitType === 'hospital') {
    const withReferrals = new Set(cells.map((c) => c.sor_code));
    return (await hospitals(db)).filter((h) => visible.has(h.sor_code) && (h.active || withReferrals.has(h.sor_code)))
      .map((h) => ({ code: h.sor_code, name: h.name, municipalities: null, sorCode: h.sor_code }));
  }
  return (await listUnits(db, q.unitType)).map((u) => ({ code: u.code, name: u.name, municipalities: u.municipalityCodes, sorCode: null }));
}

/** A row lies inside the scope when every municipality whose referrals it can count does (§5 "Få data"). */
async function insideTestFor(db: Knex, user: CurrentUser) {
  const scope = indicatorScope(user);
  return async (unitType: PathwayUnitType, u: PUnit, area: Unit | null): Promise<boolean> => {
    if (unitType !== 'hospital') return unitInsideScope(db, scope, unitType, u.code);
    return area ? unitInsideScope(db, scope, area.unitType, area.code) : unitInsideScope(db, scope, 'country', 'DK');
  };
}

function row(q: PathwayQuery, u: PUnit, period: Period, counts: ReturnType<typeof pool>, inside: boolean, computedAt: string): Record<string, unknown> {
  const r: Record<string, unknown> = {
    unit_type: q.unitType, unit_code: u.code, unit_name: u.name, sor_code: q.sorCode ?? null, area: q.area ?? null,
    period: period.code, as_of: q.asOf,
  };
  for (const s of STAGES) r[s] = counts[s];
  for (const p of RESULTS) {
    const missing = counts[`${p}_missing`];
    const denominator = counts[`${p}_population`] - missing;
    const numerator = counts[`${p}_numerator`];
    const few = isFewData(denominator);
    const ci = wilsonInterval(numerator, denominator);
    Object.assign(r, { [`${p}_numerator`]: numerator, [`${p}_denominator`]: denominator, [`${p}_missing`]: missing,
      [`${p}_value`]: proportion(numerator, denominator), [`${p}_ci_low`]: ci?.low ?? null, [`${p}_ci_high`]: ci?.high ?? null, [`${p}_few_data`]: few });
    if (few && !inside) {
      for (const x of ['numerator', 'denominator', 'missing', 'value', 'ci_low', 'ci_high']) r[`${p}_${x}`] = null;
      for (const s of GOVERNS[p] ?? []) r[s] = null;
    }
  }
  if (!inside && counts.referred < 5) r.referred = null;
  r.computed_at = computedAt;
  return r;
}

export { LOST_AFTER_DAYS };

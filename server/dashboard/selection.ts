import type { Knex } from 'knex';
import { Scope, unitInsideScope } from '../access';
import { Invalid } from '../http/errors';
import { Lang, t } from '../i18n';
import { isIndicatorId, IndicatorId } from '../indicators/definitions';
import { FIRST_YEAR, isPeriodCode, parsePeriod, Period } from '../indicators/periods';
import { COUNTRY_CODE, findUnit, geography, isUnitType, Unit, UNIT_TYPES, UnitType } from '../geography';
import { formatDateDanish, today } from '../time';

/** What a dashboard, detail page, download or API call is about: one period and one unit. */
export interface Selection { period: Period; unit: Unit }

type Query = Record<string, unknown>;

/** The current calendar year to date, in Danish time (the last complete year is one click away). */
export function defaultPeriodCode(now: Date = new Date()): string {
  return today(now).slice(0, 4);
}

/** The last complete calendar year in Danish time. */
export function lastCompleteYear(now: Date = new Date()): string {
  return String(Number(today(now).slice(0, 4)) - 1);
}

/** The selected period in words: the current year says how far it reaches ("2026, til og med 30.11.2026"). */
export function selectedPeriodLabel(p: Period, lang: Lang, now: Date = new Date()): string {
  const todayIso = today(now);
  if (p.quarter === null && String(p.year) === todayIso.slice(0, 4)) {
    return t(lang, 'indicators.period_default.year_to_date', { year: p.year, date: formatDateDanish(todayIso) });
  }
  return periodLabel(p, lang);
}

/** While the current year is shown: the link to the whole of the last complete year. */
export function lastYearLink(s: Selection, path: string, lang: Lang, extra: Record<string, string> = {}, now: Date = new Date()) {
  if (s.period.quarter !== null || String(s.period.year) !== today(now).slice(0, 4)) return null;
  const year = lastCompleteYear(now);
  return { href: `${path}?${selectionQuery({ ...s, period: parsePeriod(year) }, extra)}`, text: t(lang, 'indicators.period_default.last_year', { year }) };
}

/** The user's own unit: their municipality, region or the country. */
export function defaultUnitOf(scope: Scope): { unitType: UnitType; code: string } {
  if (scope.kind === 'municipality') return { unitType: 'municipality', code: scope.code };
  if (scope.kind === 'region') return { unitType: 'region', code: scope.code };
  return { unitType: 'country', code: COUNTRY_CODE };
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * Period and unit from a query string (`period`, `unit_type`, `unit_code`, or the picker's combined
 * `unit=municipality:751`), defaulting to the last complete year and the user's own unit. Invalid → 400.
 */
export async function parseSelection(db: Knex, query: Query, scope: Scope, lang: Lang): Promise<Selection> {
  const fields: Record<string, string> = {};
  const periodCode = text(query.period) ?? defaultPeriodCode();
  if (!isPeriodCode(periodCode)) fields.period = t(lang, 'indicators.pages.invalid_period');

  const [pickedType, pickedCode] = (text(query.unit) ?? '').split(':');
  const fallback = defaultUnitOf(scope);
  const unitType = text(query.unit_type) ?? (pickedType || fallback.unitType);
  const unitCode = text(query.unit_code) ?? (pickedCode || (unitType === fallback.unitType ? fallback.code : undefined));
  let unit: Unit | null = null;
  if (!isUnitType(unitType)) fields.unit_type = t(lang, 'indicators.pages.invalid_unit_type');
  else if (unitType === 'country') unit = await findUnit(db, 'country', unitCode ?? COUNTRY_CODE);
  else if (unitCode) unit = await findUnit(db, unitType, unitCode);
  if (isUnitType(unitType) && !unit) fields.unit_code = t(lang, 'indicators.pages.invalid_unit_code');

  if (Object.keys(fields).length > 0) throw new Invalid(fields);
  return { period: parsePeriod(periodCode), unit: unit! };
}

/** An indicator id from a path or query parameter, or 400 at `indicator_id`. */
export function parseIndicatorId(value: unknown, lang: Lang): IndicatorId {
  if (!isIndicatorId(value)) throw new Invalid({ indicator_id: t(lang, 'indicators.pages.invalid_indicator_id') });
  return value;
}

/** The query string that selects the same period and unit (for links and downloads). */
export function selectionQuery(s: Selection, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams({ period: s.period.code, unit_type: s.unit.unitType, unit_code: s.unit.code, ...extra });
  return params.toString();
}

/**
 * A synchronous "is this unit inside the user's scope?" for hideOutsideScope, decided once per request for
 * every unit by auth/scope's unitInsideScope (the one place scopes are interpreted).
 */
export async function insideScopeTest(db: Knex, scope: Scope): Promise<(unitType: UnitType, unitCode: string) => boolean> {
  if (scope.kind === 'country') return () => true;
  const inside = new Set<string>();
  const geo = await geography(db);
  for (const unitType of UNIT_TYPES) {
    for (const u of geo.units(unitType)) {
      if (await unitInsideScope(db, scope, unitType, u.code)) inside.add(`${unitType}:${u.code}`);
    }
  }
  return (unitType, unitCode) => inside.has(`${unitType}:${unitCode}`);
}

export interface PeriodOption { code: string; label: string; selected: boolean }

/** Years from this one back to 2010, and the quarters of the last three years that have begun. */
export function periodOptions(selected: string, lang: Lang, now: Date = new Date()): { years: PeriodOption[]; quarters: PeriodOption[] } {
  const todayIso = today(now);
  const thisYear = Number(todayIso.slice(0, 4));
  const years: PeriodOption[] = [];
  for (let y = thisYear; y >= FIRST_YEAR; y--) {
    years.push({ code: String(y), label: selectedPeriodLabel(parsePeriod(String(y)), lang, now), selected: String(y) === selected });
  }
  const quarters: PeriodOption[] = [];
  for (let y = thisYear; y >= thisYear - 2; y--) {
    for (let q = 4; q >= 1; q--) {
      const p = parsePeriod(`${y}Q${q}`);
      if (p.first <= todayIso) quarters.push({ code: p.code, label: periodLabel(p, lang), selected: p.code === selected });
    }
  }
  if (![...years, ...quarters].some((o) => o.selected) && isPeriodCode(selected)) {
    quarters.push({ code: selected, label: periodLabel(parsePeriod(selected), lang), selected: true });
  }
  return { years, quarters };
}

/** "2025" or "3. kvartal 2025" / "Q3 2025". */
export function periodLabel(p: Period, lang: Lang): string {
  return p.quarter === null ? String(p.year) : t(lang, 'indicators.pages.quarter_label', { quarter: p.quarter, year: p.year });
}

export interface UnitOptionGroup { label: string; options: { value: string; label: string; selected: boolean }[] }

/** The unit picker: the country, the regions, the clusters, then the municipalities region by region. */
export async function unitOptions(db: Knex, selected: Unit, lang: Lang): Promise<UnitOptionGroup[]> {
  const option = (u: Unit) => ({
    value: `${u.unitType}:${u.code}`, label: u.name, selected: u.unitType === selected.unitType && u.code === selected.code,
  });
  const geo = await geography(db);
  const regions = geo.units('region');
  const municipalities = geo.units('municipality');
  const groups: UnitOptionGroup[] = [
    { label: t(lang, 'indicators.pages.unit_types.country'), options: geo.units('country').map(option) },
    { label: t(lang, 'indicators.pages.unit_types.region'), options: regions.map(option) },
    { label: t(lang, 'indicators.pages.unit_types.cluster'), options: geo.units('cluster').map(option) },
  ];
  for (const r of regions) {
    groups.push({
      label: t(lang, 'indicators.pages.municipalities_in', { region: r.name }),
      options: municipalities.filter((m) => r.municipalityCodes.includes(m.code)).map(option),
    });
  }
  return groups;
}

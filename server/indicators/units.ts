import type { Knex } from 'knex';

/** The units results exist for (indicators.md "Units"), from the municipalities table. */
export type UnitType = 'municipality' | 'cluster' | 'region' | 'country';
export const UNIT_TYPES: readonly UnitType[] = ['municipality', 'cluster', 'region', 'country'];
export const COUNTRY_CODE = 'DK';
export const COUNTRY_NAME = 'Danmark';

export interface Unit {
  unitType: UnitType;
  code: string;
  name: string;
  /** its municipalities in municipalities.csv order */
  municipalityCodes: string[];
}

interface MunicipalityRow {
  code: string; name: string; region_code: string; region_name: string; cluster_code: string | null; cluster_name: string | null;
}

const cache = new WeakMap<object, Promise<MunicipalityRow[]>>();

/** The 98 municipalities in municipalities.csv order (reference data, read once per database handle). */
function municipalities(db: Knex): Promise<MunicipalityRow[]> {
  let rows = cache.get(db.client);
  if (!rows) {
    rows = db('municipalities')
      .select('code', 'name', 'region_code', 'region_name', 'cluster_code', 'cluster_name')
      .orderBy('sort_order');
    rows.catch(() => cache.delete(db.client));
    cache.set(db.client, rows);
  }
  return rows;
}

function groupInto(rows: MunicipalityRow[], unitType: UnitType, codeOf: (r: MunicipalityRow) => string | null, nameOf: (r: MunicipalityRow) => string): Unit[] {
  const units = new Map<string, Unit>();
  for (const r of rows) {
    const code = codeOf(r);
    if (code === null) continue;
    if (!units.has(code)) units.set(code, { unitType, code, name: nameOf(r), municipalityCodes: [] });
    units.get(code)!.municipalityCodes.push(r.code);
  }
  return [...units.values()].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** Every unit of a type, in the order of formats.md: municipalities as in municipalities.csv, others by code. */
export async function listUnits(db: Knex, unitType: UnitType): Promise<Unit[]> {
  const rows = await municipalities(db);
  switch (unitType) {
    case 'municipality':
      return rows.map((r) => ({ unitType, code: r.code, name: r.name, municipalityCodes: [r.code] }));
    case 'cluster':
      return groupInto(rows, unitType, (r) => r.cluster_code, (r) => r.cluster_name ?? '');
    case 'region':
      return groupInto(rows, unitType, (r) => r.region_code, (r) => r.region_name);
    case 'country':
      return [{ unitType, code: COUNTRY_CODE, name: COUNTRY_NAME, municipalityCodes: rows.map((r) => r.code) }];
  }
}

/** One unit, or null when no unit of that type has the code. */
export async function findUnit(db: Knex, unitType: UnitType, code: string): Promise<Unit | null> {
  return (await listUnits(db, unitType)).find((u) => u.code === code) ?? null;
}

/** The municipality codes of a unit (empty when there is no such unit). */
export async function municipalitiesOfUnit(db: Knex, unitType: UnitType, code: string): Promise<string[]> {
  return (await findUnit(db, unitType, code))?.municipalityCodes ?? [];
}

export async function unitContainsMunicipality(db: Knex, unitType: UnitType, code: string, municipalityCode: string): Promise<boolean> {
  return (await municipalitiesOfUnit(db, unitType, code)).includes(municipalityCode);
}

/** The name of a municipality (null when unknown), e.g. for "Viser kun forløb i <kommune>". */
export async function municipalityName(db: Knex, code: string): Promise<string | null> {
  return (await municipalities(db)).find((r) => r.code === code)?.name ?? null;
}

export function isUnitType(v: unknown): v is UnitType {
  return typeof v === 'string' && (UNIT_TYPES as readonly string[]).includes(v);
}

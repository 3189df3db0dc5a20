/**
 * The geography of the installation (indicators.md "Units"): 98 municipalities, each in one region and at most
 * one cluster, and the country above them. Built once from the `municipalities` rows and answered from memory.
 */

/** The units results exist for. The one UnitType of the application. */
export type UnitType = 'municipality' | 'cluster' | 'region' | 'country';
export const UNIT_TYPES: readonly UnitType[] = ['municipality', 'cluster', 'region', 'country'];
export const COUNTRY_CODE = 'DK';
export const COUNTRY_NAME = 'Danmark';

export function isUnitType(v: unknown): v is UnitType {
  return typeof v === 'string' && (UNIT_TYPES as readonly string[]).includes(v);
}

/** One row of `municipalities` (registeringSince: ISO date from which it registers its courses here, pathway.md §1). */
export interface Municipality {
  code: string; name: string; regionCode: string; regionName: string;
  clusterCode: string | null; clusterName: string | null; registeringSince: string | null;
}

/** A unit: a municipality, cluster, region or the country, with its municipalities in municipalities.csv order. */
export interface Unit {
  unitType: UnitType;
  code: string;
  name: string;
  municipalityCodes: string[];
}

const byCode = (a: Unit, b: Unit) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

function groupInto(rows: readonly Municipality[], unitType: UnitType, codeOf: (m: Municipality) => string | null, nameOf: (m: Municipality) => string): Unit[] {
  const units = new Map<string, Unit>();
  for (const m of rows) {
    const code = codeOf(m);
    if (code === null) continue;
    if (!units.has(code)) units.set(code, { unitType, code, name: nameOf(m), municipalityCodes: [] });
    units.get(code)!.municipalityCodes.push(m.code);
  }
  return [...units.values()].sort(byCode);
}

/**
 * Units, names and containment from memory. Lists are in formats.md's order: municipalities as in
 * municipalities.csv, the others by code. Returned arrays and units are shared: do not change them.
 */
export class Geography {
  private readonly lists: Record<UnitType, readonly Unit[]>;
  private readonly index = new Map<string, Unit>();
  private readonly byMunicipality = new Map<string, Municipality>();

  /** `municipalities` in municipalities.csv order (sort_order). */
  constructor(readonly municipalities: readonly Municipality[]) {
    this.lists = {
      municipality: municipalities.map((m) => ({ unitType: 'municipality', code: m.code, name: m.name, municipalityCodes: [m.code] })),
      cluster: groupInto(municipalities, 'cluster', (m) => m.clusterCode, (m) => m.clusterName ?? ''),
      region: groupInto(municipalities, 'region', (m) => m.regionCode, (m) => m.regionName),
      country: [{ unitType: 'country', code: COUNTRY_CODE, name: COUNTRY_NAME, municipalityCodes: municipalities.map((m) => m.code) }],
    };
    for (const list of Object.values(this.lists)) for (const u of list) this.index.set(`${u.unitType}:${u.code}`, u);
    for (const m of municipalities) this.byMunicipality.set(m.code, m);
  }

  /** Every unit of a type. */
  units(unitType: UnitType): readonly Unit[] {
    return this.lists[unitType];
  }

  /** One unit, or null when no unit of that type has the code. */
  unit(unitType: UnitType, code: string): Unit | null {
    return this.index.get(`${unitType}:${code}`) ?? null;
  }

  /** The country: every municipality. */
  get country(): Unit {
    return this.lists.country[0];
  }

  /** One municipality by code, or null. */
  municipality(code: string): Municipality | null {
    return this.byMunicipality.get(code) ?? null;
  }

  /** The municipalities of a region in municipalities.csv order (empty for an unknown region). */
  municipalitiesOfRegion(regionCode: string): Municipality[] {
    return this.municipalities.filter((m) => m.regionCode === regionCode);
  }

  /** The region a unit lies in (a cluster lies in one region); the region itself; null for the country. */
  regionOf(unit: Unit): Unit | null {
    if (unit.unitType === 'country') return null;
    if (unit.unitType === 'region') return unit;
    const first = this.municipality(unit.municipalityCodes[0]);
    return first ? this.unit('region', first.regionCode) : null;
  }

  /** Does the unit hold the municipality? */
  contains(unit: Unit, municipalityCode: string): boolean {
    return unit.unitType === 'country' ? this.byMunicipality.has(municipalityCode) : unit.municipalityCodes.includes(municipalityCode);
  }

  /** The name of a municipality or region code ('751' → 'Aarhus', '1082' → 'Region Midtjylland'); null otherwise. */
  nameOf(code: string): string | null {
    return (this.unit('municipality', code) ?? this.unit('region', code))?.name ?? null;
  }
}

import type { Knex } from 'knex';
import { geography } from './load';
import type { Unit, UnitType } from './model';

/**
 * server/geography: the owner of municipalities, clusters, regions (indicators.md "Units") and hospital departments. The table is read
 * once per database handle; everything else (units, names, labels, containment) is answered from memory.
 * Writers of `municipalities` call invalidateGeography(db) after their change.
 */
export { COUNTRY_CODE, COUNTRY_NAME, Geography, isUnitType, UNIT_TYPES } from './model';
export type { Municipality, Unit, UnitType } from './model';
export { geography, invalidateGeography } from './load';
export { codeAndName, scopeLabel } from './labels';

/** Every unit of a type (see Geography.units). */
export async function listUnits(db: Knex, unitType: UnitType): Promise<readonly Unit[]> {
  return (await geography(db)).units(unitType);
}

/** One unit, or null when no unit of that type has the code. */
export async function findUnit(db: Knex, unitType: UnitType, code: string): Promise<Unit | null> {
  return (await geography(db)).unit(unitType, code);
}

// Hospital departments (pathway.md §1): read once per handle, changed by the admin page and the CLI.
export {
  addHospital, deactivateHospital, forgetHospitals, hospital, hospitals, isDepartmentCode, municipalityCoverage,
  recodeHospital, regionsAndClusters, setHospital, setRegisteringSince, SOR_STATUSES,
  type Hospital, type HospitalInput, type MunicipalityCoverage, type SorStatus,
} from './hospitals';

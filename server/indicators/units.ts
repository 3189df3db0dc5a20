import type { Knex } from 'knex';
import { geography } from '../geography';

/**
 * The units now live in server/geography (their one owner); this path re-exports them so callers written against
 * it keep working. New code imports from '../geography'.
 */
export { COUNTRY_CODE, COUNTRY_NAME, findUnit, isUnitType, listUnits, UNIT_TYPES } from '../geography';
export type { Unit, UnitType } from '../geography';

/** The municipality codes of a unit (empty when there is no such unit). */
export async function municipalitiesOfUnit(db: Knex, unitType: import('../geography').UnitType, code: string): Promise<string[]> {
  return (await geography(db)).unit(unitType, code)?.municipalityCodes ?? [];
}

export async function unitContainsMunicipality(db: Knex, unitType: import('../geography').UnitType, code: string, municipalityCode: string): Promise<boolean> {
  return (await municipalitiesOfUnit(db, unitType, code)).includes(municipalityCode);
}

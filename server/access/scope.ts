import type { Knex } from 'knex';
import { geography, type UnitType, hospital, isDepartmentCode } from '../geography';

/**
 * A user's scope: one municipality (3 digits), one region (4 digits), the whole country, or one hospital department
 * (a `hospitals` code, pathway.md §2: inside its region and DK, holding no municipality).
 */
export type Scope =
  | { kind: 'municipality'; code: string; regionCode: string }
  | { kind: 'region'; code: string }
  | { kind: 'country'; code: 'DK' }
  | { kind: 'department'; code: string; regionCode: string };

/** Resolve a scope code ('751', '1082', 'DK'); null when no such municipality or region exists. */
export async function resolveScope(db: Knex, code: string): Promise<Scope | null> {
  const geo = await geography(db);
  if (code === 'DK') return { kind: 'country', code: 'DK' };
  if (/^\d{3}$/.test(code)) {
    const m = geo.municipality(code);
    return m ? { kind: 'municipality', code, regionCode: m.regionCode } : null;
  }
  if (/^\d{4}$/.test(code) && geo.unit('region', code)) return { kind: 'region', code };
  if (isDepartmentCode(code)) {
    const h = await hospital(db, code);
    return h ? { kind: 'department', code, regionCode: h.region_code } : null;
  }
  return null;
}

/** Does scope `outer` contain scope `inner`? (DK ⊇ regions ⊇ municipalities and departments) */
export function scopeContains(outer: Scope, inner: Scope): boolean {
  if (outer.kind === 'country') return true;
  if (outer.kind === 'region') {
    return (inner.kind === 'region' && inner.code === outer.code)
      || ((inner.kind === 'municipality' || inner.kind === 'department') && inner.regionCode === outer.code);
  }
  return inner.kind === outer.kind && inner.code === outer.code;
}

/** Is a municipality inside the scope? */
export function scopeHasMunicipality(scope: Scope, code: string, regionCode: string): boolean {
  return scopeContains(scope, { kind: 'municipality', code, regionCode });
}

/** The municipality codes a scope covers. */
export async function municipalitiesInScope(db: Knex, scope: Scope): Promise<string[]> {
  const geo = await geography(db);
  return geo.municipalities.filter((m) => scopeHasMunicipality(scope, m.code, m.regionCode)).map((m) => m.code);
}

/** A unit lies inside the scope when all of its municipalities do (product.md). */
export async function unitInsideScope(db: Knex, scope: Scope, unitType: UnitType, unitCode: string): Promise<boolean> {
  if (scope.kind === 'country') return true;
  const geo = await geography(db);
  const members = geo.unit(unitType, unitCode)?.municipalityCodes ?? [];
  return members.length > 0 && members.every((code) => scopeHasMunicipality(scope, code, geo.municipality(code)!.regionCode));
}

/**
 * The ONE place a scope becomes SQL: restrict `column` (a municipality code column) to the scope.
 * Every query on patient-level or per-municipality data goes through this.
 */
export function whereInScope<T extends Knex.QueryBuilder>(query: T, scope: Scope, column = 'municipality_code'): T {
  if (scope.kind === 'municipality') return query.where(column, scope.code) as T;
  if (scope.kind === 'department') return query.whereRaw('1 = 0') as T;
  if (scope.kind === 'region') {
    return query.whereIn(column, function regionMunicipalities(this: Knex.QueryBuilder) {
      this.select('code').from('municipalities').where('region_code', scope.code);
    }) as T;
  }
  return query;
}

/**
 * Rows where at least one of `columns` holds a scope code ('751', '1082', 'DK') lying inside the scope
 * (users.scope, audit_log.actor_scope …). For DK every row, NULLs included.
 */
export function whereScopeCodesInScope<T extends Knex.QueryBuilder>(query: T, scope: Scope, ...columns: string[]): T {
  if (scope.kind === 'country') return query;
  return query.where(function anyColumnInScope(this: Knex.QueryBuilder) {
    for (const column of columns) {
      if (scope.kind === 'municipality' || scope.kind === 'department') this.orWhere(column, scope.code);
      else {
        this.orWhere(column, scope.code).orWhereIn(column, function regionMunicipalities(this: Knex.QueryBuilder) {
          this.select('code').from('municipalities').where('region_code', scope.code);
        }).orWhereIn(column, function regionDepartments(this: Knex.QueryBuilder) {
          this.select('sor_code').from('hospitals').where('region_code', scope.code);
        });
      }
    }
  }) as T;
}

/**
 * Referrals sent from departments in the scope (pathway.md §2): a department's own, a region's departments', all
 * for DK; none for a municipality scope. `column` holds a `hospitals` code.
 */
export function whereSentFromScope<T extends Knex.QueryBuilder>(query: T, scope: Scope, column = 'sor_code'): T {
  if (scope.kind === 'department') return query.where(column, scope.code) as T;
  if (scope.kind === 'region') {
    return query.whereIn(column, function regionDepartments(this: Knex.QueryBuilder) {
      this.select('sor_code').from('hospitals').where('region_code', scope.code);
    }) as T;
  }
  if (scope.kind === 'country') return query;
  return query.whereRaw('1 = 0') as T;
}

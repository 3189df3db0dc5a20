import type { Scope } from './scope';

export const ROLES = ['therapist', 'quality', 'exporter', 'admin', 'hospital'] as const;
export type Role = (typeof ROLES)[number];

export interface CurrentUser {
  id: number;
  email: string;
  name: string;
  roles: Role[];
  scope: Scope;
  mustChangePassword: boolean;
  /** how this request was authenticated */
  via: 'session' | 'token';
}

/** Every action a route can ask for, with who may do it (product.md's table). */
const ACTIONS = {
  'indicators.read': { roles: ['therapist', 'quality', 'exporter', 'admin', 'hospital'], patientLevel: false },
  // pathway.md §2
  'pathway.read': { roles: ['therapist', 'quality', 'exporter', 'admin', 'hospital'], patientLevel: false },
  'referrals.read': { roles: ['therapist', 'quality', 'exporter'], patientLevel: true },
  'referrals.submit': { roles: ['hospital'], patientLevel: false },
  'hospitals.admin': { roles: ['admin'], patientLevel: false },
  'courses.read': { roles: ['therapist', 'quality', 'exporter'], patientLevel: true },
  'courses.write': { roles: ['therapist'], patientLevel: true },
  'courses.import': { roles: ['therapist'], patientLevel: true },
  'fhir.import': { roles: ['therapist'], patientLevel: true },
  'courses.export': { roles: ['therapist', 'exporter'], patientLevel: true },
  'submissions': { roles: ['exporter'], patientLevel: false },
  'admin': { roles: ['admin'], patientLevel: false },
} as const satisfies Record<string, { roles: readonly Role[]; patientLevel: boolean }>;

export type Action = keyof typeof ACTIONS;

/** Patient-level actions need a municipality scope; submissions need a municipality or region scope. */
function scopeAllows(action: Action, scope: Scope): boolean {
  if (ACTIONS[action].patientLevel) return scope.kind === 'municipality';
  if (action === 'submissions') return scope.kind === 'municipality' || scope.kind === 'region';
  if (action === 'referrals.submit') return scope.kind === 'department' || scope.kind === 'region';
  if (action === 'hospitals.admin') return scope.kind === 'country';
  return true;
}

/** May this user do this action at all (role and kind of scope)? Records are checked against the scope later (404). */
export function can(user: CurrentUser | undefined, action: Action): boolean {
  if (!user) return false;
  const roles: readonly Role[] = ACTIONS[action].roles;
  return user.roles.some((r) => roles.includes(r)) && scopeAllows(action, user.scope);
}

export function isPatientLevel(action: Action): boolean {
  return ACTIONS[action].patientLevel;
}

/**
 * The therapist role requires a municipality scope (product.md); the hospital role a department, region or DK
 * scope, and a department scope allows no other role (pathway.md §2).
 */
export function rolesFitScope(roles: Role[], scope: Scope): boolean {
  if (roles.includes('therapist') && scope.kind !== 'municipality') return false;
  if (roles.includes('hospital') && scope.kind === 'municipality') return false;
  return scope.kind !== 'department' || roles.every((r) => r === 'hospital');
}

/** A user whose only role is `hospital`: no indicator unit lies inside its scope (pathway.md §2). */
export function onlyHospital(user: CurrentUser): boolean {
  return user.roles.length > 0 && user.roles.every((r) => r === 'hospital');
}

/**
 * The scope against which indicator units are judged "inside" (product.md's "få data" rule): the user's own, except
 * for a user whose only role is `hospital`, for whom no unit lies inside, whatever the scope (pathway.md §2).
 */
export function indicatorScope(user: CurrentUser): Scope {
  if (!onlyHospital(user)) return user.scope;
  return { kind: 'department', code: user.scope.code, regionCode: '' };
}

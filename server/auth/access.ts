import type { Scope } from './scope';

export const ROLES = ['therapist', 'quality', 'exporter', 'admin'] as const;
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
  'indicators.read': { roles: ['therapist', 'quality', 'exporter', 'admin'], patientLevel: false },
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
  if (action === 'submissions') return scope.kind !== 'country';
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

/** The therapist role requires a municipality scope (product.md). */
export function rolesFitScope(roles: Role[], scope: Scope): boolean {
  return !roles.includes('therapist') || scope.kind === 'municipality';
}

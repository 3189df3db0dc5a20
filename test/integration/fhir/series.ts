import type { Bundle, FhirResource } from 'fhir/r4';
import {
  carePlan, citizen, encounter, focusCondition, organization, PI, plannedIntervention, referral, report,
} from '../../helpers/fhir-builder';

/** fhir.md's cardiac series: CPR 3001749995, a referral of 2025-03-03 from Holbæk Sygehus for DI214. */

export const CPR = '3001749995';
export const P = '7b0c3d52-6a4e-4c55-9a59-4b1f1f3e0001';
export const SR = '5f1d2c7a-0b6e-4a7e-8f11-2c3d4e5f0002';
export const DX = '0a9e8d7c-6b5a-4c3d-8e2f-1a2b3c4d0003';
export const HOSP = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d0004';
export const PLAN = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d0005';
export const PI_TRAIN = '2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e0006';
export const PI_EDU = '3e4f5a6b-7c8d-4e9f-0a1b-2c3d4e5f0007';
export const PI_DIET = '4f5a6b7c-8d9e-4f0a-1b2c-3d4e5f6a0008';
export const PI_TALK = '5a6b7c8d-9e0f-4a1b-2c3d-4e5f6a7b0009';
export const enc = (n: number) => `6b7c8d9e-0f1a-4b2c-3d4e-5f6a7b8c${String(n).padStart(4, '0')}`;

export interface Options { deceased?: boolean }

const patient = (o: Options = {}) => citizen(P, CPR, { deceased: o.deceased });
const referralParts = (): FhirResource[] => [
  organization(HOSP, '391951000016006'), focusCondition(DX, P, 'DI214'),
  referral(SR, P, '2025-03-03', { requester: HOSP, reasons: [DX] }),
];

/** (1) the referral, with an Afklarende samtale naming it. */
export function step1(o: Options = {}): Bundle {
  return report('2025-03-04T20:00:00Z', patient(o), [...referralParts(),
    plannedIntervention(PI_TALK, P, PI.clarifying, '2025-03-04', { referral: SR })]);
}

type PlanState = { detail?: 'in-progress' | 'completed' | 'cancelled'; status?: 'active' | 'completed' | 'revoked'; end?: string; reason?: string };

function planParts(state: PlanState = {}): FhirResource[] {
  const pi = (id: string, code: string) => plannedIntervention(id, P, code, '2025-03-10', {
    plan: PLAN, referral: SR, detail: state.detail === 'cancelled' ? 'cancelled' : state.detail, end: state.end,
    status: state.status === 'revoked' ? 'active' : state.status,
  });
  const plan = carePlan(PLAN, P, '2025-03-10', { detail: state.detail, status: state.status, end: state.end, reason: state.reason });
  const pis = [pi(PI_TRAIN, PI.training), pi(PI_EDU, PI.education), pi(PI_DIET, PI.diet)];
  for (const p of pis) if (p.activity?.[0].detail?.status === 'cancelled') p.activity[0].detail.statusReason = { coding: [{ code: state.reason }] };
  return [...referralParts(), plan, ...pis];
}

/** Training sessions: finished Encounters on the training PI, from 2025-03-12 every few days. */
export function sessions(from: number, to: number, status: 'finished' | 'entered-in-error' = 'finished'): FhirResource[] {
  const out: FhirResource[] = [];
  for (let n = from; n <= to; n++) {
    const day = new Date(Date.UTC(2025, 2, 10 + 3 * (n - 1))).toISOString().slice(0, 10);
    out.push(encounter(enc(n), P, day, PI_TRAIN, status));
  }
  return out;
}

/** (2) the CarePlan from 2025-03-10 with training, education and diet PIs naming the referral, one finished session. */
export function step2(o: Options = {}): Bundle {
  return report('2025-03-10T20:00:00Z', patient(o), [...planParts(), ...sessions(1, 1)]);
}

/** (3) sessions 2–5, then session 5 entered in error. */
export function step3a(): Bundle {
  return report('2025-03-24T20:00:00Z', patient(), [...planParts(), ...sessions(1, 5)]);
}
export function step3b(): Bundle {
  return report('2025-03-25T20:00:00Z', patient(), [...planParts(), ...sessions(1, 4), ...sessions(5, 5, 'entered-in-error')]);
}

/** (4) all completed, period.end 2025-06-02. */
export function step4(): Bundle {
  return report('2025-06-02T20:00:00Z', patient(), [...planParts({ detail: 'completed', status: 'completed', end: '2025-06-02' }),
    ...sessions(1, 4), ...sessions(5, 5, 'entered-in-error'), ...sessions(6, 20)]);
}

/** A cancelled plan after `n` sessions (0: before any), with a reason. */
export function cancelled(n: number, reason: string, o: Options = {}): Bundle {
  return report('2025-04-20T20:00:00Z', patient(o), [...planParts({ detail: 'cancelled', status: 'active', end: '2025-04-20', reason }),
    ...(n ? sessions(1, n) : [])]);
}

/** A second cardiac referral while the first course is open. */
export function secondReferral(): Bundle {
  return report('2025-04-02T20:00:00Z', patient(), [
    organization(HOSP, '391951000016006'), focusCondition('dx-2', P, 'DI500'),
    referral('sr-2', P, '2025-04-01', { requester: HOSP, reasons: ['dx-2'] }),
  ]);
}

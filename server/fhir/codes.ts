/** The IG's systems and codes and fhir.md's tables (diagnoses, interventions, reasons), as data. */

export const SYSTEM = {
  cpr: 'urn:oid:1.2.208.176.1.2',
  sor: 'urn:oid:1.2.208.176.1.1',
  fkorg: 'https://kombit.dk/sts/organisation',
  sks: 'urn:oid:1.2.208.176.2.4.12',
  icpc2: 'urn:oid:1.2.208.176.2.31',
  fsiii: 'urn:oid:1.2.208.176.2.21',
  kl: 'http://fhir.kl.dk/term/CodeSystem/CareSocialCodes',
  issue: 'urn:hjertekvalitet:issue',
} as const;

const SD = 'http://fhir.kl.dk/prevention/StructureDefinition/';
export const PROFILE_DELIVERY_REPORT = SD + 'klgateway-119-delivery-report';
export const EXT_BASED_ON_SERVICE_REQUEST = SD + 'BasedOnServiceRequestExtension';
export const EXT_BASED_ON_CARE_PLAN = SD + 'BasedOnCarePlanExtension';

export const RESOURCE_TYPES = ['Patient', 'Organization', 'Condition', 'ServiceRequest', 'CarePlan', 'Encounter'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** FHIR R4 value sets of the statuses read. */
export const REQUEST_STATUS = ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'unknown'] as const;
export const CAREPLAN_ACTIVITY_STATUS = ['not-started', 'scheduled', 'in-progress', 'on-hold', 'completed', 'cancelled',
  'stopped', 'unknown', 'entered-in-error'] as const;
export const ENCOUNTER_STATUS = ['planned', 'arrived', 'triaged', 'in-progress', 'onleave', 'finished', 'cancelled',
  'entered-in-error', 'unknown'] as const;

export const CATEGORY_INTERVENTION = '5c160c02-e858-4c1f-925a-71ed64844749';
export const CATEGORY_FOLLOW_UP = '9791e55a-656f-47eb-8fd5-c4a06b0a4662';

export type DiagnosisGroup = 'ihd' | 'heart_failure' | 'valve' | 'arrhythmia' | 'other';

const range = (prefix: string, from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => prefix + String(from + i).padStart(2, '0'));

/** fhir.md's diagnosis table: a code matches a row when it starts with one of the row's codes. */
const DIAGNOSES: { group: DiagnosisGroup; sks: string[]; icpc2: string[] }[] = [
  { group: 'ihd', sks: range('DI', 20, 25), icpc2: ['K74', 'K75', 'K76'] },
  { group: 'heart_failure', sks: ['DI42', 'DI43', 'DI50', 'DI110', 'DI130', 'DI132'], icpc2: ['K77'] },
  { group: 'valve', sks: [...range('DI', 5, 8), ...range('DI', 34, 39)], icpc2: ['K83'] },
  { group: 'arrhythmia', sks: range('DI', 44, 49), icpc2: ['K78', 'K79', 'K80'] },
  { group: 'other', sks: ['DI01', 'DI09', ...range('DI', 30, 33), 'DI40', 'DI41', 'DI51', 'DI52'], icpc2: ['K84'] },
];

/** The diagnosis group of an SKS or ICPC-2 code, or null (not cardiac). */
export function diagnosisGroupOf(system: string | undefined, code: string | undefined): DiagnosisGroup | null {
  if (!code) return null;
  const key = system === SYSTEM.sks ? 'sks' : system === SYSTEM.icpc2 ? 'icpc2' : null;
  if (!key) return null;
  return DIAGNOSES.find((d) => d[key].some((p) => code.startsWith(p)))?.group ?? null;
}

export type InterventionVariable = 'training_attended' | 'education' | 'diet' | 'smoking_cessation' | 'psych_followup';

/** FSIII level-2 intervention codes (KLInterventionCodes119) → the variable they feed. */
export const INTERVENTIONS: Readonly<Record<string, InterventionVariable | null>> = {
  'ab87c0b5-40be-4e0a-b749-d9f833bfed2d': 'training_attended', // Fysisk træning
  'e71b7d85-5c78-49c2-8624-8499d162317b': 'education', // Sygdomshåndtering
  'cf7a55c2-7061-47ed-b7c5-e29620fe93bf': 'diet', // Diætbehandling
  '6d24992e-e0a2-43e7-bc27-0234622a8655': 'smoking_cessation', // Nikotin- og tobaksafvænning
  'c203c6b5-3be0-40a8-8204-e93751deabf5': 'smoking_cessation', // Tobaksafvænning (older FSIII)
  'f30cab6d-2a42-4358-99d7-811127fb6e05': 'psych_followup', // Mental håndtering
  '6eddbaf7-2a73-49d4-91e7-6138d419f58c': null, // Afklarende samtale
  'ee5606ac-1bed-487e-aa3c-72dcc30ec037': null, // Behovssamtale
  '03a3ebdb-9e2d-4be1-b32b-42f0bd2a3362': null, // Afsluttende samtale
  'c9a99304-1788-43b7-b7be-e187b092ae9c': null, // Kostvejledning
  '01a500f6-c221-4fd0-b518-cd361218b60d': null, // Madlavning i praksis
  'abe847e0-1ce0-44dc-a675-ce05b66f47e6': null, // Vejledning og introduktion til fysiske aktiviteter
  '61692d91-69b8-4830-9453-3d58454e49d3': null, // Færdighedstræning
  '924e9828-84cf-4689-9551-0ebb6dc71b98': null, // Samtale om alkohol
  'd1e016b5-150a-4ac4-97ba-d3e19e28471e': null, // Opfølgning
};

export const TRAINING = 'ab87c0b5-40be-4e0a-b749-d9f833bfed2d';

/** IG rule klgateway-119-intervention-1: these treatment PIs must be part of a CarePlan (basedOn). */
export const NEEDS_PLAN = new Set([
  'f30cab6d-2a42-4358-99d7-811127fb6e05', 'e71b7d85-5c78-49c2-8624-8499d162317b', '01a500f6-c221-4fd0-b518-cd361218b60d',
  'c203c6b5-3be0-40a8-8204-e93751deabf5', 'c9a99304-1788-43b7-b7be-e187b092ae9c', 'ab87c0b5-40be-4e0a-b749-d9f833bfed2d',
  '61692d91-69b8-4830-9453-3d58454e49d3', 'abe847e0-1ce0-44dc-a675-ce05b66f47e6', 'd1e016b5-150a-4ac4-97ba-d3e19e28471e',
  'cf7a55c2-7061-47ed-b7c5-e29620fe93bf', '924e9828-84cf-4689-9551-0ebb6dc71b98',
]);
/** IG rule klgateway-119-intervention-2: the talks are never part of a CarePlan. */
export const NO_PLAN = new Set([
  '03a3ebdb-9e2d-4be1-b32b-42f0bd2a3362', 'ee5606ac-1bed-487e-aa3c-72dcc30ec037', '6eddbaf7-2a73-49d4-91e7-6138d419f58c',
]);

export interface Reason {
  /** started: outcome / dropout_reason (null: not derived) */
  outcome: 'dropped_out' | null;
  dropout: 'own_wish' | 'illness' | 'other' | null;
  /** not started: not_started_reason (null: not derived) */
  notStarted: 'declined' | 'other' | 'not_reached' | null;
}

const dropped = (dropout: Reason['dropout'], notStarted: Reason['notStarted']): Reason => ({ outcome: 'dropped_out', dropout, notStarted });

/** The IG's CancellationTypes (KL codes) → fhir.md's reason table. */
export const REASONS: Readonly<Record<string, Reason>> = {
  '3a5a72b7-addf-4857-b80c-04e4246e3072': dropped('own_wish', 'declined'),
  '0cd5734d-b663-47c6-a3da-6b14a937d144': dropped('illness', 'declined'),
  'f8436c2e-af1c-44fe-939d-473b518dd01d': dropped('other', 'declined'),
  '8371b769-4bfb-4ac8-b130-d91c54784a56': dropped('other', 'declined'),
  'a3f2bd01-078b-486e-81be-797d192ad7bd': dropped('other', 'other'),
  '4bbf6d6a-a1c6-41c2-b8c1-7352b7378adf': dropped('own_wish', 'declined'),
  'a63b6aa6-7d56-4e67-a5b3-d73f6d262af5': { outcome: null, dropout: null, notStarted: 'other' },
  '82e99421-31da-4915-96ed-168ccfa1d20c': { outcome: null, dropout: null, notStarted: null },
  'ef491570-7884-4acd-bcf7-43d6b2c64762': dropped('other', 'not_reached'),
};

/** A real SOR code (pathway.md §1): 10–18 digits, not starting with 0. */
export function isSorCode(v: unknown): v is string {
  return typeof v === 'string' && /^[1-9][0-9]{9,17}$/.test(v);
}

import type { Bundle, CarePlan, Condition, Encounter, FhirResource, Organization, Patient, ServiceRequest } from 'fhir/r4';

/** Delivery reports in the shape of the KL Gateway §119 profiles (for tests and the bench), typed by @types/fhir. */

const SD = 'http://fhir.kl.dk/prevention/StructureDefinition/';
const KL = 'http://fhir.kl.dk/term/CodeSystem/CareSocialCodes';
export const HOLBAEK_SOR = '451000016003';

export const PI = {
  training: 'ab87c0b5-40be-4e0a-b749-d9f833bfed2d',
  education: 'e71b7d85-5c78-49c2-8624-8499d162317b',
  diet: 'cf7a55c2-7061-47ed-b7c5-e29620fe93bf',
  smoking: '6d24992e-e0a2-43e7-bc27-0234622a8655',
  psych: 'f30cab6d-2a42-4358-99d7-811127fb6e05',
  clarifying: '6eddbaf7-2a73-49d4-91e7-6138d419f58c',
} as const;

export const REASON = {
  illness: '0cd5734d-b663-47c6-a3da-6b14a937d144',
  event: '82e99421-31da-4915-96ed-168ccfa1d20c',
  notReached: 'ef491570-7884-4acd-bcf7-43d6b2c64762',
  ownWish: '3a5a72b7-addf-4857-b80c-04e4246e3072',
} as const;

const meta = (profile: string) => ({ profile: [SD + profile] });
const ref = (type: string, id: string) => ({ reference: `${type}/${id}` });

export function citizen(id: string, cpr: string, opts: { deceased?: boolean; active?: boolean; sor?: string } = {}): Patient {
  const p: Patient = {
    resourceType: 'Patient', id, meta: meta('klgateway-119-citizen'),
    identifier: [{ use: 'official', system: 'urn:oid:1.2.208.176.1.2', value: cpr }],
    deceasedBoolean: opts.deceased ?? false,
    managingOrganization: { identifier: { use: 'official', system: 'urn:oid:1.2.208.176.1.1', value: opts.sor ?? HOLBAEK_SOR } },
  };
  if (opts.active !== undefined) p.active = opts.active;
  return p;
}

export function organization(id: string, sor: string): Organization {
  return { resourceType: 'Organization', id, meta: meta('klgateway-119-organization'), identifier: [{ system: 'urn:oid:1.2.208.176.1.1', value: sor }] };
}

export function focusCondition(id: string, patient: string, code: string, opts: { eie?: boolean; system?: string } = {}): Condition {
  const c: Condition = {
    resourceType: 'Condition', id, meta: meta('klgateway-119-focus-condition'),
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: opts.system ?? 'urn:oid:1.2.208.176.2.4.12', code }] }, subject: ref('Patient', patient),
  };
  if (opts.eie) c.verificationStatus = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'entered-in-error' }] };
  return c;
}

export function referral(id: string, patient: string, authoredOn: string, opts: { requester?: string; reasons?: string[];
  status?: ServiceRequest['status']; replaces?: string } = {}): ServiceRequest {
  const s: ServiceRequest = {
    resourceType: 'ServiceRequest', id, meta: meta('klgateway-119-servicerequest'), status: opts.status ?? 'active', intent: 'plan',
    code: { coding: [{ system: KL, code: 'a71921ea-fe83-441d-933b-cc21d0b3c8c3' }] }, subject: ref('Patient', patient), authoredOn,
  };
  if (opts.requester) s.requester = ref('Organization', opts.requester);
  if (opts.reasons) s.reasonReference = opts.reasons.map((r) => ref('Condition', r));
  if (opts.replaces) s.replaces = [ref('ServiceRequest', opts.replaces)];
  return s;
}

type DetailStatus = NonNullable<NonNullable<NonNullable<CarePlan['activity']>[number]['detail']>['status']>;

export function carePlan(id: string, patient: string, start: string, opts: { end?: string; status?: CarePlan['status'];
  detail?: DetailStatus; reason?: string; category?: string } = {}): CarePlan {
  const detail: NonNullable<NonNullable<CarePlan['activity']>[number]['detail']> = { status: opts.detail ?? 'in-progress', performer: [ref('Organization', 'udfoerer')] };
  if (opts.reason) detail.statusReason = { coding: [{ system: KL, code: opts.reason }] };
  return {
    resourceType: 'CarePlan', id, meta: meta('klgateway-119-care-plan'), status: opts.status ?? 'active', intent: 'plan',
    category: [{ coding: [{ system: KL, code: opts.category ?? '5c160c02-e858-4c1f-925a-71ed64844749' }] }],
    subject: ref('Patient', patient), period: opts.end ? { start, end: opts.end } : { start }, activity: [{ detail }],
  };
}

export function plannedIntervention(id: string, patient: string, code: string, start: string, opts: { plan?: string; referral?: string;
  end?: string; status?: CarePlan['status']; detail?: DetailStatus } = {}): CarePlan {
  const c: CarePlan = {
    resourceType: 'CarePlan', id, meta: meta('klgateway-119-planned-intervention'), status: opts.status ?? 'active', intent: 'plan',
    subject: ref('Patient', patient), period: opts.end ? { start, end: opts.end } : { start },
    activity: [{ detail: { code: { coding: [{ system: 'urn:oid:1.2.208.176.2.21', code }] }, status: opts.detail ?? 'in-progress',
      performer: [ref('Organization', 'udfoerer')] } }],
  };
  if (opts.referral) c.extension = [{ url: SD + 'BasedOnServiceRequestExtension', valueReference: ref('ServiceRequest', opts.referral) }];
  if (opts.plan) c.basedOn = [ref('CarePlan', opts.plan)];
  return c;
}

export function encounter(id: string, patient: string, start: string, plan: string, status: Encounter['status'] = 'finished'): Encounter {
  return {
    resourceType: 'Encounter', id, meta: meta('klgateway-119-encounter'), status,
    extension: [{ url: SD + 'BasedOnCarePlanExtension', valueReference: ref('CarePlan', plan) }],
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: ref('Patient', patient), period: { start: `${start}T10:00:00Z`, end: `${start}T11:00:00Z` },
  };
}

/** A delivery report: the citizen first, then the resources, each with a `Type/id` fullUrl. */
export function report(timestamp: string, patient: Patient, resources: FhirResource[], id = `r-${timestamp}`): Bundle {
  return {
    resourceType: 'Bundle', id: id.replace(/[^A-Za-z0-9\-.]/g, '-').slice(0, 64), meta: meta('klgateway-119-delivery-report'),
    type: 'collection', timestamp,
    entry: [patient, organization('udfoerer', '1037791000016002'), ...resources]
      .map((r) => ({ fullUrl: `https://test.fhir.dk/${r.resourceType}/${r.id}`, resource: r })),
  };
}

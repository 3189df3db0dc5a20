/** The reduced form of the resources read: what the store keeps and the derivation reads (fhir.md "Store"). */

export interface Ref { type: string; id: string }

export interface OrganizationData { sor: string | null; fkorg: boolean }
export interface ConditionData { codes: { system: string; code: string }[]; eie: boolean }
export interface ServiceRequestData {
  status: string;
  /** Danish calendar date */
  authoredOn: string;
  requester: string | null;
  reasons: string[];
  replaces: string | null;
}
export interface PlanData {
  kind: 'plan';
  category: string;
  status: string;
  detailStatus: string;
  reason: string | null;
  start: string;
  end: string | null;
}
export interface PiData {
  kind: 'pi';
  code: string | null;
  status: string;
  detailStatus: string;
  start: string;
  end: string | null;
  plan: string | null;
  serviceRequest: string | null;
}
export interface EncounterData { status: string; start: string; plan: string | null }

export type Reduced =
  | { type: 'Organization'; id: string; data: OrganizationData }
  | { type: 'Condition'; id: string; data: ConditionData }
  | { type: 'ServiceRequest'; id: string; data: ServiceRequestData }
  | { type: 'CarePlan'; id: string; data: PlanData | PiData }
  | { type: 'Encounter'; id: string; data: EncounterData };

export type StoredType = Reduced['type'];

/** A citizen's resources by type and id (the store merged with a bundle). */
export interface CitizenResources {
  organizations: Map<string, OrganizationData>;
  conditions: Map<string, ConditionData>;
  serviceRequests: Map<string, ServiceRequestData>;
  carePlans: Map<string, PlanData | PiData>;
  encounters: Map<string, EncounterData>;
  deceased: boolean;
}

export function emptyResources(): CitizenResources {
  return {
    organizations: new Map(), conditions: new Map(), serviceRequests: new Map(), carePlans: new Map(),
    encounters: new Map(), deceased: false,
  };
}

export function mapOf(r: CitizenResources, type: StoredType): Map<string, unknown> {
  switch (type) {
    case 'Organization': return r.organizations;
    case 'Condition': return r.conditions;
    case 'ServiceRequest': return r.serviceRequests;
    case 'CarePlan': return r.carePlans;
    case 'Encounter': return r.encounters;
  }
}

/** Put a reduced resource in its map. */
export function put(r: CitizenResources, res: Reduced): void {
  mapOf(r, res.type).set(res.id, res.data);
}

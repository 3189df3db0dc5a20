import type { CheckedBundle } from './check';
import { at, type Finding } from './findings';
import { emptyResources, mapOf, put, type CitizenResources, type Reduced, type StoredType } from './model';
import type { StoredRow } from './queries';

/** The store merged with a bundle: a stored version is replaced only by the same or a later `timestamp`. */

export const CITIZEN_TYPE = 'Citizen';

export interface Merged {
  resources: CitizenResources;
  /** the bundle's resources that replace (or add to) the store */
  accepted: (Reduced & { index: number })[];
  /** whether the bundle's citizen flags (deceased, active) are current */
  citizenCurrent: boolean;
  findings: Finding[];
}

const later = (a: string, b: string) => Date.parse(a) > Date.parse(b);

/** Build the citizen's resources from the stored rows and the bundle (stale versions ignored, other CPRs refused). */
export function mergeBundle(rows: StoredRow[], b: CheckedBundle, cprHash: string, citizenId: string): Merged {
  const resources = emptyResources();
  const byKey = new Map(rows.map((r) => [`${r.resource_type}/${r.resource_id}`, r]));
  const findings: Finding[] = [];
  for (const r of rows) {
    if (r.resource_type === CITIZEN_TYPE) continue;
    if (r.cpr_hash === cprHash || r.cpr_hash === null) put(resources, { type: r.resource_type, id: r.resource_id, data: JSON.parse(r.data) } as Reduced);
  }
  const citizen = byKey.get(`${CITIZEN_TYPE}/${citizenId}`);
  const citizenCurrent = !citizen || !later(citizen.bundle_timestamp, b.timestamp);
  resources.deceased = citizenCurrent ? b.deceased : JSON.parse(citizen!.data).deceased === true;
  const accepted: Merged['accepted'] = [];
  for (const res of b.resources) {
    const stored = byKey.get(`${res.type}/${res.id}`);
    if (stored && stored.cpr_hash !== null && stored.cpr_hash !== cprHash) {
      findings.push(at('patient_mismatch', `Bundle.entry[${res.index}].resource.id`, { ref: `${res.type}/${res.id}` }));
      continue;
    }
    if (stored && later(stored.bundle_timestamp, b.timestamp)) {
      findings.push(at('stale_resource', `Bundle.entry[${res.index}]`, { ref: `${res.type}/${res.id}` }));
      continue;
    }
    put(resources, res);
    accepted.push(res);
  }
  return { resources, accepted, citizenCurrent, findings };
}

/** What the store keeps of an accepted resource (fhir.md: stubs of non-cardiac referrals; nothing of no cardiac course). */
export function keptForm(res: Reduced, resources: CitizenResources, cardiacSr: Set<string>, anyCardiac: boolean): unknown | null {
  switch (res.type) {
    case 'ServiceRequest': return cardiacSr.has(res.id) ? res.data : { ...res.data, requester: null };
    case 'Condition': return [...resources.serviceRequests.entries()].some(([id, sr]) => cardiacSr.has(id) && sr.reasons.includes(res.id)) ? res.data : null;
    case 'Organization': return [...resources.serviceRequests.entries()].some(([id, sr]) => cardiacSr.has(id) && sr.requester === res.id) ? res.data : null;
    default: return anyCardiac ? res.data : null;
  }
}

export function storedType(type: string): type is StoredType {
  return ['Organization', 'Condition', 'ServiceRequest', 'CarePlan', 'Encounter'].includes(type);
}

export { mapOf };

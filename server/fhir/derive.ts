import { CATEGORY_INTERVENTION } from './codes';
import { deriveCourse, diagnosisOf, live, type Attached } from './derive-course';
import { at, type Finding } from './findings';
import type { CitizenResources, PiData, PlanData, ServiceRequestData } from './model';

/** fhir.md "From resources to courses" and "Mapping": a citizen's stored resources → one derivation per referral. */

export type SorKind = 'hospital' | 'gp' | 'municipality' | 'other';
/** The kind of a SOR code: `hospitals` first, then the SOR list; null when unknown. */
export type SorLookup = (sor: string) => SorKind | null;

export type Derived = Partial<Record<string, string | number>>;

export interface ReferralDerivation {
  /** the course's key: the first ServiceRequest of its `replaces` chain */
  referralId: string;
  /** every ServiceRequest id of the chain (a course may be linked by any of them) */
  serviceRequestIds: string[];
  /** cardiac and not entered in error: a course exists for it */
  cardiac: boolean;
  values: Derived;
  referralSor: string | null;
  findings: Finding[];
}

const byDateThenId = <T extends { date: string; id: string }>(a: T, b: T) => a.date.localeCompare(b.date) || a.id.localeCompare(b.id);

function chains(res: CitizenResources): Map<string, string[]> {
  const rootOf = (id: string): string => {
    const seen = new Set<string>();
    let cur = id;
    while (!seen.has(cur)) {
      seen.add(cur);
      const next = res.serviceRequests.get(cur)?.replaces;
      if (!next || !res.serviceRequests.has(next)) break;
      cur = next;
    }
    return cur;
  };
  const groups = new Map<string, string[]>();
  for (const id of [...res.serviceRequests.keys()].sort()) {
    const root = rootOf(id);
    groups.set(root, [...(groups.get(root) ?? []), id]);
  }
  return groups;
}

function referralOf(res: CitizenResources, ids: string[]): { id: string; sr: ServiceRequestData } | null {
  const alive = ids.map((id) => ({ id, sr: res.serviceRequests.get(id)!, date: res.serviceRequests.get(id)!.authoredOn }))
    .filter((x) => live(x.sr.status)).sort(byDateThenId);
  return alive[0] ?? null;
}

/** Which course (chain root) each Interventionsforløb CarePlan joins (fhir.md "Attaching"). */
function attachPlans(res: CitizenResources, srRoot: Map<string, string>, cardiacRoots: Set<string>, findings: Finding[]): Map<string, string> {
  const planRoot = new Map<string, string>();
  const activeReferrals = [...res.serviceRequests.entries()].filter(([, sr]) => sr.status === 'active');
  for (const [planId, plan] of [...res.carePlans.entries()].sort()) {
    if (plan.kind !== 'plan' || !live(plan.status) || plan.category !== CATEGORY_INTERVENTION) continue;
    const pis = [...res.carePlans.entries()].filter(([, p]) => p.kind === 'pi' && p.plan === planId && live(p.status))
      .sort(([a], [b]) => a.localeCompare(b)) as [string, PiData][];
    const linked = pis.map(([, p]) => p.serviceRequest).filter((x): x is string => x !== null);
    let root: string | undefined;
    if (linked.length) {
      root = linked.map((sr) => srRoot.get(sr)).find((r) => r !== undefined && cardiacRoots.has(r));
    } else if (activeReferrals.length === 1) {
      const [srId, sr] = activeReferrals[0];
      const r = srRoot.get(srId);
      if (r && cardiacRoots.has(r) && sr.authoredOn <= plan.start) {
        root = r;
        findings.push(at('linked_by_date', null, { ref: `CarePlan/${planId}` }));
      }
    }
    if (root) planRoot.set(planId, root);
    else if (cardiacRoots.size) findings.push(at('careplan_unlinked', null, { ref: `CarePlan/${planId}` }));
  }
  return planRoot;
}

function attachedTo(res: CitizenResources, root: string, planRoot: Map<string, string>): Attached {
  const plans = [...res.carePlans.entries()].filter(([id, p]) => p.kind === 'plan' && planRoot.get(id) === root) as [string, PlanData][];
  const planIds = new Set(plans.map(([id]) => id));
  const pis = [...res.carePlans.entries()].filter(([, p]) => p.kind === 'pi' && live(p.status) && p.plan !== null && planIds.has(p.plan)) as [string, PiData][];
  const piIds = new Set(pis.map(([id]) => id));
  const encounters = [...res.encounters.entries()]
    .filter(([, e]) => live(e.status) && e.plan !== null && (planIds.has(e.plan) || piIds.has(e.plan)));
  return { plans, pis, encounters };
}

/** Every referral of the citizen judged: cardiac ones carry the derived course values. */
export function deriveReferrals(res: CitizenResources, sorKind: SorLookup): { referrals: ReferralDerivation[]; findings: Finding[] } {
  const groups = chains(res);
  const srRoot = new Map<string, string>();
  for (const [root, ids] of groups) for (const id of ids) srRoot.set(id, root);
  const heads = new Map<string, { id: string; sr: ServiceRequestData } | null>();
  const cardiacRoots = new Set<string>();
  for (const [root, ids] of groups) {
    const head = referralOf(res, ids);
    heads.set(root, head);
    if (head && diagnosisOf(res, head.sr)) cardiacRoots.add(root);
  }
  const findings: Finding[] = [];
  const planRoot = attachPlans(res, srRoot, cardiacRoots, findings);
  const referrals = [...groups.entries()].map(([root, ids]): ReferralDerivation => {
    const head = heads.get(root);
    const base = { referralId: root, serviceRequestIds: ids, referralSor: null, findings: [] as Finding[] };
    if (!head || !cardiacRoots.has(root)) return { ...base, cardiac: false, values: {} };
    const d = deriveCourse(res, head.sr, attachedTo(res, root, planRoot), sorKind);
    return { ...base, cardiac: true, values: d.values, referralSor: d.referralSor, findings: d.findings };
  });
  return { referrals, findings };
}


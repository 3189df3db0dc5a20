import { VARIABLE } from '../courses/variables';
import { INTERVENTIONS, REASONS, TRAINING, CATEGORY_INTERVENTION, diagnosisGroupOf, SYSTEM, type InterventionVariable } from './codes';
import { at, type Finding } from './findings';
import type { CitizenResources, EncounterData, PiData, PlanData, ServiceRequestData } from './model';

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

const live = (status: string) => status !== 'entered-in-error';
const closedEarly = (p: PlanData | PiData) => p.detailStatus === 'cancelled' || p.detailStatus === 'stopped' || p.status === 'revoked';
const completed = (p: PlanData | PiData) => p.detailStatus === 'completed' || (p.status === 'completed' && !closedEarly(p));
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

/** The diagnosis of a referral: the first reason, in reasonReference order, that the table maps. */
function diagnosisOf(res: CitizenResources, sr: ServiceRequestData): { group: string; code: string; system: string } | null {
  for (const id of sr.reasons) {
    const c = res.conditions.get(id);
    if (!c || c.eie) continue;
    for (const x of c.codes) {
      const group = diagnosisGroupOf(x.system, x.code);
      if (group) return { group, code: x.code, system: x.system };
    }
  }
  return null;
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

interface Attached { plans: [string, PlanData][]; pis: [string, PiData][]; encounters: [string, EncounterData][] }

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

function referralSource(res: CitizenResources, sr: ServiceRequestData, sorKind: SorLookup, findings: Finding[]):
  { source: string | null; sor: string | null } {
  if (!sr.requester) return { source: null, sor: null };
  const org = res.organizations.get(sr.requester);
  if (org?.sor) {
    const kind = sorKind(org.sor);
    if (kind === null) findings.push(at('requester_unknown', null, { sor: org.sor }));
    return { source: kind === null ? null : kind === 'hospital' ? 'hospital' : kind === 'gp' ? 'gp' : 'other', sor: org.sor };
  }
  if (org?.fkorg) return { source: 'other', sor: null };
  findings.push(at('requester_unknown', null, { sor: sr.requester }));
  return { source: null, sor: null };
}

/** The plan that decides outcome and reasons: the one holding a Fysisk træning PI, else the one that ended last. */
function decidingPlan(a: Attached): PlanData | null {
  const withTraining = a.plans.filter(([id]) => a.pis.some(([, p]) => p.plan === id && p.code === TRAINING));
  if (withTraining.length === 1) return withTraining[0][1];
  const sorted = [...a.plans].sort(([ia, x], [ib, y]) => (x.end ?? x.start).localeCompare(y.end ?? y.start) || ia.localeCompare(ib));
  return sorted.length ? sorted[sorted.length - 1][1] : null;
}

function deriveCourse(res: CitizenResources, sr: ServiceRequestData, a: Attached, sorKind: SorLookup):
  { values: Derived; referralSor: string | null; findings: Finding[] } {
  const findings: Finding[] = [];
  const values: Derived = { referral_date: sr.authoredOn };
  const { source, sor } = referralSource(res, sr, sorKind, findings);
  if (source) values.referral_source = source;
  const dx = diagnosisOf(res, sr)!;
  values.diagnosis_group = dx.group;
  if (dx.system === SYSTEM.sks && VARIABLE.icd10.pattern!.test(dx.code)) values.icd10 = dx.code;
  const finished = a.encounters.filter(([, e]) => e.status === 'finished');
  const started = finished.length > 0;
  const deciding = decidingPlan(a);
  if (started) {
    values.start_date = [...a.plans.map(([, p]) => p.start), ...finished.map(([, e]) => e.start)].sort()[0];
  } else if (res.deceased) {
    values.not_started_reason = 'died';
  } else if (a.plans.length && a.plans.every(([, p]) => closedEarly(p)) && deciding?.reason) {
    const r = REASONS[deciding.reason]?.notStarted;
    if (r) values.not_started_reason = r;
  }
  Object.assign(values, interventions(a, finished));
  if (started) closing(a, deciding, res.deceased, values, findings);
  return { values, referralSor: sor, findings };
}

const RANK: Record<InterventionVariable, string[]> = {
  training_attended: [],
  education: ['completed', 'partial'],
  diet: ['received'],
  smoking_cessation: ['completed', 'started'],
  psych_followup: ['in_course'],
};

function interventions(a: Attached, finished: [string, EncounterData][]): Derived {
  const out: Derived = {};
  const sessionsOn = (id: string) => new Set(finished.filter(([, e]) => e.plan === id).map(([eid]) => eid));
  for (const [id, pi] of a.pis) {
    const variable = pi.code ? INTERVENTIONS[pi.code] : null;
    if (!variable || variable === 'training_attended') continue;
    const n = sessionsOn(id).size;
    const done = completed(pi);
    const v = variable === 'education' ? (done ? 'completed' : closedEarly(pi) && n > 0 ? 'partial' : null)
      : variable === 'smoking_cessation' ? (done ? 'completed' : n > 0 ? 'started' : null)
        : variable === 'diet' ? (done || n > 0 ? 'received' : null)
          : (done || n > 0 ? 'in_course' : null);
    const cur = out[variable] as string | undefined;
    if (v && (cur === undefined || RANK[variable].indexOf(v) < RANK[variable].indexOf(cur))) out[variable] = v;
  }
  const trainingPis = a.pis.filter(([, p]) => p.code === TRAINING);
  if (trainingPis.length) {
    const ids = new Set<string>();
    for (const [id] of trainingPis) for (const e of sessionsOn(id)) ids.add(e);
    for (const [planId] of a.plans) {
      const treatment = a.pis.filter(([, p]) => p.plan === planId && p.code && INTERVENTIONS[p.code]);
      if (treatment.length && treatment.every(([, p]) => p.code === TRAINING)) for (const e of sessionsOn(planId)) ids.add(e);
    }
    out.training_attended = ids.size;
  }
  return out;
}

function closing(a: Attached, deciding: PlanData | null, deceased: boolean, values: Derived, findings: Finding[]): void {
  const plans = a.plans.map(([, p]) => p);
  if (plans.length && plans.every((p) => completed(p) || closedEarly(p))) {
    if (plans.every((p) => p.end)) values.end_date = plans.map((p) => p.end!).sort().at(-1)!;
    else findings.push(at('not_applied', null, { variable: 'end_date', rule: 'end_missing' }));
  }
  // outcome applies only with end_date (the dictionary's *when*): derived together, so the targets never contradict.
  if (!deciding || values.end_date === undefined) {
    if (deciding && !completed(deciding) && !closedEarly(deciding) && deceased) findings.push(at('deceased_open', null));
    return;
  }
  if (completed(deciding)) values.outcome = 'completed';
  else if (closedEarly(deciding)) {
    const reason = deciding.reason ? REASONS[deciding.reason] : undefined;
    if (deceased) values.outcome = 'died';
    else if (!deciding.reason) values.outcome = 'dropped_out';
    else if (reason?.outcome) {
      values.outcome = reason.outcome;
      if (reason.dropout) values.dropout_reason = reason.dropout;
    }
  } else if (deceased) findings.push(at('deceased_open', null));
}

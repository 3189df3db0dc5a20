import { VARIABLE } from '../courses';
import { INTERVENTIONS, REASONS, TRAINING, diagnosisGroupOf, SYSTEM, type InterventionVariable } from './codes';
import type { Derived, SorLookup } from './derive';
import { at, type Finding } from './findings';
import type { CitizenResources, EncounterData, PiData, PlanData, ServiceRequestData } from './model';

/** fhir.md "Mapping": one cardiac referral's course values from the CarePlans, PIs and Encounters attached to it. */

export const live = (status: string) => status !== 'entered-in-error';
export const closedEarly = (p: PlanData | PiData) => p.detailStatus === 'cancelled' || p.detailStatus === 'stopped' || p.status === 'revoked';
export const completed = (p: PlanData | PiData) => p.detailStatus === 'completed' || (p.status === 'completed' && !closedEarly(p));

/** The diagnosis of a referral: the first reason, in reasonReference order, that the table maps. */
export function diagnosisOf(res: CitizenResources, sr: ServiceRequestData): { group: string; code: string; system: string } | null {
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

export interface Attached { plans: [string, PlanData][]; pis: [string, PiData][]; encounters: [string, EncounterData][] }

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

export function deriveCourse(res: CitizenResources, sr: ServiceRequestData, a: Attached, sorKind: SorLookup):
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

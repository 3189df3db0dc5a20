import { isoDateInDenmark } from '../time';
import { EXT_BASED_ON_CARE_PLAN, EXT_BASED_ON_SERVICE_REQUEST, INTERVENTIONS, NEEDS_PLAN, NO_PLAN, SYSTEM, isSorCode } from './codes';
import { at, type Finding } from './findings';
import type { Reduced } from './model';

/** A checked resource reduced to the elements read (fhir.md: elements not read are ignored, never stored). */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Entry { index: number; type: string; id: string; fullUrl?: string; resource: Json }

/** Parse references: in-bundle fullUrl, `Type/id`, or a URL ending so. */
export function resolver(entries: Entry[]) {
  const byFullUrl = new Map(entries.filter((e) => e.fullUrl).map((e) => [e.fullUrl!, e]));
  return (ref: unknown): { type: string; id: string } | null => {
    if (!ref || typeof ref !== 'object' || typeof (ref as Json).reference !== 'string') return null;
    const r = (ref as Json).reference as string;
    const e = byFullUrl.get(r);
    if (e) return { type: e.type, id: e.id };
    const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(r);
    return m ? { type: m[1], id: m[2] } : null;
  };
}

const fhirDateToDanish = (v: string): string =>
  (v.length <= 10 || !/[Zz+-]\d*:?\d*$/.test(v.slice(10)) ? v.slice(0, 10) : isoDateInDenmark(new Date(v)));

function extensionRef(res: Json, url: string): unknown {
  return (Array.isArray(res.extension) ? res.extension : []).find((x: Json) => x?.url === url)?.valueReference;
}

export type Resolve = ReturnType<typeof resolver>;

const idOf = (resolve: Resolve, ref: unknown, type: string): string | null => {
  const r = resolve(ref);
  return r && r.type === type ? r.id : null;
};

export function reduce(e: Entry, resolve: Resolve, findings: Finding[]): Reduced | null {
  const r = e.resource;
  switch (e.type) {
    case 'Organization': {
      const ids: Json[] = r.identifier;
      const sor = ids.find((i) => i?.system === SYSTEM.sor && isSorCode(i.value));
      return { type: 'Organization', id: e.id, data: { sor: sor ? sor.value : null, fkorg: ids.some((i) => i?.system === SYSTEM.fkorg) } };
    }
    case 'Condition': {
      const codes = (r.code?.coding ?? []).filter((c: Json) => typeof c?.code === 'string' && typeof c?.system === 'string')
        .map((c: Json) => ({ system: c.system, code: c.code }));
      const eie = (r.verificationStatus?.coding ?? []).some((c: Json) => c?.code === 'entered-in-error');
      return { type: 'Condition', id: e.id, data: { codes, eie } };
    }
    case 'ServiceRequest': return {
      type: 'ServiceRequest', id: e.id, data: {
        status: r.status, authoredOn: fhirDateToDanish(r.authoredOn),
        requester: idOf(resolve, r.requester, 'Organization'),
        reasons: (r.reasonReference ?? []).map((x: unknown) => idOf(resolve, x, 'Condition')).filter(Boolean),
        replaces: idOf(resolve, r.replaces?.[0], 'ServiceRequest'),
      },
    };
    case 'CarePlan': return reduceCarePlan(e, resolve, findings);
    case 'Encounter': return {
      type: 'Encounter', id: e.id, data: {
        status: r.status, start: fhirDateToDanish(r.period.start),
        plan: idOf(resolve, extensionRef(r, EXT_BASED_ON_CARE_PLAN), 'CarePlan'),
      },
    };
  }
  return null;
}

function reduceCarePlan(e: Entry, resolve: Resolve, findings: Finding[]): Reduced | null {
  const r = e.resource;
  const detail = r.activity[0].detail;
  const base = `Bundle.entry[${e.index}]`;
  const category = (r.category ?? []).flatMap((c: Json) => c.coding ?? []).map((c: Json) => c.code).find(Boolean);
  const fsiii = (detail.code?.coding ?? []).find((c: Json) => c?.system === SYSTEM.fsiii)?.code ?? null;
  const hasCode = detail.code !== undefined;
  if ((category !== undefined) === hasCode) {
    findings.push(at('careplan_kind', `${base}.resource`));
    return null;
  }
  for (const a of r.activity as Json[]) {
    const ended = a.detail.status === 'cancelled' || a.detail.status === 'stopped';
    if ((a.detail.statusReason !== undefined) !== ended) findings.push(at('status_reason', base));
  }
  const common = {
    status: r.status, detailStatus: detail.status, start: fhirDateToDanish(r.period.start),
    end: r.period.end ? fhirDateToDanish(r.period.end) : null,
  };
  if (category !== undefined) {
    const reason = (detail.statusReason?.coding ?? []).map((c: Json) => c.code).find(Boolean) ?? null;
    return { type: 'CarePlan', id: e.id, data: { kind: 'plan', category, reason, ...common } };
  }
  const plan = idOf(resolve, r.basedOn?.[0], 'CarePlan');
  const hasBasedOn = Array.isArray(r.basedOn) && r.basedOn.length > 0;
  if (fsiii && ((NEEDS_PLAN.has(fsiii) && !hasBasedOn) || (NO_PLAN.has(fsiii) && hasBasedOn))) {
    findings.push(at('intervention_plan', base));
  }
  if (fsiii === null || !(fsiii in INTERVENTIONS)) findings.push(at('code_ignored', `${base}.resource.activity[0].detail.code`));
  return {
    type: 'CarePlan', id: e.id, data: {
      kind: 'pi', code: fsiii, ...common, plan,
      serviceRequest: idOf(resolve, extensionRef(r, EXT_BASED_ON_SERVICE_REQUEST), 'ServiceRequest'),
    },
  };
}

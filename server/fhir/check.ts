import { cprIssue } from '../patients';
import { SYSTEM, isSorCode } from './codes';
import { at, type Finding } from './findings';
import { reduce, resolver, type Entry } from './reduce';
import type { Reduced } from './model';
import { RESOURCE_SCHEMAS, bundleSchema, fhirInstant, type ZodIssue } from './schemas';

/** The checks of fhir.md "What a delivery report must be" on a parsed JSON value, and the reduced resources. */

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CheckedBundle {
  /** false: no single Patient with a valid managing SOR code (nothing else can be decided) */
  citizenKnown: boolean;
  /** the entry index of the Patient */
  patientIndex: number;
  findings: Finding[];
  timestamp: string;
  cpr: string | null;
  managingSor: string | null;
  deceased: boolean;
  /** Patient.active = false: entered in error, withdraws the citizen's resources */
  withdrawn: boolean;
  resources: (Reduced & { index: number })[];
  /** references that did not resolve in the bundle, to look up in the store: `Type/id` */
  external: Set<string>;
}

const expr = (path: readonly PropertyKey[]): string =>
  path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : `${s}.${String(p)}`), 'Bundle');

function zodFindings(issues: ZodIssue[], base: readonly PropertyKey[]): Finding[] {
  return issues.map((i) => at(i.message, expr([...base, ...i.path])));
}


function checkPatient(e: Entry, out: CheckedBundle): void {
  const p = e.resource;
  const base = `Bundle.entry[${e.index}].resource`;
  const ids = (Array.isArray(p.identifier) ? p.identifier : []).filter((i: Json) => i?.system === SYSTEM.cpr);
  const cpr = ids.length === 1 && typeof ids[0].value === 'string' ? ids[0].value : null;
  const issue = cpr === null ? 'cpr_format' : cprIssue(cpr);
  if (issue) out.findings.push(at('cpr_invalid', `${base}.identifier`, { rule: cpr?.length === 9 && /^\d+$/.test(cpr) ? 'cpr_length_9' : issue }));
  else out.cpr = cpr;
  const sor = p.managingOrganization?.identifier;
  if (sor?.system === SYSTEM.sor && isSorCode(sor.value)) out.managingSor = sor.value;
  else out.findings.push(at('sor_invalid', `${base}.managingOrganization.identifier`));
  out.deceased = p.deceasedBoolean === true;
  out.withdrawn = p.active === false;
}

/** Bundle-level structure; the entries it could read. */
function checkStructure(json: unknown, out: CheckedBundle): Entry[] | null {
  const r = bundleSchema.safeParse(json);
  if (!r.success) {
    const fatal = r.error.issues.filter((i) => i.message === 'not_delivery_report' || i.path.length < 2);
    const perEntry = r.error.issues.filter((i) => !fatal.includes(i));
    if (fatal.length || !json || typeof json !== 'object') {
      out.findings.push(...zodFindings(fatal.length ? fatal : r.error.issues, []));
      if (fatal.some((i) => i.message === 'not_delivery_report')) return null;
    }
    out.findings.push(...zodFindings(perEntry, []));
  }
  const bundle = json as Json;
  const ts = fhirInstant.safeParse(bundle.timestamp);
  if (ts.success) out.timestamp = ts.data;
  else out.findings.push(at(ts.error.issues[0].message, 'Bundle.timestamp'));
  const entries: Entry[] = [];
  const seen = new Set<string>();
  (Array.isArray(bundle.entry) ? bundle.entry : []).forEach((e: Json, index: number) => {
    const res = e?.resource;
    if (!res || typeof res !== 'object' || typeof res.resourceType !== 'string' || typeof res.id !== 'string') return;
    if (!(res.resourceType in RESOURCE_SCHEMAS) || !/^[A-Za-z0-9\-.]{1,64}$/.test(res.id)) return;
    const key = `${res.resourceType}/${res.id}`;
    if (seen.has(key)) {
      out.findings.push(at('resource_type', `Bundle.entry[${index}].resource.id`, { ref: key }));
      return;
    }
    seen.add(key);
    const fullUrl = typeof e.fullUrl === 'string' ? e.fullUrl : undefined;
    if (fullUrl !== undefined && !fullUrl.startsWith('urn:uuid:') && !fullUrl.endsWith('/' + key) && fullUrl !== key) {
      out.findings.push(at('fullurl_mismatch', `Bundle.entry[${index}].fullUrl`, { ref: key }));
    }
    entries.push({ index, type: res.resourceType, id: res.id, fullUrl, resource: res });
  });
  return entries;
}

/**
 * Every check of the table that needs no stored data. Findings hold errors and warnings; `citizenKnown` false means
 * the bundle is answered 400 at once.
 */
export function checkBundle(json: unknown): CheckedBundle {
  const out: CheckedBundle = {
    citizenKnown: false, patientIndex: -1, findings: [], timestamp: '', cpr: null, managingSor: null, deceased: false, withdrawn: false,
    resources: [], external: new Set(),
  };
  const entries = checkStructure(json, out);
  if (!entries) return out;
  const patients = entries.filter((e) => e.type === 'Patient');
  if (patients.length !== 1) {
    out.findings.push(at('citizen_count', 'Bundle.entry', { count: patients.length }));
    return out;
  }
  checkPatient(patients[0], out);
  out.patientIndex = patients[0].index;
  out.citizenKnown = out.managingSor !== null;
  if (!out.citizenKnown) return out;
  const resolve = resolver(entries);
  const inBundle = new Set(entries.map((e) => `${e.type}/${e.id}`));
  const patient = patients[0];
  for (const e of entries) {
    const r = RESOURCE_SCHEMAS[e.type as keyof typeof RESOURCE_SCHEMAS].safeParse(e.resource);
    if (!r.success) out.findings.push(...zodFindings(r.error.issues, ['entry', e.index, 'resource']));
    if (e.type === 'Patient') continue;
    if (e.type !== 'Organization') {
      const s = resolve(e.resource.subject);
      if (!s || s.type !== 'Patient' || s.id !== patient.id) {
        out.findings.push(at('subject_mismatch', `Bundle.entry[${e.index}].resource.subject`));
      }
    }
    if (!r.success) continue;
    const reduced = reduce(e, resolve, out.findings);
    if (reduced) out.resources.push({ ...reduced, index: e.index } as Reduced & { index: number });
  }
  for (const res of out.resources) {
    for (const ref of referencesOf(res)) if (!inBundle.has(ref)) out.external.add(ref);
  }
  return out;
}

function referencesOf(res: Reduced): string[] {
  const d = res.data as unknown as Json;
  switch (res.type) {
    case 'ServiceRequest': return [...d.reasons.map((id: string) => `Condition/${id}`),
      ...(d.requester ? [`Organization/${d.requester}`] : []), ...(d.replaces ? [`ServiceRequest/${d.replaces}`] : [])];
    case 'CarePlan': return [...(d.plan ? [`CarePlan/${d.plan}`] : []), ...(d.serviceRequest ? [`ServiceRequest/${d.serviceRequest}`] : [])];
    case 'Encounter': return d.plan ? [`CarePlan/${d.plan}`] : [];
    default: return [];
  }
}


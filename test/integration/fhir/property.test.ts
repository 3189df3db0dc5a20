import { expect } from 'chai';
import type { Bundle, FhirResource } from 'fhir/r4';
import type { Db } from '../../../server/db/connect';
import { checkBundle } from '../../../server/fhir/check';
import { deriveReferrals } from '../../../server/fhir/derive';
import { emptyResources, put } from '../../../server/fhir/model';
import { sorLookup } from '../../../server/fhir/queries';
import { FHIR_VARIABLES, reconcile } from '../../../server/fhir/reconcile';
import { freshDb } from '../../helpers/db';
import {
  carePlan, citizen, encounter, focusCondition, organization, PI, plannedIntervention, REASON, referral, report,
} from '../../helpers/fhir-builder';
import { course, holbaek, send } from './helpers';

/** Random sequences of one citizen's delivery reports, in the profile's shape (seeded). */
function rng(seed: number) {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

const CODES = [PI.training, PI.education, PI.diet, PI.smoking, PI.psych, 'c9a99304-1788-43b7-b7be-e187b092ae9c'];
const REASONS = [REASON.illness, REASON.event, REASON.notReached, REASON.ownWish];
const DETAIL = ['in-progress', 'completed', 'cancelled'] as const;
// Every code stays cardiac: a referral that stops being cardiac annuls its course for good (fhir.md), by design.
const dx = (code: string): [string, { system: string }] => [code, { system: code.startsWith('K') ? 'urn:oid:1.2.208.176.2.31' : 'urn:oid:1.2.208.176.2.4.12' }];

function sequence(run: number, r: () => number): Bundle[] {
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)];
  const id = (s: string) => `p${run}-${s}`;
  const cpr = `0101${String(50 + (run % 40)).padStart(2, '0')}${String(1000 + run).slice(-4)}`;
  const patientId = id('pat');
  const reportsCount = 2 + Math.floor(r() * 6);
  const codes = CODES.filter(() => r() < 0.6);
  const out: Bundle[] = [];
  const encounters: FhirResource[] = [];
  for (let n = 0; n < reportsCount; n++) {
    const day = 1 + Math.floor(r() * 80);
    const ts = new Date(Date.UTC(2025, 2, 5 + day)).toISOString().replace('.000', '');
    const detail = n === 0 ? 'in-progress' : pick(DETAIL);
    const reason = detail === 'cancelled' ? pick(REASONS) : undefined;
    const end = detail === 'in-progress' || r() < 0.2 ? undefined : '2025-05-30';
    const parts: FhirResource[] = [
      organization(id('hosp'), pick(['391951000016006', '1071391000016009', '1347831000016005'])),
      focusCondition(id('dx'), patientId, ...dx(pick(['DI214', 'DI500', 'DI48', 'K74']))),
      referral(id('sr'), patientId, '2025-03-03', { requester: id('hosp'), reasons: [id('dx')] }),
    ];
    if (n > 0 || r() < 0.5) {
      parts.push(carePlan(id('plan'), patientId, '2025-03-10', { detail, reason, end }));
      for (const code of codes) {
        const piDetail = r() < 0.5 ? detail : pick(DETAIL);
        const pi = plannedIntervention(id(`pi-${code.slice(0, 4)}`), patientId, code, '2025-03-10', { plan: id('plan'), referral: id('sr'), detail: piDetail, end });
        if (piDetail === 'cancelled') pi.activity![0].detail!.statusReason = { coding: [{ code: pick(REASONS) }] };
        parts.push(pi);
      }
      for (let k = 0; k < Math.floor(r() * 4); k++) {
        const target = r() < 0.3 ? id('plan') : id(`pi-${pick(codes.length ? codes : CODES).slice(0, 4)}`);
        if (!codes.length && target !== id('plan')) continue;
        encounters.push(encounter(id(`enc-${n}-${k}`), patientId, `2025-03-${String(10 + n * 2 + k).padStart(2, '0')}`, target, r() < 0.15 ? 'entered-in-error' : 'finished'));
      }
      parts.push(...encounters.filter(() => r() < 0.8));
    }
    out.push(report(ts, citizen(patientId, cpr, { deceased: n > 2 && r() < 0.1 }), parts, `${id('b')}-${n}`));
  }
  return out;
}

/** The derivation from scratch: every report's resources, the latest `timestamp` winning, then precedence on a new course. */
async function fromScratch(db: Db, reports: Bundle[]) {
  const latest = new Map<string, { ts: number; res: ReturnType<typeof checkBundle>['resources'][number] }>();
  const resources = emptyResources();
  let deceasedTs = -Infinity;
  for (const b of reports) {
    const c = checkBundle(b);
    const ts = Date.parse(c.timestamp);
    if (ts >= deceasedTs) { deceasedTs = ts; resources.deceased = c.deceased; }
    for (const res of c.resources) {
      const key = `${res.type}/${res.id}`;
      if ((latest.get(key)?.ts ?? -Infinity) <= ts) latest.set(key, { ts, res });
    }
  }
  for (const { res } of latest.values()) put(resources, res);
  const ref = deriveReferrals(resources, await sorLookup(db)).referrals.find((x) => x.cardiac)!;
  const base = { cpr: 'x', municipality_code: '316', referral_date: ref.values.referral_date!, diagnosis_group: ref.values.diagnosis_group! };
  return reconcile(base, { referral_date: 'fhir', diagnosis_group: 'fhir' }, ref.values, 'da').values;
}

describe('FHIR intake: property — the stored course equals a derivation from scratch', () => {
  it('for 30 random sequences, and the same sequence applied twice gives the same course', async function () {
    this.timeout(120_000);
    const db = await freshDb();
    const who = await holbaek(db);
    const r = rng(4711);
    for (let run = 0; run < 30; run++) {
      const reports = sequence(run, r);
      let id: number | undefined;
      for (const b of reports) {
        const res = await send(db, who, b);
        expect(res.status, JSON.stringify(res.findings)).to.equal(200);
        id ??= res.courses[0]?.id;
      }
      const stored = await course(db, who, id!);
      const expected = await fromScratch(db, reports);
      const pickVars = (c: Record<string, unknown>) => Object.fromEntries(FHIR_VARIABLES.map((v) => [v, c[v] ?? null]));
      expect(pickVars(stored), `run ${run}`).to.deep.equal(pickVars(expected));
      for (const b of reports) await send(db, who, b);
      const twice = await course(db, who, id!);
      expect(pickVars(twice), `run ${run} twice`).to.deep.equal(pickVars(stored));
    }
  });
});

import { expect } from 'chai';
import type { Db } from '../../../server/db/connect';
import { freshDb } from '../../helpers/db';
import { counts, holbaek, send } from './helpers';
import * as s from './series';

/** A seeded generator of malformed bundles: every one must be a 400 (or 413/415 at the HTTP edge), never a 500. */
function rng(seed: number) {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const base = (): Json => JSON.parse(JSON.stringify(s.step2()));
const WRONG = [null, 1, -1.5, true, false, '', 'x', [], {}, [1, 2], { a: 1 }, '2025-13-45', 'x'.repeat(5000)];

function paths(v: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      const p = [...prefix, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      paths(v[k], p, out);
    }
  }
  return out;
}

function setAt(obj: Json, path: (string | number)[], value: unknown): void {
  let o = obj;
  for (const p of path.slice(0, -1)) o = o[p];
  o[path[path.length - 1]] = value;
}

/** One malformed body: bytes. Every kind is made so that it must be refused (as fhir.md's checks say). */
function malformed(r: () => number, i: number): string {
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const b = base();
  switch (i % 8) {
    case 0: { const text = JSON.stringify(b); return text.slice(0, Math.floor(r() * (text.length - 1))); }
    case 1: { // a required or typed element given a wrong type (ids, statuses, dates, timestamp, type)
      const targets = paths(b).filter((p) => p.length > 1 || p[0] !== 'id').filter((p) => ['id', 'status', 'authoredOn', 'start', 'timestamp', 'type', 'resourceType', 'deceasedBoolean'].includes(String(p[p.length - 1])));
      const target = pick(targets);
      const isId = target[target.length - 1] === 'id';
      const bool = target[target.length - 1] === 'deceasedBoolean';
      setAt(b, target, pick(isId ? [null, 1, '', 'bad id!', 'x'.repeat(5000), {}]
        : WRONG.filter((w) => (typeof w !== 'string' || w.length > 1) && (!bool || typeof w !== 'boolean'))));
      return JSON.stringify(b);
    }
    case 2: { const depth = 100 + Math.floor(r() * 5000); return '['.repeat(depth) + ']'.repeat(depth); }
    case 3: { b.entry[2 + Math.floor(r() * (b.entry.length - 2))].resource.id = 'x'.repeat(65 + Math.floor(r() * 100000)); return JSON.stringify(b); }
    case 4: { const e = b.entry[3 + Math.floor(r() * (b.entry.length - 3))].resource; e.subject = { reference: `Patient/nowhere-${i}` }; return JSON.stringify(b); }
    case 5: { const e = pick(b.entry.slice(1)) as Json; b.entry.push(JSON.parse(JSON.stringify(e))); return JSON.stringify(b); }
    case 6: { const e = pick(b.entry.slice(1)) as Json; e.resource.resourceType = pick(['Observation', 'Patient', 'Bundle', 'carePlan']); return JSON.stringify(b); }
    default: { const k = pick(['resourceType', 'type', 'meta', 'entry']); delete b[k]; return JSON.stringify(b); }
  }
}

describe('FHIR intake: 1 000 malformed bundles', () => {
  let db: Db;
  beforeEach(async () => { db = await freshDb(); });

  it('every one is refused with 400, none throws, nothing is written', async function () {
    this.timeout(120_000);
    const who = await holbaek(db);
    const r = rng(20261130);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const body = malformed(r, i);
      const res = await send(db, who, body);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status !== 400) throw new Error(`#${i} (kind ${i % 8}) answered ${res.status}: ${JSON.stringify(diff(base(), body))} ${body.length} ${JSON.stringify(res.findings)}`);
    }

    expect([...statuses.keys()]).to.deep.equal([400]);
    expect(await counts(db)).to.deep.equal({ courses: 0, patients: 0, fhir_resources: 0 });
  });
});

function diff(a: Json, text: string): unknown {
  try {
    const b = JSON.parse(text);
    return paths(b).filter((p) => { let x = a; let y = b; for (const k of p) { x = x?.[k]; y = y?.[k]; } return JSON.stringify(x) !== JSON.stringify(y) && (typeof y !== "object" || y === null || Object.keys(y).length === 0); })
      .map((p) => p.join('.'));
  } catch { return 'unparseable'; }
}

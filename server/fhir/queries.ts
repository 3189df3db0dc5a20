import type { Knex } from 'knex';
import type { SorKind, SorLookup } from './derive';
import type { StoredType } from './model';

/** The store, the SOR list and the bundle log. */

type Db = Knex | Knex.Transaction;

export interface StoredRow { resource_type: string; resource_id: string; cpr_hash: string | null; bundle_timestamp: string; data: string }

type SorKinds = Map<string, { kind: SorKind; municipality: string | null }>;
const sorCache = new WeakMap<object, { at: number; kinds: Promise<SorKinds> }>();
const SOR_CACHE_MS = 30_000;

/** The SOR list and `hospitals` as one map (`hospitals` wins, pathway.md §1); the promise is cached briefly per database. */
function sorKinds(db: Db): Promise<SorKinds> {
  const key = (db as { client: object }).client;
  const hit = sorCache.get(key);
  if (hit && Date.now() - hit.at < SOR_CACHE_MS) return hit.kinds;
  const kinds = Promise.all([db('hospitals').select('sor_code'), db('sor_list').select('sor_code', 'kind', 'municipality_code')])
    .then(([hospitals, list]) => {
      const m: SorKinds = new Map(list.map((r: { sor_code: string; kind: SorKind; municipality_code: string | null }) =>
        [r.sor_code, { kind: r.kind, municipality: r.municipality_code }]));
      for (const h of hospitals as { sor_code: string }[]) m.set(h.sor_code, { kind: 'hospital', municipality: null });
      return m;
    });
  sorCache.set(key, { at: Date.now(), kinds });
  kinds.catch(() => sorCache.delete(key));
  return kinds;
}

/** Forget the cached SOR list (after `sor import`). */
export function forgetSorList(db: Db): void {
  sorCache.delete((db as { client: object }).client);
}

export async function sorLookup(db: Db): Promise<SorLookup> {
  const kinds = await sorKinds(db);
  return (sor) => kinds.get(sor)?.kind ?? null;
}

/** Is this SOR code listed as a managing organisation of the municipality? */
export async function isMunicipalitySor(db: Db, sor: string, municipalityCode: string): Promise<boolean> {
  const k = (await sorKinds(db)).get(sor);
  return k?.kind === 'municipality' && k.municipality === municipalityCode;
}

const IDS_PER_STATEMENT = 5000;

/**
 * The citizen's stored resources, and any other rows with the given keys (`Type/id`), in one statement: a UNION ALL
 * of the citizen's rows and, per type, an IN on the id, so both engines seek the unique (municipality_code,
 * resource_type, resource_id) index (an OR of pairs made SQLite scan the municipality's rows).
 */
export async function storedRows(db: Db, municipalityCode: string, cprHash: string, keys: string[]): Promise<StoredRow[]> {
  const cols = ['resource_type', 'resource_id', 'cpr_hash', 'bundle_timestamp', 'data'];
  const idsByType = new Map<string, string[]>();
  for (const k of keys) {
    const [type, id] = k.split('/');
    idsByType.set(type, [...(idsByType.get(type) ?? []), id]);
  }
  // At most IDS_PER_STATEMENT ids per statement (far below either engine's bound on parameters): one statement for
  // any real delivery report, a few for a huge one.
  const statements: Knex.QueryCallback[][] = [[]];
  let idsInStatement = 0;
  for (const [type, ids] of idsByType) {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      if (idsInStatement + chunk.length > IDS_PER_STATEMENT) { statements.push([]); idsInStatement = 0; }
      idsInStatement += chunk.length;
      statements.at(-1)!.push(function others() { this.from('fhir_resources').where({ municipality_code: municipalityCode, resource_type: type }).whereIn('resource_id', chunk).select(cols); });
    }
  }
  const own = () => db('fhir_resources').where({ municipality_code: municipalityCode, cpr_hash: cprHash }).select(cols);
  const rows: StoredRow[] = await (statements[0].length ? own().unionAll(statements[0]) : own());
  for (const parts of statements.slice(1)) {
    const [first, ...rest] = parts;
    const q = db.queryBuilder();
    first.call(q, q);
    rows.push(...await (rest.length ? q.unionAll(rest) : q));
  }
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.resource_type}/${r.resource_id}`;
    return !seen.has(key) && !!seen.add(key);
  });
}

export interface ResourceWrite { type: StoredType | 'Citizen'; id: string; cprHash: string | null; timestamp: string; data: unknown }

/** Replace (or insert) stored resources, in batches. */
export async function upsertResources(db: Db, municipalityCode: string, rows: ResourceWrite[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    await db('fhir_resources').insert(rows.slice(i, i + 100).map((r) => ({
      municipality_code: municipalityCode, resource_type: r.type, resource_id: r.id, cpr_hash: r.cprHash,
      bundle_timestamp: r.timestamp, data: JSON.stringify(r.data),
    }))).onConflict(['municipality_code', 'resource_type', 'resource_id']).merge(['cpr_hash', 'bundle_timestamp', 'data']);
  }
}

export async function deleteResource(db: Db, municipalityCode: string, type: string, id: string): Promise<void> {
  await db('fhir_resources').where({ municipality_code: municipalityCode, resource_type: type, resource_id: id }).del();
}

/** Patient.active = false: every stored resource of the citizen goes. */
export async function deleteCitizen(db: Db, municipalityCode: string, cprHash: string): Promise<void> {
  await db('fhir_resources').where({ municipality_code: municipalityCode, cpr_hash: cprHash }).del();
}

export interface BundleLogRow {
  municipality_code: string; received_at: string; bundle_timestamp: string | null; sha256: string; status: number;
  created: number; updated: number; errors: number; warnings: number; actor_user_id: number | null;
}

export async function logBundle(db: Db, row: BundleLogRow): Promise<void> {
  await db('fhir_bundles').insert(row);
}

/** The last bundle received per municipality (admin page). */
export async function lastBundles(db: Db): Promise<(BundleLogRow & { name: string })[]> {
  const last = db('fhir_bundles').max({ id: 'id' }).groupBy('municipality_code').as('last');
  return db('fhir_bundles').join(last, 'last.id', 'fhir_bundles.id')
    .join('municipalities', 'municipalities.code', 'fhir_bundles.municipality_code')
    .select('fhir_bundles.*', 'municipalities.name').orderBy('municipalities.sort_order');
}

export interface SorRow { sor_code: string; kind: string; municipality_code: string | null; name: string }

export async function sorList(db: Db): Promise<SorRow[]> {
  return db('sor_list').select('sor_code', 'kind', 'municipality_code', 'name').orderBy(['kind', 'sor_code']);
}

/** Replace the whole SOR list. */
export async function replaceSorList(db: Db, rows: SorRow[]): Promise<void> {
  forgetSorList(db);
  await db('sor_list').del();
  for (let i = 0; i < rows.length; i += 200) await db('sor_list').insert(rows.slice(i, i + 200));
}

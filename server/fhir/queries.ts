import type { Knex } from 'knex';
import { hospitals, type Hospital } from '../geography';
import type { SorKind, SorLookup } from './derive';

/** The store, the SOR list and the bundle log. */

export { storedRows, upsertResources, type ResourceWrite, type StoredRow } from './store-sql';

type Db = Knex | Knex.Transaction;

type SorKinds = Map<string, { kind: SorKind; municipality: string | null }>;
const sorCache = new WeakMap<object, { at: number; departments: Promise<Hospital[]>; kinds: Promise<SorKinds> }>();
const SOR_CACHE_MS = 30_000;

/**
 * The SOR list and the hospital departments as one map (a department wins, pathway.md §1); the promise is cached
 * briefly per database, and rebuilt at once when geography's department list changed (an admin's edit drops it).
 */
function sorKinds(db: Db): Promise<SorKinds> {
  const key = (db as { client: object }).client;
  const departments = hospitals(db as Knex);
  const hit = sorCache.get(key);
  if (hit && hit.departments === departments && Date.now() - hit.at < SOR_CACHE_MS) return hit.kinds;
  const kinds = Promise.all([departments, db('sor_list').select('sor_code', 'kind', 'municipality_code')])
    .then(([depts, list]) => {
      const m: SorKinds = new Map(list.map((r: { sor_code: string; kind: SorKind; municipality_code: string | null }) =>
        [r.sor_code, { kind: r.kind, municipality: r.municipality_code }]));
      for (const h of depts) m.set(h.sor_code, { kind: 'hospital', municipality: null });
      return m;
    });
  sorCache.set(key, { at: Date.now(), departments, kinds });
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

const LOG_COLUMNS = ['municipality_code', 'received_at', 'bundle_timestamp', 'sha256', 'status', 'created', 'updated', 'errors',
  'warnings', 'actor_user_id'] as const;
const LOG_INSERT = `insert into fhir_bundles (${LOG_COLUMNS.join(', ')}) values (${LOG_COLUMNS.map(() => '?').join(', ')})`;

/** The bundle log's row of one answer (SQL of one shape: it runs at every bundle). */
export async function logBundle(db: Db, row: BundleLogRow): Promise<void> {
  await db.raw(LOG_INSERT, LOG_COLUMNS.map((c) => row[c]));
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

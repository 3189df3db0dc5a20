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
const STORED_COLUMNS = 'resource_type, resource_id, cpr_hash, bundle_timestamp, data';

/** The rows of a raw select on either engine. */
const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows);

/**
 * The citizen's stored resources, and any other rows with the given keys (`Type/id`), in one statement: a UNION ALL
 * of the citizen's rows and, per type, an IN on the id, so both engines seek the unique (municipality_code,
 * resource_type, resource_id) index (an OR of pairs made SQLite scan the municipality's rows). Written as SQL, not
 * built by knex: it runs for every bundle, and compiling the union cost more than running it.
 */
export async function storedRows(db: Db, municipalityCode: string, cprHash: string, keys: string[]): Promise<StoredRow[]> {
  const idsByType = new Map<string, string[]>();
  for (const k of keys) {
    const [type, id] = k.split('/');
    const ids = idsByType.get(type);
    if (ids) ids.push(id);
    else idsByType.set(type, [id]);
  }
  // At most IDS_PER_STATEMENT ids per statement (far below either engine's bound on parameters): one statement for
  // any real delivery report, a few for a huge one; the first also holds the citizen's rows.
  const statements = [{ sql: [`select ${STORED_COLUMNS} from fhir_resources where municipality_code = ? and cpr_hash = ?`], bindings: [municipalityCode, cprHash] as string[], ids: 0 }];
  for (const [type, ids] of idsByType) {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      if (statements.at(-1)!.ids + chunk.length > IDS_PER_STATEMENT) statements.push({ sql: [], bindings: [], ids: 0 });
      const st = statements.at(-1)!;
      st.ids += chunk.length;
      st.sql.push(`select ${STORED_COLUMNS} from fhir_resources where municipality_code = ? and resource_type = ? and resource_id in (${chunk.map(() => '?').join(', ')})`);
      st.bindings.push(municipalityCode, type, ...chunk);
    }
  }
  const rows: StoredRow[] = [];
  for (const st of statements) rows.push(...rowsOf<StoredRow>(await db.raw(st.sql.join(' union all '), st.bindings)));
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.resource_type}/${r.resource_id}`;
    return !seen.has(key) && !!seen.add(key);
  });
}

export interface ResourceWrite { type: StoredType | 'Citizen'; id: string; cprHash: string | null; timestamp: string; data: unknown }

/**
 * Replace (or insert) stored resources, 100 rows per statement: one multi-row VALUES upsert, the same SQL on both
 * engines (knex writes SQLite's multi-row insert as a UNION ALL of selects).
 */
export async function upsertResources(db: Db, municipalityCode: string, rows: ResourceWrite[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) {
    const part = rows.slice(i, i + 100);
    const bindings = part.flatMap((r) => [municipalityCode, r.type, r.id, r.cprHash, r.timestamp, JSON.stringify(r.data)]);
    await db.raw('insert into fhir_resources (municipality_code, resource_type, resource_id, cpr_hash, bundle_timestamp, data) values '
      + part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')
      + ' on conflict (municipality_code, resource_type, resource_id) do update set cpr_hash = excluded.cpr_hash,'
      + ' bundle_timestamp = excluded.bundle_timestamp, data = excluded.data', bindings);
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

import type { Knex } from 'knex';
import type { StoredType } from './model';

/** The store's statements that run at every bundle. */

type Db = Knex | Knex.Transaction;

export interface StoredRow { resource_type: string; resource_id: string; cpr_hash: string | null; bundle_timestamp: string; data: string }

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

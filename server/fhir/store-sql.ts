import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { StoredType } from './model';

/**
 * The store's statements that run at every bundle, written as SQL (compiling them with knex cost more than running
 * them). On PostgreSQL each is a named prepared statement of one shape per set of resource types: parsed and planned
 * once per connection, not at every bundle (SQLite keeps repeated statements prepared already, db/connect.ts).
 */

type Db = Knex | Knex.Transaction;

export interface StoredRow { resource_type: string; resource_id: string; cpr_hash: string | null; bundle_timestamp: string; data: string }

const isPg = (db: Db) => (db as Knex).client.config.client === 'pg';

/** The rows of a raw select on either engine. */
const rowsOf = <T>(r: unknown): T[] => (Array.isArray(r) ? r : (r as { rows: T[] }).rows);

/**
 * A raw statement; on PostgreSQL a named prepared statement, its name a hash of its text (two texts never share a
 * name: pg refuses a name reused for another text). Callers keep the number of texts small (bounded shapes).
 */
export function preparedRaw(db: Db, sql: string, bindings: readonly unknown[]): Knex.Raw {
  const raw = db.raw(sql, bindings as Knex.RawBinding[]);
  if (!isPg(db)) return raw;
  return raw.options({ name: 'hk_fhir_' + crypto.createHash('sha1').update(sql).digest('hex').slice(0, 32) });
}

const IDS_PER_STATEMENT = 5000;
const STORED_COLUMNS = 'resource_type, resource_id, cpr_hash, bundle_timestamp, data';
const CITIZEN_ROWS = `select ${STORED_COLUMNS} from fhir_resources where municipality_code = ? and cpr_hash = ?`;

/** `Type/id` keys grouped by type, types in name order (one statement text per set of types). */
function idsByType(keys: string[]): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const k of keys) {
    const [type, id] = k.split('/');
    const ids = byType.get(type);
    if (ids) ids.push(id);
    else byType.set(type, [id]);
  }
  return new Map([...byType].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The citizen's stored resources, and any other rows with the given keys (`Type/id`): a UNION ALL of the citizen's
 * rows and, per type, the ids, so both engines seek the unique (municipality_code, resource_type, resource_id) index
 * (an OR of pairs made SQLite scan the municipality's rows). Each key's row once (a row can match both parts).
 */
export async function storedRows(db: Db, municipalityCode: string, cprHash: string, keys: string[]): Promise<StoredRow[]> {
  const rows: StoredRow[] = [];
  for (const st of isPg(db) ? pgStatements(municipalityCode, cprHash, idsByType(keys)) : sqliteStatements(municipalityCode, cprHash, idsByType(keys))) {
    rows.push(...rowsOf<StoredRow>(await preparedRaw(db, st.sql, st.bindings)));
  }
  const seen = new Set<string>();
  return rows.filter((r) => {
    const key = `${r.resource_type}/${r.resource_id}`;
    return !seen.has(key) && !!seen.add(key);
  });
}

interface Statement { sql: string; bindings: unknown[] }

/** PostgreSQL: one statement, each type's ids as one array parameter (`= any`), whatever their number. */
function pgStatements(municipalityCode: string, cprHash: string, byType: Map<string, string[]>): Statement[] {
  const sql = [CITIZEN_ROWS];
  const bindings: unknown[] = [municipalityCode, cprHash];
  for (const [type, ids] of byType) {
    sql.push(`select ${STORED_COLUMNS} from fhir_resources where municipality_code = ? and resource_type = ? and resource_id = any(?::text[])`);
    bindings.push(municipalityCode, type, ids);
  }
  return [{ sql: sql.join(' union all '), bindings }];
}

/**
 * SQLite: at most IDS_PER_STATEMENT ids per statement (far below its bound on parameters), in IN lists of at most
 * 500: one statement for any real delivery report, a few for a huge one; the first also holds the citizen's rows.
 */
function sqliteStatements(municipalityCode: string, cprHash: string, byType: Map<string, string[]>): Statement[] {
  const statements = [{ sql: [CITIZEN_ROWS], bindings: [municipalityCode, cprHash] as unknown[], ids: 0 }];
  for (const [type, ids] of byType) {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      if (statements.at(-1)!.ids + chunk.length > IDS_PER_STATEMENT) statements.push({ sql: [], bindings: [], ids: 0 });
      const st = statements.at(-1)!;
      st.ids += chunk.length;
      st.sql.push(`select ${STORED_COLUMNS} from fhir_resources where municipality_code = ? and resource_type = ? and resource_id in (${chunk.map(() => '?').join(', ')})`);
      st.bindings.push(municipalityCode, type, ...chunk);
    }
  }
  return statements.map((st) => ({ sql: st.sql.join(' union all '), bindings: st.bindings }));
}

export interface ResourceWrite { type: StoredType | 'Citizen'; id: string; cprHash: string | null; timestamp: string; data: unknown }

const UPSERT_SET = ' on conflict (municipality_code, resource_type, resource_id) do update set cpr_hash = excluded.cpr_hash,'
  + ' bundle_timestamp = excluded.bundle_timestamp, data = excluded.data';
const UPSERT_INTO = 'insert into fhir_resources (municipality_code, resource_type, resource_id, cpr_hash, bundle_timestamp, data)';

/**
 * Replace (or insert) stored resources. PostgreSQL: one statement of one shape, the columns as arrays (unnest).
 * SQLite: 100 rows per multi-row VALUES statement.
 */
export async function upsertResources(db: Db, municipalityCode: string, rows: ResourceWrite[]): Promise<void> {
  if (!rows.length) return;
  if (isPg(db)) {
    const column = (f: (r: ResourceWrite) => string | null) => rows.map(f);
    await preparedRaw(db, `${UPSERT_INTO} select ?::text, * from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[])${UPSERT_SET}`, [
      municipalityCode, column((r) => r.type), column((r) => r.id), column((r) => r.cprHash), column((r) => r.timestamp),
      column((r) => JSON.stringify(r.data)),
    ]);
    return;
  }
  for (let i = 0; i < rows.length; i += 100) {
    const part = rows.slice(i, i + 100);
    const bindings = part.flatMap((r) => [municipalityCode, r.type, r.id, r.cprHash, r.timestamp, JSON.stringify(r.data)]);
    await preparedRaw(db, `${UPSERT_INTO} values ${part.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}${UPSERT_SET}`, bindings);
  }
}

import type { Knex } from 'knex';
import { Geography, Municipality } from './model';

/**
 * The geography of a database handle, read once: the cache holds the promise of the built result (never a query
 * builder, which would run again at every await), keyed by the handle's client (a transaction reads its own).
 */
const cache = new WeakMap<object, Promise<Geography>>();

interface Row {
  code: string; name: string; region_code: string; region_name: string;
  cluster_code: string | null; cluster_name: string | null; registering_since: string | Date | null;
}

function isoDate(v: string | Date | null): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  return String(v).slice(0, 10);
}

async function load(db: Knex): Promise<Geography> {
  const rows: Row[] = await db('municipalities')
    .select('code', 'name', 'region_code', 'region_name', 'cluster_code', 'cluster_name', 'registering_since')
    .orderBy('sort_order');
  return new Geography(rows.map((r): Municipality => ({
    code: r.code, name: r.name, regionCode: r.region_code, regionName: r.region_name,
    clusterCode: r.cluster_code ?? null, clusterName: r.cluster_name ?? null, registeringSince: isoDate(r.registering_since),
  })));
}

/** The geography (one SELECT on first use per database handle; a failed read is not kept). */
export function geography(db: Knex): Promise<Geography> {
  let cached = cache.get(db.client);
  if (!cached) {
    cached = load(db);
    cache.set(db.client, cached);
    cached.catch(() => cache.delete(db.client));
  }
  return cached;
}

/**
 * Forget the geography of a handle: every writer of `municipalities` calls this after its change is committed
 * (e.g. `municipality registering`), so the next read sees it.
 */
export function invalidateGeography(db: Knex): void {
  cache.delete(db.client);
}

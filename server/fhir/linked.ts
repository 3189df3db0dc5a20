import type { Knex } from 'knex';
import { coursesByReferralIds, type CourseRecord } from '../courses';
import type { CheckedBundle } from './check';

/**
 * The courses linked to a bundle's referrals, read in two steps so that the first runs beside the store's read
 * (the database works on one while the other is sent, one wait instead of two).
 */

/**
 * Several statements of one transaction sent at once; their results in order. Every one has finished before an error
 * is passed on, so a rollback never overtakes a statement still running.
 */
export async function together<T extends readonly unknown[]>(...work: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** The ServiceRequest ids a bundle names (its own and the ones it refers to), known before the store is read. */
export function namedReferralIds(b: CheckedBundle): string[] {
  const ids = new Set(b.resources.filter((r) => r.type === 'ServiceRequest').map((r) => r.id));
  for (const ref of b.external) if (ref.startsWith('ServiceRequest/')) ids.add(ref.slice('ServiceRequest/'.length));
  return [...ids].sort();
}

/** The courses linked to the named ids: read early (beside the store), none when the bundle names no referral. */
export function earlyLinked(trx: Knex.Transaction, cprKey: Buffer, municipality: string, named: string[]): Promise<CourseRecord[]> {
  return named.length ? coursesByReferralIds(trx, cprKey, municipality, named) : Promise.resolve([]);
}

/**
 * The courses linked to `ids` (every ServiceRequest id of the derived referrals), as one read of them all would
 * give: the early read's courses when it covered every id, else one read of all ids (a referral chain holding a
 * stored ServiceRequest the bundle does not name).
 */
export async function linkedCourses(trx: Knex.Transaction, cprKey: Buffer, municipality: string, ids: string[], named: string[],
  early: CourseRecord[]): Promise<CourseRecord[]> {
  const covered = new Set(named);
  if (!ids.every((id) => covered.has(id))) return coursesByReferralIds(trx, cprKey, municipality, ids);
  const wanted = new Set(ids);
  return early.filter((c) => c.fhir_referral_id !== null && wanted.has(c.fhir_referral_id));
}

import type { Knex } from 'knex';
import { resolveScope, scopeContains, type Scope } from '../access';
import { geography } from '../geography';
import { Invalid, NotFound } from '../http/errors';
import { t, type Lang } from '../i18n';
import { isIsoDate } from '../time';
import type { Part } from './queries';
import type { SubmissionInput } from './service';

const DANISH_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/** An ISO date; the form also takes dd.mm.åååå. */
function readDate(raw: unknown, mode: 'json' | 'form'): string | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  const m = mode === 'form' ? DANISH_DATE.exec(s) : null;
  const iso = m ? `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}` : s;
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && isIsoDate(iso) ? iso : null;
}

/**
 * Period and scope of a submission request, in product.md's order of answers: a scope outside the user's own → 404
 * (never a hint that it exists) before any 400; then bad dates, an unknown scope code or a caller's `extra` field
 * messages → 400 at the fields. The scope defaults to the user's own.
 */
export async function parseSubmissionRequest(
  db: Knex, userScope: Scope, raw: { from?: unknown; to?: unknown; scope?: unknown }, mode: 'json' | 'form', lang: Lang,
  extra: Record<string, string> = {},
): Promise<SubmissionInput> {
  const code = raw.scope === undefined || raw.scope === null || raw.scope === '' ? userScope.code : raw.scope;
  const scope = typeof code === 'string' ? await resolveScope(db, code.trim()) : null;
  if (scope && (scope.kind === 'country' || !scopeContains(userScope, scope))) throw new NotFound();
  const fields: Record<string, string> = {};
  const from = readDate(raw.from, mode);
  const to = readDate(raw.to, mode);
  const format = mode === 'form' ? 'dd.mm.åååå' : 'ÅÅÅÅ-MM-DD';
  if (!from) fields.from = t(lang, 'submissions.from_invalid', { format });
  if (!to) fields.to = t(lang, 'submissions.to_invalid', { format });
  if (from && to && to < from) fields.to = t(lang, 'submissions.to_before_from');
  if (!scope) fields.scope = t(lang, 'submissions.scope_invalid');
  Object.assign(fields, extra);
  if (Object.keys(fields).length) throw new Invalid(fields, t(lang, 'submissions.request_invalid'));
  return { from: from!, to: to!, scope: scope! };
}

/** The scopes a user may submit for: its municipality, or its region and the region's municipalities. */
export async function submittableScopes(db: Knex, userScope: Scope): Promise<string[]> {
  if (userScope.kind !== 'region') return [userScope.code];
  return [userScope.code, ...(await geography(db)).municipalitiesOfRegion(userScope.code).map((m) => m.code)];
}

export function readPart(raw: unknown, lang: Lang): Part {
  if (raw === 'csv' || raw === 'manifest' || raw === 'zip') return raw;
  throw new Invalid({ part: t(lang, 'submissions.part_invalid') });
}

export function readId(raw: unknown): number {
  const s = String(raw);
  if (!/^\d{1,9}$/.test(s)) throw new NotFound();
  return Number(s);
}

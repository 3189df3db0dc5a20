import type { Knex } from 'knex';
import { type Role, Scope, scopeContains, whereScopeCodesInScope } from '../access';
import { codeAndName, geography, hospitals } from '../geography';
import { dbBool } from '../db/codecs';
import { byteOrder, containsPattern, danishSortKey, foldText } from '../db/danish';

/** The stored columns of a user's name: the name, its search fold and its Danish sort key (server/db/danish). */
export function userNameColumns(name: string): { name: string; name_folded: string; name_sort: string } {
  return { name, name_folded: foldText(name), name_sort: danishSortKey(name) };
}

export const PAGE_SIZE = 50;

export interface AdminUser {
  id: number;
  email: string;
  name: string;
  scope: string;
  active: boolean;
  must_change_password: boolean;
  created_at: string;
  deactivated_at: string | null;
  /** The identity provider the account is linked to by single sign-on (null: not linked). */
  oidc_issuer: string | null;
  roles: Role[];
}

async function withRoles(db: Knex, rows: Omit<AdminUser, 'roles'>[]): Promise<AdminUser[]> {
  const ids = rows.map((r) => r.id);
  const roleRows: { user_id: number; role: Role }[] = ids.length
    ? await db('user_roles').whereIn('user_id', ids).orderBy('role') : [];
  return rows.map((r) => ({
    ...r,
    active: dbBool(r.active),
    must_change_password: dbBool(r.must_change_password),
    roles: roleRows.filter((x) => x.user_id === r.id).map((x) => x.role),
  }));
}

const USER_COLUMNS = ['id', 'email', 'name', 'scope', 'active', 'must_change_password', 'created_at', 'deactivated_at', 'oidc_issuer'];

/** The users whose scope lies inside the admin's scope, by name; `q` searches name and email. */
export async function listUsers(db: Knex, scope: Scope, opts: { q?: string | null; page: number }) {
  const base = whereScopeCodesInScope(db('users'), scope, 'scope');
  if (opts.q) {
    const like = containsPattern(foldText(opts.q));
    base.where((w) => w.whereRaw("coalesce(name_folded, lower(name)) like ? escape '\\'", [like]).orWhereRaw("lower(email) like ? escape '\\'", [like]));
  }
  const [{ n }] = await base.clone().count({ n: '*' });
  const rows = await base.clone().select(USER_COLUMNS).orderBy('active', 'desc').orderByRaw(byteOrder(db, 'name_sort')).orderBy('id')
    .limit(PAGE_SIZE).offset((opts.page - 1) * PAGE_SIZE);
  return { items: await withRoles(db, rows), total: Number(n) };
}

/** One user, only when inside the scope. */
export async function getUserInScope(db: Knex | Knex.Transaction, scope: Scope, id: number): Promise<AdminUser | undefined> {
  const row = await whereScopeCodesInScope(db('users'), scope, 'scope').where('id', id).first(USER_COLUMNS);
  return row ? (await withRoles(db as Knex, [row]))[0] : undefined;
}

/** Active users inside the scope (the "issue a token for" choice). */
export async function activeUsersInScope(db: Knex, scope: Scope): Promise<{ id: number; email: string; name: string }[]> {
  return whereScopeCodesInScope(db('users'), scope, 'scope').where('active', true).orderByRaw(byteOrder(db, 'name_sort')).orderBy('id').select('id', 'email', 'name');
}

export interface AdminToken {
  id: number; user_id: number; email: string; user_name: string; prefix: string; name: string | null;
  created_at: string; expires_at: string; last_used_at: string | null; revoked_at: string | null; scope: string;
}

/** Tokens of the users inside the scope, newest first. */
export async function listTokens(db: Knex, scope: Scope, page: number) {
  const base = whereScopeCodesInScope(db('api_tokens as t').join('users as u', 'u.id', 't.user_id'), scope, 'u.scope');
  const [{ n }] = await base.clone().count({ n: '*' });
  const items: AdminToken[] = await base.clone()
    .select('t.id', 't.user_id', 'u.email', 'u.name as user_name', 't.prefix', 't.name', 't.created_at', 't.expires_at',
      't.last_used_at', 't.revoked_at', 'u.scope')
    .orderBy([{ column: 't.created_at', order: 'desc' }, { column: 't.id', order: 'desc' }])
    .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE);
  return { items, total: Number(n) };
}

export async function getTokenInScope(db: Knex | Knex.Transaction, scope: Scope, id: number): Promise<AdminToken | undefined> {
  return whereScopeCodesInScope(db('api_tokens as t').join('users as u', 'u.id', 't.user_id'), scope, 'u.scope')
    .where('t.id', id)
    .first('t.id', 't.user_id', 'u.email', 'u.name as user_name', 't.prefix', 't.name', 't.created_at', 't.expires_at',
      't.last_used_at', 't.revoked_at', 'u.scope');
}

export interface ScopeChoice { code: string; label: string }
export interface ScopeGroup { label: string; choices: ScopeChoice[] }

/** The scopes an admin may grant, grouped by region for the form's select: the region, its municipalities, its departments. */
export async function grantableScopes(db: Knex, scope: Scope, countryLabel: string): Promise<ScopeGroup[]> {
  type Row = { code: string; name: string; region_code: string; region_name: string };
  const key = (r: Row) => `${r.region_code}|${danishSortKey(r.name)}`;
  // 98 reference rows, sorted here in Danish order (Aabenraa and Ærø after Vejle), the same on both engines
  const rows = (await geography(db)).municipalities
    .map((m): Row => ({ code: m.code, name: m.name, region_code: m.regionCode, region_name: m.regionName }))
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  // A hospital user's scope is its department (pathway.md §2); inactive departments are granted no new users.
  const departments = (await hospitals(db)).filter((h) => h.active);
  const groups: ScopeGroup[] = [];
  if (scope.kind === 'country') groups.push({ label: countryLabel, choices: [{ code: 'DK', label: 'DK – ' + countryLabel }] });
  for (const regionCode of [...new Set(rows.map((r) => r.region_code))]) {
    const inRegion = rows.filter((r) => r.region_code === regionCode);
    const regionName = inRegion[0].region_name;
    const choices: ScopeChoice[] = [];
    if (scopeContains(scope, { kind: 'region', code: regionCode })) choices.push({ code: regionCode, label: `${regionCode} – ${regionName}` });
    for (const m of inRegion) {
      if (scopeContains(scope, { kind: 'municipality', code: m.code, regionCode })) choices.push({ code: m.code, label: `${m.code} – ${m.name}` });
    }
    for (const h of departments.filter((d) => d.region_code === regionCode)) {
      if (scopeContains(scope, { kind: 'department', code: h.sor_code, regionCode })) choices.push({ code: h.sor_code, label: `${h.sor_code} – ${h.name}` });
    }
    if (choices.length) groups.push({ label: regionName, choices });
  }
  return groups;
}

/** "751 Aarhus", "1082 Region Midtjylland", "DK" for display. */
export async function scopeLabels(db: Knex): Promise<{ get(code: string): string }> {
  const geo = await geography(db);
  return { get: (code) => codeAndName(geo, code) };
}

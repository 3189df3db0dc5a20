import type { Knex } from 'knex';
import type { CurrentUser } from '../../../server/access';
import { resolveScope } from '../../../server/access';
import { formatCell } from '../../../server/courses/export';
import { VARIABLE_NAMES, type CourseValues, type VariableName } from '../../../server/courses/variables';
import { createDemoUsersIfEmpty } from '../../../server/demo/users';
import { runImport, type ImportReport } from '../../../server/imports/service';
import { TEST_CPR_KEY } from '../submissions/fixtures';

/** A course CSV of the given rows: the columns used by any row (dictionary order) unless given. */
export function csvOf(rows: CourseValues[], opts: { sep?: string; bom?: boolean; crlf?: boolean; columns?: string[] } = {}): string {
  const sep = opts.sep ?? ';';
  const eol = opts.crlf ? '\r\n' : '\n';
  const columns = opts.columns ?? VARIABLE_NAMES.filter((n) => rows.some((r) => r[n] !== undefined));
  const cell = (n: string, r: CourseValues) => formatCell(n as VariableName, r[n as VariableName] ?? null);
  const lines = [columns.join(sep), ...rows.map((r) => columns.map((c) => cell(c, r)).join(sep))];
  return (opts.bom ? '\uFEFF' : '') + lines.join(eol) + eol;
}

/** The demo therapist of Aarhus, as the import service sees a user. */
export async function therapist(db: Knex, code = '751'): Promise<CurrentUser> {
  await createDemoUsersIfEmpty(db);
  const email = code === '751' ? 'terapeut.aarhus@demo.dk' : 'terapeut.randers@demo.dk';
  const row = await db('users').where({ email }).first();
  return { id: Number(row.id), email, name: email, roles: ['therapist'], scope: (await resolveScope(db, code))!, mustChangePassword: false, via: 'session' };
}

export async function importText(db: Knex, user: CurrentUser, text: string | Buffer, dryRun = false, maxBytes = 50 * 1048576): Promise<ImportReport> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  async function* source() {
    for (let i = 0; i < bytes.length; i += 16384) yield bytes.subarray(i, i + 16384);
  }
  const actor = { userId: user.id, email: user.email, scope: user.scope.code, ip: null };
  return runImport({ db, cprKey: TEST_CPR_KEY, maxBytes, lang: 'da' }, user, actor, source(), { dryRun });
}

export async function courseCount(db: Knex): Promise<number> {
  const [{ n }] = await db('courses').count({ n: '*' });
  return Number(n);
}

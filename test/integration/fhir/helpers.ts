import fs from 'node:fs';
import path from 'node:path';
import type { CurrentUser } from '../../../server/access';
import type { Actor } from '../../../server/audit/record';
import type { Db } from '../../../server/db/connect';
import { importBundle, importSorList, type BundleResult } from '../../../server/fhir';
import { readCourse } from '../../../server/courses/service';
import { createUser } from '../../helpers/app';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'fhir');
export const CPR_KEY = Buffer.alloc(32, 7);

/** fhir.md "Test inputs": the SOR list of the IG's examples. */
export const HOLBAEK_SOR = [
  'sor_code;kind;municipality_code;name',
  '451000016003;municipality;316;Holbæk Kommune',
  '1037791000016002;other;;Holbæk Kommune, Sundhedsfremme og forebyggelse',
  '391951000016006;hospital;;Holbæk Sygehus, Kardiologisk afdeling',
  '1347831000016005;hospital;;Holbæk Sygehus, Medicinsk observationsafsnit',
  '1071391000016009;gp;;Almen praksis',
].join('\n');

export const ADMIN_ACTOR: Actor = { userId: null, email: 'cli', scope: null, ip: null };

export function fixture(name: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

/** A Holbæk therapist (316) and the SOR list loaded. */
export async function holbaek(db: Db): Promise<{ user: CurrentUser; actor: Actor }> {
  const { errors } = await importSorList(db, ADMIN_ACTOR, HOLBAEK_SOR, false);
  if (errors.length) throw new Error(errors.join('\n'));
  const email = `terapeut.holbaek.${Math.random().toString(36).slice(2, 8)}@test.dk`;
  const id = await createUser(db, { email, roles: ['therapist'], scope: '316' });
  const user: CurrentUser = {
    id, email, name: email, roles: ['therapist'], scope: { kind: 'municipality', code: '316', regionCode: '1085' },
    mustChangePassword: false, via: 'token',
  };
  return { user, actor: { userId: id, email, scope: '316', ip: null } };
}

export async function send(db: Db, who: { user: CurrentUser; actor: Actor }, bundle: unknown, dryRun = false): Promise<BundleResult> {
  const body = Buffer.from(typeof bundle === 'string' ? bundle : JSON.stringify(bundle));
  return importBundle({ db, cprKey: CPR_KEY, lang: 'da' }, who.user, who.actor, body, { dryRun });
}

export async function course(db: Db, who: { user: CurrentUser }, id: number) {
  return (await readCourse(db, CPR_KEY, who.user.scope, id))!;
}

export const codes = (r: BundleResult, severity?: 'error' | 'warning' | 'information') =>
  r.findings.filter((f) => !severity || severityOf(f.code) === severity).map((f) => f.code);

import { severityOf } from '../../../server/fhir/findings';

export async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of ['courses', 'patients', 'fhir_resources']) {
    out[table] = Number((await db(table).count({ n: '*' }))[0].n);
  }
  return out;
}

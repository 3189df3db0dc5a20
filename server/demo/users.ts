import type { Knex } from 'knex';
import type { Role } from '../access';
import { hashPassword, encryptTotpSecret, type ScryptCost } from '../auth';
import { userNameColumns } from '../admin/queries';
import { nowIso } from '../time';

export const DEMO_PASSWORD = 'hjerte-demo-1234';

/**
 * The demo admin's TOTP key (demo only, printed at start), so a newcomer can log in with any authenticator app.
 * product.md: with DEMO_DATA=1 the demo admin is created already enrolled.
 */
export const DEMO_TOTP_SECRET = 'JBSWY3DPEHPK3PXPHJERTEKVALITET22';

/** The demo logins of formats.md. */
export const DEMO_USERS: { email: string; name: string; roles: Role[]; scope: string }[] = [
  { email: 'terapeut.aarhus@demo.dk', name: 'Terapeut Aarhus', roles: ['therapist'], scope: '751' },
  { email: 'terapeut.randers@demo.dk', name: 'Terapeut Randers', roles: ['therapist'], scope: '730' },
  { email: 'kvalitet.aarhus@demo.dk', name: 'Kvalitet Aarhus', roles: ['quality'], scope: '751' },
  { email: 'kvalitet.midt@demo.dk', name: 'Kvalitet Region Midtjylland', roles: ['quality'], scope: '1082' },
  { email: 'indberetter.aarhus@demo.dk', name: 'Indberetter Aarhus', roles: ['exporter'], scope: '751' },
  { email: 'indberetter.midt@demo.dk', name: 'Indberetter Region Midtjylland', roles: ['exporter'], scope: '1082' },
  { email: 'admin@demo.dk', name: 'Administrator', roles: ['admin'], scope: 'DK' },
  // pathway.md §9
  { email: 'hospital.auh@demo.dk', name: 'Aarhus Universitetshospital, Hjertesygdomme', roles: ['hospital'], scope: 'P108201' },
  { email: 'hospital.randers@demo.dk', name: 'Regionshospitalet Randers, kardiologi', roles: ['hospital'], scope: 'P108203' },
  { email: 'hospital.midt@demo.dk', name: 'Hospitaler i Region Midtjylland', roles: ['hospital'], scope: '1082' },
];

/**
 * Creates the demo users when there are no users at all; returns whether it did. With `cprKey` the demo admin is
 * enrolled in two-factor with DEMO_TOTP_SECRET (the key of TOTP secrets derives from CPR_KEY). `passwordCost` is the
 * test suite's cheaper scrypt cost (default: the product's).
 */
export async function createDemoUsersIfEmpty(db: Knex, cprKey?: Buffer, passwordCost?: ScryptCost): Promise<boolean> {
  const [{ n }] = await db('users').count({ n: '*' });
  if (Number(n) > 0) return false;
  const hash = await hashPassword(DEMO_PASSWORD, passwordCost);
  await db.transaction(async (trx) => {
    for (const u of DEMO_USERS) {
      const now = nowIso();
      const [row] = await trx('users').insert({
        email: u.email, ...userNameColumns(u.name), password_hash: hash, scope: u.scope, active: true,
        must_change_password: false, created_at: now, updated_at: now,
      }).returning('id');
      const id = typeof row === 'object' ? row.id : row;
      await trx('user_roles').insert(u.roles.map((role) => ({ user_id: id, role })));
      if (cprKey && u.roles.includes('admin')) {
        await trx('users').where('id', id).update({ totp_secret: encryptTotpSecret(cprKey, DEMO_TOTP_SECRET), totp_enrolled_at: now });
      }
    }
  });
  return true;
}

import { expect } from 'chai';
import type { Knex } from 'knex';
import { cprLookupHash, decryptCpr } from '../../../server/patients';
import { insertRows } from '../../../server/db/bulk';
import { ensurePatients } from '../../../server/patients/ensure';
import { freshDb } from '../../helpers/db';
import { cprNo, TEST_CPR_KEY } from '../submissions/fixtures';

describe('ensurePatients: the patients of many CPR numbers, found or created in bulk', () => {
  let db: Knex;
  beforeEach(async () => { db = await freshDb(); });

  it('creates the missing ones with multi-row INSERTs (1 200 patients: several statements), finds them again, one per CPR', async () => {
    const cprs = Array.from({ length: 1200 }, (_, i) => cprNo(i));
    const names = new Map([[cprNo(7), 'Anna Ørsted']]);

    const first = await db.transaction((trx) => ensurePatients(trx, [...cprs, cprNo(7)], { cprKey: TEST_CPR_KEY, municipality: '751', names }));
    const again = await db.transaction((trx) => ensurePatients(trx, cprs.slice(0, 10), { cprKey: TEST_CPR_KEY, municipality: '751' }));

    expect(first.size).to.equal(1200);
    expect([...first.values()].every((p) => p.created)).to.equal(true);
    expect(await db('patients').count({ n: '*' }).then((r) => Number(r[0].n))).to.equal(1200);
    for (const cpr of [cprNo(0), cprNo(7), cprNo(1199)]) {
      const row = await db('patients').where({ id: first.get(cpr)!.id }).first();
      expect(row.cpr_hash).to.equal(cprLookupHash(TEST_CPR_KEY, cpr));
      expect(decryptCpr(TEST_CPR_KEY, row.cpr_enc)).to.equal(cpr);
      expect(row).to.include({ municipality_code: '751', birth_date: '1950-01-01' });
    }
    expect(await db('patients').where({ id: first.get(cprNo(7))!.id }).first()).to.include({ patient_name: 'Anna Ørsted', sex: 'M' });
    expect([...again].map(([cpr, p]) => [cpr, p.id, p.created])).to.deep.equal(cprs.slice(0, 10).map((c) => [c, first.get(c)!.id, false]));
  });

  it('the same CPR in another municipality is another patient', async () => {
    const a = await ensurePatients(db, [cprNo(1)], { cprKey: TEST_CPR_KEY, municipality: '751' });
    const b = await ensurePatients(db, [cprNo(1)], { cprKey: TEST_CPR_KEY, municipality: '730' });

    expect(b.get(cprNo(1))!.created).to.equal(true);
    expect(b.get(cprNo(1))!.id).to.not.equal(a.get(cprNo(1))!.id);
  });

  it('a patient another transaction created meanwhile is skipped by the unique key, not an error (multi-row INSERT … ON CONFLICT DO NOTHING)', async () => {
    await ensurePatients(db, [cprNo(2)], { cprKey: TEST_CPR_KEY, municipality: '751' });
    const row = (cpr: string) => ['751', cprLookupHash(TEST_CPR_KEY, cpr), 'x', false, '2025-01-01T00:00:00.000Z'];

    const inserted = await insertRows(db, 'patients', ['municipality_code', 'cpr_hash', 'cpr_enc', 'is_demo', 'created_at'],
      [row(cprNo(2)), row(cprNo(3))], { returning: ['cpr_hash'], skipConflictsOn: ['municipality_code', 'cpr_hash'] });

    expect(inserted.map((r) => r.cpr_hash)).to.deep.equal([cprLookupHash(TEST_CPR_KEY, cprNo(3))]);
    expect(await db('patients').count({ n: '*' }).then((r) => Number(r[0].n))).to.equal(2);
  });
});

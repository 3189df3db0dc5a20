import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { resolveScope } from '../../../server/access';
import { exportSnapshot, writeCourseExport } from '../../../server/courses/export';
import { freshDb } from '../../helpers/db';
import { closedCourse, cprNo, notStartedCourse, storeCourse, TEST_CPR_KEY as KEY } from '../submissions/fixtures';

async function exportText(db: Knex, pseudonymise = false): Promise<string> {
  const scope = (await resolveScope(db, '751'))!;
  let text = '';
  await writeCourseExport(db, KEY, { scope, pseudonymise, maxId: (await exportSnapshot(db, scope)).maxId }, async (c) => { text += c; });
  return text;
}

const record = (text: string, n: number): Record<string, string> => {
  const [header, ...rows] = text.slice(1).split('\r\n');
  return Object.fromEntries(header.split(';').map((h, i) => [h, rows[n].split(';')[i]]));
};

describe('course export: the bytes', () => {
  let db: Knex;
  beforeEach(async () => {
    db = await freshDb();
  });

  it('quotes only a field holding ; " CR or LF, doubling the quote', async () => {
    await storeCourse(db, notStartedCourse({ cpr: cprNo(1), patient_name: 'Ib "Bo" Jensen', external_id: 'a\r\nb' }));
    await storeCourse(db, notStartedCourse({ cpr: cprNo(2), patient_name: 'Ole, Hansen', external_id: 'x\ny' }));

    const text = await exportText(db);

    expect(text).to.include(`${cprNo(1)};"Ib ""Bo"" Jensen";751;"a\r\nb";`);
    expect(text).to.include(`${cprNo(2)};Ole, Hansen;751;"x\ny";`);
  });

  it('decimals carry the dictionary\'s decimals, integers none; not registered is empty', async () => {
    await storeCourse(db, closedCourse({ cpr: cprNo(3), weight_start_kg: 80, ldl_start: 2, heartqol_start: 1.5, height_cm: 170, icd10: null }));

    const r = record(await exportText(db), 0);

    expect([r.weight_start_kg, r.ldl_start, r.heartqol_start, r.height_cm, r.icd10]).to.deep.equal(['80.0', '2.0', '1.50', '170', '']);
  });

  it('rows are sorted by id and annulled courses left out', async () => {
    const a = await storeCourse(db, notStartedCourse({ cpr: cprNo(4) }));
    await storeCourse(db, notStartedCourse({ cpr: cprNo(5) }), { annulled: true });
    const c = await storeCourse(db, notStartedCourse({ cpr: cprNo(6) }));

    const text = await exportText(db);

    expect(text.slice(1).split('\r\n').slice(1, -1).map((l) => l.split(';')[0])).to.deep.equal([cprNo(4), cprNo(6)]);
    expect(a).to.be.lessThan(c);
  });

  it('pseudonym is HMAC-SHA256 under HKDF-SHA256(CPR_KEY, empty salt, "pseudonym", 32 bytes), lowercase hex', async () => {
    await storeCourse(db, notStartedCourse({ cpr: cprNo(7), patient_name: 'Navn', external_id: 'E7' }));
    const key = Buffer.from(crypto.hkdfSync('sha256', KEY, Buffer.alloc(0), Buffer.from('pseudonym'), 32));

    const text = await exportText(db, true);

    const r = record(text, 0);
    expect(r.pseudonym).to.equal(crypto.createHmac('sha256', key).update(cprNo(7), 'ascii').digest('hex'));
    expect(Object.keys(r).filter((k) => ['cpr', 'patient_name', 'external_id'].includes(k))).to.deep.equal([]);
    expect(text).to.not.include('Navn');
    expect(text).to.not.include('E7');
  });
});

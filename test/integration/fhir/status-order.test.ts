import { expect } from 'chai';
import type { Bundle } from 'fhir/r4';
import type { Db } from '../../../server/db/connect';
import { freshDb } from '../../helpers/db';
import { citizen, encounter, focusCondition, referral, report } from '../../helpers/fhir-builder';
import { codes, counts, holbaek, send } from './helpers';
import * as s from './series';

/**
 * fhir.md "Interfaces", the status order: … → 404 → 409 a conflict with stored data → 400 any other error → 200.
 * A bundle with both errors of its own and a conflict is a 409 that lists both; with errors only it is a 400.
 */
describe('FHIR intake: the status order when a bundle has both errors and a conflict', () => {
  let db: Db;
  let who: Awaited<ReturnType<typeof holbaek>>;
  beforeEach(async () => {
    db = await freshDb();
    who = await holbaek(db);
  });

  /** A bundle plus one Encounter whose date does not exist (an error of the bundle itself, not a conflict). */
  function withInvalidDate(b: Bundle): Bundle {
    const bad = encounter('enc-bad', s.P, '2025-02-30', s.PLAN);
    return { ...b, entry: [...b.entry!, { fullUrl: `https://test.fhir.dk/Encounter/${bad.id}`, resource: bad }] };
  }

  const lastLogged = async () => Number((await db('fhir_bundles').orderBy('id', 'desc').first('status')).status);

  it('an overlapping second referral with an invalid date answers 409 listing the overlap and the date error; nothing written', async () => {
    expect((await send(db, who, s.step1())).status).to.equal(200);
    const before = await counts(db);

    const r = await send(db, who, withInvalidDate(s.secondReferral()));

    expect(r.status).to.equal(409);
    expect(codes(r, 'error')).to.include.members(['overlap', 'date_invalid']);
    expect(r.findings.find((f) => f.code === 'date_invalid')!.expression).to.match(/^Bundle\.entry\[\d+\]\.resource\.period/);
    expect(r.courses).to.deep.equal([]);
    expect(await counts(db)).to.deep.equal(before);
    expect(await lastLogged()).to.equal(409);
  });

  it('a resource id stored for another citizen plus an invalid date answers 409 patient_mismatch', async () => {
    expect((await send(db, who, s.step1())).status).to.equal(200);
    const other = report('2025-03-05T20:00:00Z', citizen('p-other', '0101801234'), [
      focusCondition(s.DX, 'p-other', 'DI214'), referral('sr-other', 'p-other', '2025-03-03', { reasons: [s.DX] }),
      encounter('enc-bad', 'p-other', '2025-02-30', 'plan-x'),
    ]);
    const before = await counts(db);

    const r = await send(db, who, other);

    expect(r.status).to.equal(409);
    expect(codes(r, 'error')).to.include.members(['patient_mismatch', 'date_invalid']);
    expect(await counts(db)).to.deep.equal(before);
  });

  it('errors without a conflict stay 400, and list no information about courses', async () => {
    const r = await send(db, who, withInvalidDate(s.step1()));

    expect(r.status).to.equal(400);
    expect([...new Set(codes(r, 'error'))]).to.deep.equal(['date_invalid']);
    expect(codes(r, 'information')).to.deep.equal([]);
    expect(await counts(db)).to.deep.include({ courses: 0, fhir_resources: 0 });
    expect(await lastLogged()).to.equal(400);
  });

  it('a dry run answers 200 and lists both the conflict and the error, writing nothing', async () => {
    expect((await send(db, who, s.step1())).status).to.equal(200);
    const before = await counts(db);

    const r = await send(db, who, withInvalidDate(s.secondReferral()), true);

    expect(r.status).to.equal(200);
    expect(codes(r, 'error')).to.include.members(['overlap', 'date_invalid']);
    expect(await counts(db)).to.deep.equal(before);
  });
});

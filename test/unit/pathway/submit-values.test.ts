import { expect } from 'chai';
import crypto from 'node:crypto';
import { cprLookupHash, decryptCpr } from '../../../server/patients';
import { referralIssues } from '../../../server/pathway/referral-rules';
import { INSERT_COLUMNS, submitInTrx, type Deferred, type ReferralCtx } from '../../../server/pathway/referrals';
import type { Knex } from 'knex';

/**
 * Issue 12 (speedups of the per-row work of the referral import): the values a submission yields keep their key order
 * and drop nulls (the audit detail is their JSON), and a deferred create's row holds INSERT_COLUMNS' values in order.
 * The expected strings are those of the code before the change.
 */
const key = crypto.randomBytes(32);
const ctx = { db: undefined, cprKey: key, user: { scope: { kind: 'region', code: '1082' } }, actor: { userId: 1, email: 'a@b.dk', scope: '1082', ip: null }, lang: 'da' } as unknown as ReferralCtx;
const known = { departments: { all: new Set(['P108201']), active: new Set(['P108201']) }, today: '2026-06-15' };
const noDb = undefined as unknown as Knex.Transaction;

describe('pathway: a submission\'s values and deferred row (issue 12)', () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown> | undefined, string][] = [
    ['CSV row, new', { sor_code: 'P108201', referral_id: 'A1', cpr: '0101651001', municipality_code: '751', referral_date: '2026-03-01', diagnosis_group: 'ihd', ihd_treatment: 'pci', discharge_date: '', icd10: '' },
      undefined, '{"cpr":"0101651001","municipality_code":"751","referral_date":"2026-03-01","diagnosis_group":"ihd","ihd_treatment":"pci","sor_code":"P108201","referral_id":"A1","withdrawn":"no"}'],
    ['columns in another order, withdrawn with a reason', { withdrawal_reason: 'fejl', withdrawn: 'yes', diagnosis_group: 'heart_failure', referral_date: '2026-02-01', municipality_code: '751', cpr: '010165-1001', referral_id: 'A2', sor_code: 'P108201' },
      undefined, '{"cpr":"010165-1001","municipality_code":"751","referral_date":"2026-02-01","diagnosis_group":"heart_failure","sor_code":"P108201","referral_id":"A2","withdrawn":"yes","withdrawal_reason":"fejl"}'],
    ['an update un-registering discharge_date over stored values', { sor_code: 'P108201', referral_id: 'A3', discharge_date: '', icd10: 'DI219' },
      { sor_code: 'P108201', referral_id: 'A3', cpr: '0101651001', municipality_code: '751', referral_date: '2026-03-01', discharge_date: '2026-02-27', diagnosis_group: 'ihd', ihd_treatment: null, icd10: null, withdrawn: 'no', withdrawal_reason: null },
      '{"sor_code":"P108201","referral_id":"A3","cpr":"0101651001","municipality_code":"751","referral_date":"2026-03-01","diagnosis_group":"ihd","icd10":"DI219","withdrawn":"no"}'],
  ];
  for (const [name, raw, base, json] of cases) {
    it(`values: ${name}`, async () => {
      const { values } = await referralIssues(noDb, ctx, raw, base as never, known);
      expect(JSON.stringify(values)).to.equal(json);
    });
  }

  it('a deferred create: its row in INSERT_COLUMNS order, its group and audit entry', async () => {
    const defer: Deferred = { rows: [], groups: [], audits: [] };
    const raw = { sor_code: 'P108201', referral_id: 'A4', cpr: '0101651001', municipality_code: '751', referral_date: '2026-03-01', discharge_date: '2026-02-28', diagnosis_group: 'ihd' };
    const res = await submitInTrx(noDb, ctx, raw, false, { ...known, stored: null, coverage: new Map([['751', '2020-01-01']]), defer });
    expect(res).to.deep.equal({ action: 'create', id: null, warnings: [] });
    const row = defer.rows[0];
    const hash = cprLookupHash(key, '0101651001');
    expect(row.length).to.equal(INSERT_COLUMNS.length);
    expect(decryptCpr(key, row[11] as string)).to.equal('0101651001');
    expect([...row.slice(0, 11), ...row.slice(12, 13)]).to.deep.equal(['P108201', 'A4', '751', '2026-03-01', '2026-02-28', 'ihd', null, null, false, null, hash, 1]);
    expect(row[13]).to.equal(row[14]);
    expect(row[13]).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(defer.groups).to.deep.equal([{ municipality_code: '751', cpr_hash: hash }]);
    expect(JSON.stringify(defer.audits)).to.equal(JSON.stringify([{ action: 'referral_create', entity: 'referral', municipalityCode: '751', recordScope: 'P108201',
      detail: { patient_key: hash, values: { municipality_code: '751', referral_date: '2026-03-01', discharge_date: '2026-02-28', diagnosis_group: 'ihd', sor_code: 'P108201', referral_id: 'A4', withdrawn: 'no' } } }]));
  });
});

import { expect } from 'chai';
import { describeDetail } from '../../../server/admin/audit-detail';

/** Issue 10 §5: the audit log's details read in the user's language, never as raw JSON. */
describe('audit detail in words', () => {
  it('a course change names the variables by label and the codes by label, old → new', () => {
    const detail = JSON.stringify({ version: 3, changes: { referral_source: { old: 'hospital', new: 'gp' }, referral_date: { old: '2024-01-10', new: '2024-01-11' } } });
    expect(describeDetail('da', detail)).to.deep.equal(['Version: 3', 'Henvist fra: Sygehus → Almen praksis', 'Henvisningsdato: 10.01.2024 → 11.01.2024']);
    expect(describeDetail('en', detail)).to.deep.equal(['Version: 3', 'Referred from: Hospital → General practice', 'Referral date: 10.01.2024 → 11.01.2024']);
  });

  it('a user change reads old → new per field, roles by name; a refused access, a standard, an annulment', () => {
    const user = JSON.stringify({ old: { name: 'A', roles: ['therapist'] }, new: { name: 'B', roles: ['therapist', 'quality'] } });
    expect(describeDetail('da', user)).to.deep.equal(['Navn: A → B', 'Roller: Terapeut → Terapeut, Kvalitetsmedarbejder']);
    expect(describeDetail('da', JSON.stringify({ status: 403, method: 'GET', path: '/forloeb/5' }))).to.deep.equal(['Status: 403', 'Metode: GET', 'Adresse: /forloeb/5']);
    expect(describeDetail('da', JSON.stringify({ indicator_id: 'HK03', valid_from: '2026-07-01', old: '>=0.75', new: '>=0.85' })))
      .to.deep.equal(['≥ 75 % → ≥ 85 %', 'Indikator: HK03', 'Gyldig fra: 01.07.2026']);
    expect(describeDetail('da', JSON.stringify({ version: 2, reason: 'Oprettet to gange' }))).to.deep.equal(['Version: 2', 'Årsag: Oprettet to gange']);
    for (const lines of [describeDetail('da', user), describeDetail('en', user)]) expect(lines.join(' ')).not.to.match(/[{}"]/);
  });
});

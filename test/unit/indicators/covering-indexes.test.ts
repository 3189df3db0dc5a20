import { expect } from 'chai';
import { INDEXES, STRATUM_INPUTS } from '../../../migrations/20261201110000_courses_carry_stratum_inputs';
import { columnsOf } from '../../../server/indicators/conditions';
import { INDICATORS } from '../../../server/indicators/definitions';

describe('indicator covering indexes', () => {
  it('lead with municipality_code and the period date and hold every column the indicators read, so the counts never read table rows', () => {
    for (const d of INDICATORS) {
      const index = INDEXES.find((i) => i.columns[1] === d.periodColumn);
      const needed = [...columnsOf(d.population), ...columnsOf(d.numerator), 'municipality_code', 'annulled'];

      expect(index, `index for ${d.periodColumn}`).to.not.equal(undefined);
      expect(index!.columns[0]).to.equal('municipality_code');
      expect(index!.columns, d.id).to.include.members(needed);
    }
  });

  it('hold the strata\'s inputs (sex and birth date carried on the course, referral_date, diagnosis_group), not patient_id', () => {
    for (const index of INDEXES) {
      expect(index.columns, index.name).to.include.members([...STRATUM_INPUTS, 'referral_date', 'diagnosis_group']);
      expect(index.columns, index.name).to.not.include('patient_id');
    }
  });
});

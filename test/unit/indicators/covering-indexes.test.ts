import { expect } from 'chai';
import { INDEXES } from '../../../migrations/20261130120000_add_outcome_indicators';
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
});

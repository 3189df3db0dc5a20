import { expect } from 'chai';
import { INDEXES } from '../../../migrations/20261123130000_add_indicator_covering_indexes';
import { columnsOf } from '../../../server/indicators/conditions';
import { INDICATORS } from '../../../server/indicators/definitions';

describe('indicator covering indexes', () => {
  it('hold every column the indicators of their period date read, so the counts never read table rows', () => {
    for (const d of INDICATORS) {
      const index = INDEXES.find((i) => i.columns[0] === d.periodColumn);
      const needed = [...columnsOf(d.population), ...columnsOf(d.numerator), 'municipality_code', 'annulled'];

      expect(index, `index for ${d.periodColumn}`).to.not.equal(undefined);
      expect(index!.columns, d.id).to.include.members(needed);
    }
  });
});

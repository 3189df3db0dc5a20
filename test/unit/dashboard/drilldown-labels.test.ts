import { expect } from 'chai';
import { columnsOf } from '../../../server/indicators/conditions';
import { INDICATORS } from '../../../server/indicators/definitions';
import { t } from '../../../server/i18n';

describe('drill-down reasons name every column an indicator reads', () => {
  it('each column of every indicator\'s population and numerator has a label in Danish and English (no raw key in a reason)', () => {
    for (const d of INDICATORS) {
      const columns = new Set([...columnsOf(d.population), ...columnsOf(d.numerator)]);
      for (const col of columns) {
        for (const lang of ['da', 'en'] as const) {
          const key = `courses.labels.${col}`;
          expect(t(lang, key), `${d.id} ${col} (${lang})`).to.not.equal(key);
        }
      }
    }
  });
});

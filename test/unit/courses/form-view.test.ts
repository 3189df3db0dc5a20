import { expect } from 'chai';
import { displayValue, fieldView, sectionInput } from '../../../server/courses/form-view';
import { VARIABLE, VARIABLES } from '../../../server/courses/variables';

describe('courses/form-view: values and hints as the form shows them', () => {
  it('dates as dd.mm.åååå, decimals with a comma in Danish and a dot in English, CPR with a hyphen', () => {
    expect(displayValue(VARIABLE.referral_date, '2025-01-05', 'da')).to.equal('05.01.2025');
    expect(displayValue(VARIABLE.weight_start_kg, 82.5, 'da')).to.equal('82,5');
    expect(displayValue(VARIABLE.weight_start_kg, 82.5, 'en')).to.equal('82.5');
    expect(displayValue(VARIABLE.heartqol_start, 2.1, 'da')).to.equal('2,10');
    expect(displayValue(VARIABLE.cpr, '0101701235', 'da')).to.equal('010170-1235');
  });

  for (const def of VARIABLES.filter((v) => v.kind === 'decimal')) {
    it(`${def.name}: the hint's example lies in ${def.min}–${def.max} with ${def.decimals} decimal(s)`, () => {
      const hint = fieldView(def.name, { stored: {}, lang: 'da' }).hint!;
      const example = Number(/fx (\d+(?:,\d+)?)$/.exec(hint)![1].replace(',', '.'));
      expect(example).to.be.within(def.min!, def.max!);
      expect(/fx \d+,(\d+)$/.exec(hint)![1]).to.have.length(def.decimals!);
    });
  }

  it('a field typed as a=1&a=2 reads the last value (the checked radio after the hidden empty one)', () => {
    expect(sectionInput('indsatser', { education: ['', 'completed'], diet: 'received', cpr: 'x' }))
      .to.deep.equal({ education: 'completed', diet: 'received' });
  });
});

import { expect } from 'chai';
import { reasonText } from '../../../server/dashboard/drilldown-reasons';
import { indicatorById } from '../../../server/indicators/definitions';
import { DrillDownRow } from '../../../server/indicators/drilldown';
import { hiddenQuarters } from '../../../server/indicators/spc';

const row = (kind: DrillDownRow['kind'], values: DrillDownRow['values'], extra: Partial<DrillDownRow> = {}): DrillDownRow => ({
  course_id: 1, patient_id: 1, referral_date: '2025-01-02', start_date: '2025-01-23', end_date: '2025-04-20', kind,
  missing_variables: [], patient_name: null, values, ...extra,
});

describe('drill-down reasons and complementary hiding of quarters', () => {
  it('says why a course missed in the words of its variables, in Danish and English', () => {
    expect(reasonText(indicatorById('HK04'), row('not_met', { training_attended: 18, training_planned: 24 }), 'da')).to.equal('18 af 24 træningsgange');
    expect(reasonText(indicatorById('HK04'), row('not_met', { training_attended: 18, training_planned: 24 }), 'en')).to.equal('18 of 24 training sessions');
    expect(reasonText(indicatorById('HK06'), row('not_met', { smoking_end: 'daily' }), 'da')).to.equal('Rygestatus ved afslutning: Dagligryger');
    expect(reasonText(indicatorById('HK02'), row('not_met', {}), 'da')).to.equal('21 dage fra henvisning til opstart');
    expect(reasonText(indicatorById('HK13'), row('not_met', { ldl_end: 1.4 }), 'da')).to.equal('LDL-kolesterol ved afslutning: 1,4 mmol/L');
    expect(reasonText(indicatorById('HK14'), row('not_met', { bp_sys_end: 140, bp_dia_end: 89 }), 'da')).to.equal('Blodtryk ved afslutning: 140/89 mmHg');
    expect(reasonText(indicatorById('HK08'), row('not_met', { hads_d_end: null }), 'da')).to.match(/: ikke registreret$/);
    expect(reasonText(indicatorById('HK12'), row('missing', {}, { missing_variables: ['hads_a_start'] }), 'da')).to.match(/^Mangler: /);
  });

  it('hides every quarter of a year outside the scope when one is hidden and the year is shown', () => {
    const quarters = [2024, 2024, 2024, 2024, 2025, 2025].map((year, i) => ({ year, denominator: [6, 3, 7, 8, 9, 9][i] }));
    expect(hiddenQuarters(quarters, true, () => 24)).to.deep.equal([false, false, false, false, false, false]);
    // 2024 holds a quarter of 3 and the year (24) is shown: all of 2024 hidden; 2025 untouched
    expect(hiddenQuarters(quarters, false, (y) => (y === 2024 ? 24 : 18))).to.deep.equal([true, true, true, true, false, false]);
    // the year itself below 5 is hidden anyway: only the few-data quarter hides
    expect(hiddenQuarters([{ year: 2024, denominator: 3 }, { year: 2024, denominator: 0 }], false, () => 3)).to.deep.equal([true, true]);
  });
});

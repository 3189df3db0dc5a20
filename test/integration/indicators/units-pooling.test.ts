import type { Knex } from 'knex';
import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { INDICATOR_IDS } from '../../../server/indicators/definitions';
import { computeResults } from '../../../server/indicators/results';
import { geography, listUnits, type UnitType } from '../../../server/geography';

/** The municipality codes of a unit, as the geography owner answers them (empty for no such unit). */
async function municipalitiesOfUnit(db: Knex, unitType: UnitType, code: string): Promise<string[]> {
  return (await geography(db)).unit(unitType, code)?.municipalityCodes ?? [];
}

async function unitContainsMunicipality(db: Knex, unitType: UnitType, code: string, municipality: string): Promise<boolean> {
  return (await municipalitiesOfUnit(db, unitType, code)).includes(municipality);
}
import { addCourse, addCourses, completedCourse as done } from './fixtures';

const END = '2025-05-05';

describe(`indicator units and pooling (${testEngine})`, () => {
  it('lists units in formats.md order with their names and municipalities', async () => {
    const db = await freshDb();
    const municipalities = await listUnits(db, 'municipality');
    expect(municipalities).to.have.length(98);
    expect(municipalities[0]).to.include({ code: '101', name: 'København' });
    expect((await listUnits(db, 'cluster')).map((u) => [u.code, u.name])).to.deep.equal([
      ['aarhus', 'Aarhusklyngen'], ['horsens', 'Horsensklyngen'], ['midt', 'Midtklyngen'], ['randers', 'Randersklyngen'], ['vest', 'Vestklyngen'],
    ]);
    expect((await listUnits(db, 'region')).map((u) => u.code)).to.deep.equal(['1081', '1082', '1083', '1084', '1085']);
    expect((await listUnits(db, 'region'))[1].name).to.equal('Region Midtjylland');
    expect((await listUnits(db, 'country'))[0]).to.include({ code: 'DK', name: 'Danmark' });
    expect(await municipalitiesOfUnit(db, 'cluster', 'aarhus')).to.deep.equal(['741', '751']);
    expect(await municipalitiesOfUnit(db, 'region', '1082')).to.have.length(19);
    expect(await unitContainsMunicipality(db, 'region', '1082', '751')).to.equal(true);
    expect(await unitContainsMunicipality(db, 'region', '1084', '751')).to.equal(false);
    expect(await unitContainsMunicipality(db, 'country', 'DK', '101')).to.equal(true);
    expect(await municipalitiesOfUnit(db, 'cluster', 'nowhere')).to.deep.equal([]);
  });

  it('pools counts into cluster, region and country (sums, never averages); units without courses have rows', async () => {
    const db = await freshDb();
    // HK03 by hand: Aarhus 3 completed + 1 dropped out (3/4); Samsø 1 completed (1/1) → Aarhusklyngen 4/5;
    // Horsens 2 dropped out + 1 without outcome (0/2, 1 missing) → Region Midtjylland 4/7, 1 missing;
    // København 1 completed → Danmark 5/8, 1 missing. An average of values would give Aarhusklyngen 0.875, not 0.8.
    await addCourses(db, 3, done(END, { municipality_code: '751' }));
    await addCourse(db, done(END, { municipality_code: '751', outcome: 'dropped_out' }));
    await addCourse(db, done(END, { municipality_code: '741' }));
    await addCourses(db, 2, done(END, { municipality_code: '615', outcome: 'dropped_out' }));
    await addCourse(db, done(END, { municipality_code: '615', outcome: null }));
    await addCourse(db, done(END, { municipality_code: '101' }));
    const counts = (r: { numerator: number | null; denominator: number | null; missing: number | null }) => [r.numerator, r.denominator, r.missing];

    const clusters = await computeResults(db, { period: '2025', unitType: 'cluster', indicatorIds: ['HK03'] });
    expect(clusters.map((r) => [r.unit_code, ...counts(r)])).to.deep.equal([
      ['aarhus', 4, 5, 0], ['horsens', 0, 2, 1], ['midt', 0, 0, 0], ['randers', 0, 0, 0], ['vest', 0, 0, 0],
    ]);
    const [region] = await computeResults(db, { period: '2025', unitType: 'region', unitCode: '1082', indicatorIds: ['HK03'] });
    expect(counts(region)).to.deep.equal([4, 7, 1]);
    const [country] = await computeResults(db, { period: '2025', unitType: 'country', indicatorIds: ['HK03'] });
    expect(counts(country)).to.deep.equal([5, 8, 1]);
    expect(country).to.include({ unit_type: 'country', unit_code: 'DK', unit_name: 'Danmark' });

    // Every cluster and region row equals the sums of its municipalities' rows, for every indicator.
    const byMunicipality = await computeResults(db, { period: '2025', unitType: 'municipality' });
    for (const unitType of ['cluster', 'region', 'country'] as const) {
      for (const row of await computeResults(db, { period: '2025', unitType })) {
        const members = await municipalitiesOfUnit(db, unitType, row.unit_code);
        const parts = byMunicipality.filter((m) => m.indicator_id === row.indicator_id && members.includes(m.unit_code));
        const sum = (k: 'numerator' | 'denominator' | 'missing') => parts.reduce((s, m) => s + m[k]!, 0);
        expect(counts(row), `${row.indicator_id} ${row.unit_code}`).to.deep.equal([sum('numerator'), sum('denominator'), sum('missing')]);
      }
    }
  });

  it('gives one row per indicator × unit, ordered by indicator then unit, with the formats.md columns', async () => {
    const db = await freshDb();
    await addCourses(db, 4, done(END, { municipality_code: '751' }));
    await addCourse(db, done(END, { municipality_code: '751', outcome: 'dropped_out' }));
    const now = new Date('2025-11-23T10:00:00.000Z');

    const rows = await computeResults(db, { period: '2025', unitType: 'municipality', now });
    expect(rows).to.have.length(14 * 98);
    expect(rows.map((r) => r.indicator_id).filter((id, i, all) => all.indexOf(id) === i)).to.deep.equal([...INDICATOR_IDS]);
    expect(rows.slice(0, 3).map((r) => r.unit_code)).to.deep.equal(['101', '147', '151']);

    const aarhus = rows.find((r) => r.indicator_id === 'HK03' && r.unit_code === '751')!;
    // 4 of 5 = 0.8 ≥ 0.75; Wilson 4 of 5 by the formula (z² = 3.841459): [0.375535, 0.963776].
    expect(Object.keys(aarhus)).to.deep.equal([
      'indicator_id', 'indicator_name', 'unit_type', 'unit_code', 'unit_name', 'period', 'numerator', 'denominator', 'missing',
      'value', 'ci_low', 'ci_high', 'missing_low', 'missing_high', 'standard', 'standard_met', 'few_data', 'computed_at',
    ]);
    expect(aarhus).to.include({
      indicator_name: 'Vedholdenhed', unit_type: 'municipality', unit_name: 'Aarhus', period: '2025', numerator: 4, denominator: 5,
      missing: 0, value: 0.8, missing_low: 0.8, missing_high: 0.8, standard: '>=0.75', standard_met: true, few_data: false,
      computed_at: '2025-11-23T10:00:00.000Z',
    });
    expect(aarhus.ci_low).to.be.closeTo(0.375535, 1e-6);
    expect(aarhus.ci_high).to.be.closeTo(0.963776, 1e-6);

    const empty = rows.find((r) => r.indicator_id === 'HK03' && r.unit_code === '101')!;
    expect(empty).to.include({
      numerator: 0, denominator: 0, missing: 0, value: null, ci_low: null, ci_high: null, missing_low: null, missing_high: null,
      standard_met: null, few_data: true,
    });
    const [english] = await computeResults(db, { period: '2025', unitType: 'country', indicatorIds: ['HK03'], lang: 'en' });
    expect(english.indicator_name).to.equal('Persistence');
    expect(await computeResults(db, { period: '2025', unitType: 'region', unitCode: '9999' })).to.deep.equal([]);
  });

  it('marks few data below a denominator of 5 and judges from 5; missing bounds take the missing in', async () => {
    const db = await freshDb();
    // Aarhus HK03: 3 completed, 1 dropped out, 2 without outcome → 3/4, missing 2: few data, not judged;
    // bounds by hand: 3/6 = 0.5 and (3 + 2)/6.
    await addCourses(db, 3, done(END, { municipality_code: '751' }));
    await addCourse(db, done(END, { municipality_code: '751', outcome: 'dropped_out' }));
    await addCourses(db, 2, done(END, { municipality_code: '751', outcome: null }));
    // Samsø HK03: 3 completed, 2 dropped out → 3/5 = 0.6 < 0.75: judged, not met.
    await addCourses(db, 3, done(END, { municipality_code: '741' }));
    await addCourses(db, 2, done(END, { municipality_code: '741', outcome: 'dropped_out' }));

    const rows = await computeResults(db, { period: '2025', unitType: 'municipality', indicatorIds: ['HK03'] });
    const aarhus = rows.find((r) => r.unit_code === '751')!;
    expect(aarhus).to.include({ numerator: 3, denominator: 4, missing: 2, value: 0.75, few_data: true, standard_met: null, missing_low: 0.5 });
    expect(aarhus.missing_high).to.equal(5 / 6);
    expect(rows.find((r) => r.unit_code === '741')).to.include({ denominator: 5, few_data: false, standard_met: false });
  });
});

import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { derived } from '../../../server/courses';
import type { Db } from '../../../server/db/connect';
import { generateDemoCourses } from '../../../server/demo/generate';
import { geography } from '../../../server/geography';
import { Counts, countByMunicipality } from '../../../server/indicators/compute';
import { INDICATORS, IndicatorId } from '../../../server/indicators/definitions';
import { parsePeriod, Period } from '../../../server/indicators/periods';
import { computeSpc, computeWarnings, InsideTest, spcPeriods } from '../../../server/indicators/spc';
import { COURSE_STATE, courseStateSql, notAnnulled } from '../../../server/indicators/sql';
import { isWarning } from '../../../server/indicators/pchart';
import { demographicsOf } from '../../../server/patients';

const MUNICIPALITIES = ['101', '147', '751', '741', '461', '851'];
const TODAY = '2025-12-31';

/**
 * Varied courses: the demo generator's over 4 years in six municipalities, then variables unregistered in patterns
 * that cross each other (so every indicator meets registered, excluding, unknown and missing values), some annulled.
 */
async function fill(db: Db): Promise<void> {
  const columns = new Set(Object.keys(await db('courses').columnInfo()));
  const createdAt = '2025-01-01T00:00:00.000Z';
  const ids = new Map<string, number>();
  for (const demo of generateDemoCourses({ count: 1500, municipalityCodes: MUNICIPALITIES, years: 4, today: TODAY, seed: 7 })) {
    const key = `${demo.values.municipality_code}:${demo.cpr}`;
    if (!ids.has(key)) {
      const [p] = await db('patients').insert({
        municipality_code: demo.values.municipality_code, cpr_hash: key, cpr_enc: 'x', ...demographicsOf(demo.cpr), created_at: createdAt,
      }).returning('id');
      ids.set(key, Number(typeof p === 'object' ? p.id : p));
    }
    const d = derived(demo.values);
    const course: Record<string, unknown> = { patient_id: ids.get(key), state: d.state, complete: d.complete, created_at: createdAt, updated_at: createdAt };
    for (const [k, v] of Object.entries(demo.values)) if (columns.has(k) && v !== undefined) course[k] = v;
    await db('courses').insert(course);
  }
  const unregister: [string, number, number][] = [
    ['outcome', 7, 0], ['training_attended', 5, 1], ['training_planned', 13, 2], ['test_end_value', 6, 2], ['test_type', 11, 3],
    ['hads_d_end', 4, 3], ['hads_a_start', 9, 1], ['smoking_end', 9, 4], ['smoking_start', 17, 5], ['diet', 8, 5],
    ['education', 10, 6], ['gp_note_sent', 12, 7], ['ldl_end', 3, 0], ['bp_dia_end', 10, 7],
    ['bp_sys_end', 14, 9], ['not_started_reason', 5, 2],
  ];
  for (const [column, every, at] of unregister) await db('courses').whereRaw('id % ? = ?', [every, at]).update({ [column]: null });
  await db('courses').whereRaw('id % 23 = 0').update({ annulled: true });
  // diagnosis_group is always registered: vary it instead (HK13 reads ihd)
  await db('courses').whereRaw('id % 19 = 4').update({ diagnosis_group: 'other' });
}

/** The counts by each course's own state (the drill-down's CASE, whole conditions), grouped per municipality and period. */
async function countsByState(db: Db, id: IndicatorId, periods: Period[]): Promise<Map<string, Counts>> {
  const d = INDICATORS.find((x) => x.id === id)!;
  const counts = new Map<string, Counts>();
  for (const p of periods) {
    const rows = await db('courses').select('municipality_code', db.raw('? AS indicator_state', [courseStateSql(db, d)])).count({ n: '*' })
      .where(notAnnulled(db)).whereBetween(d.periodColumn, [p.first, p.last]).groupBy('municipality_code', 'indicator_state');
    for (const r of rows as { municipality_code: string; indicator_state: number; n: number | string }[]) {
      const key = `${p.code}|${r.municipality_code}`;
      const c = counts.get(key) ?? { numerator: 0, denominator: 0, missing: 0 };
      const n = Number(r.n);
      if (Number(r.indicator_state) === COURSE_STATE.met) { c.numerator += n; c.denominator += n; }
      if (Number(r.indicator_state) === COURSE_STATE.notMet) c.denominator += n;
      if (Number(r.indicator_state) === COURSE_STATE.missing) c.missing += n;
      counts.set(key, c);
    }
  }
  return counts;
}

describe(`packed grouped counts and early warnings against independent paths (${testEngine})`, () => {
  let db: Db;
  before(async function () {
    this.timeout(120_000);
    db = await freshDb();
    await fill(db);
  });

  const periodSets: [string, Period[]][] = [
    ['a year', [parsePeriod('2025')]],
    ['the chart quarters (contiguous)', spcPeriods(TODAY).quarters],
    ['quarters with gaps', ['2023Q2', '2024Q1', '2024Q2', '2025Q4'].map(parsePeriod)],
  ];
  for (const [label, periods] of periodSets) {
    it(`${label}: every indicator's numerator, denominator and missing equal the counts of each course's state`, async () => {
      const table = await countByMunicipality(db, { periods });
      const subset = await countByMunicipality(db, { periods, municipalityCodes: ['751', '461'], indicatorIds: ['HK02', 'HK05', 'HK12'] });
      for (const d of INDICATORS) {
        const expected = await countsByState(db, d.id, periods);
        const got = new Map<string, Counts>();
        for (const [period, byMunicipality] of table.get(d.id) ?? []) {
          for (const [code, c] of byMunicipality) if (c.denominator + c.missing > 0) got.set(`${period}|${code}`, c);
        }
        for (const [key, c] of expected) if (c.denominator + c.missing === 0) expected.delete(key);
        expect(sorted(got), d.id).to.deep.equal(sorted(expected));
        if (['HK02', 'HK05', 'HK12'].includes(d.id)) {
          for (const p of periods) for (const code of ['751', '461']) {
            expect(subset.get(d.id)?.get(p.code)?.get(code), `${d.id} ${p.code} ${code}`).to.deep.equal(table.get(d.id)?.get(p.code)?.get(code));
          }
        }
      }
      expect([...expectedTotals(table)].some(([, n]) => n > 0)).to.equal(true);
    });
  }

  for (const [label, inside] of [['inside the scope', () => true], ['outside it but the own municipality', (_t: string, c: string) => c === '751']] as [string, InsideTest][]) {
    it(`early warnings ${label} equal the newest warning of each unit's own p-chart`, async () => {
      const geo = await geography(db);
      let compared = 0;
      for (const own of [geo.country, geo.unit('municipality', '751')!]) {
        const municipalityCodes = own.unitType === 'country' ? MUNICIPALITIES : ['751', '741', '101'];
        const warnings = await computeWarnings(db, { ownUnit: own, municipalityCodes, inside, today: TODAY });
        const units = [own, ...municipalityCodes.filter((c) => !(own.unitType === 'municipality' && c === own.code)).map((c) => geo.unit('municipality', c)!)];
        const expected: { key: string; period: string; signal: string }[] = [];
        for (const unit of units) {
          for (const d of INDICATORS) {
            const points = await computeSpc(db, { indicatorId: d.id, unit, inside, today: TODAY });
            const newest = [...points].reverse().find((p) => isWarning(p.signal));
            if (newest) expected.push({ key: `${unit.unitType}|${unit.code}|${d.id}`, period: newest.period, signal: newest.signal! });
          }
        }
        const got = warnings.map((w) => ({ key: `${w.unit_type}|${w.unit_code}|${w.indicator_id}`, period: w.period, signal: w.signal }));
        expect(got).to.have.deep.members(expected);
        expect(got.length).to.equal(expected.length);
        compared += got.length;
      }
      expect(compared, 'warnings compared').to.be.greaterThan(0);
    });
  }
});

/** A map as an object with sorted keys (a readable difference when they differ). */
function sorted(m: Map<string, Counts>): Record<string, Counts> {
  return Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Courses counted per indicator (a guard that the data gives the comparison something to compare). */
function expectedTotals(table: Awaited<ReturnType<typeof countByMunicipality>>): Map<string, number> {
  const totals = new Map<string, number>();
  for (const [id, byPeriod] of table) for (const byMunicipality of byPeriod.values()) for (const c of byMunicipality.values()) totals.set(id, (totals.get(id) ?? 0) + c.denominator);
  return totals;
}

import { expect } from 'chai';
import type { Knex } from 'knex';
import { resolveScope } from '../../../server/access';
import { exportSnapshot, storedCourseBatches, writeCourseExport } from '../../../server/courses/export';
import { generateDemoCourses } from '../../../server/demo/generate';
import { INDICATORS } from '../../../server/indicators/definitions';
import { computeResults } from '../../../server/indicators/results';
import { today } from '../../../server/time';
import { freshDb } from '../../helpers/db';
import { storeCourse, TEST_CPR_KEY as KEY } from '../submissions/fixtures';
import { importText, therapist } from './helpers';

async function exportOf(db: Knex): Promise<string> {
  const scope = (await resolveScope(db, '751'))!;
  const { maxId } = await exportSnapshot(db, scope);
  let text = '';
  await writeCourseExport(db, KEY, { scope, pseudonymise: false, maxId }, async (chunk) => { text += chunk; });
  return text;
}

async function allCourses(db: Knex) {
  const scope = (await resolveScope(db, '751'))!;
  const out = [];
  for await (const batch of storedCourseBatches(db, KEY, { scope })) out.push(...batch.map((c) => ({ values: c.values, missing: c.missing })));
  return out;
}

function periods(): string[] {
  const year = Number(today().slice(0, 4));
  return [year - 2, year - 1, year].flatMap((y) => [String(y), `${y}Q1`, `${y}Q2`, `${y}Q3`, `${y}Q4`]);
}

describe('course export → import round trip', () => {
  it('the export of a municipality imported into an empty installation gives the same courses and indicator results', async () => {
    const source = await freshDb();
    const opts = { count: 400, municipalityCodes: ['751'], years: 3, today: today(), seed: 11 };
    let n = 0;
    for (const c of generateDemoCourses(opts)) {
      await storeCourse(source, { ...c.values, cpr: c.cpr, patient_name: c.patient_name, municipality_code: '751' }, { annulled: ++n % 50 === 0 });
    }
    const target = await freshDb();

    const report = await importText(target, await therapist(target), await exportOf(source));

    expect(report.errors).to.deep.equal([]);
    expect(report.created).to.equal(392);
    expect(await allCourses(target)).to.deep.equal(await allCourses(source));
    let counted = 0;
    for (const period of periods()) {
      for (const unitType of ['municipality', 'country'] as const) {
        const query = { period, unitType, unitCode: unitType === 'country' ? 'DK' : '751', now: new Date(0) };
        const [a, b] = [await computeResults(source, query), await computeResults(target, query)];
        expect(b, `${period} ${unitType}`).to.deep.equal(a);
        expect(a).to.have.length(INDICATORS.length);
        counted += a.reduce((sum, r) => sum + (r.denominator ?? 0), 0);
      }
    }
    expect(counted).to.be.greaterThan(1000);
    expect(await exportOf(target)).to.equal(await exportOf(source));
  });
});

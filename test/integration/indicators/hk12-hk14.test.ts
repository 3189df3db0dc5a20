import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { addCourse, completedCourse, countsOf, CourseFields } from './fixtures';

const END = '2025-09-30';
/** A completed course with every outcome variable registered and met. */
const done = (overrides: CourseFields = {}): CourseFields => completedCourse(END, {
  hads_a_start: 9, hads_d_start: 4, hads_a_end: 5, hads_d_end: 3, ldl_end: 1.2, bp_sys_end: 130, bp_dia_end: 80, ...overrides,
});

describe(`indicators HK12–HK14 (${testEngine})`, () => {
  it('HK12 angst og depression: a case at the start (≥ 8), both below 8 at the end; no HADS at start is missing', async () => {
    const db = await freshDb();
    await addCourse(db, done()); // met: anxiety 9 → 5
    await addCourse(db, done({ hads_a_start: 3, hads_d_start: 8, hads_a_end: 7, hads_d_end: 7 })); // met: 8 is a case, 7 < 8
    await addCourse(db, done({ hads_a_end: 8 })); // not met: 8 is not below 8
    await addCourse(db, done({ hads_a_end: 2, hads_d_end: 11 })); // not met
    await addCourse(db, done({ hads_a_start: 7, hads_d_start: 7 })); // excluded: no case
    await addCourse(db, done({ hads_a_start: null, hads_d_start: null })); // missing: might have been a case
    await addCourse(db, done({ hads_a_end: null, hads_d_end: null })); // missing: end not registered
    await addCourse(db, done({ outcome: 'dropped_out' })); // excluded: not completed
    await addCourse(db, done({ outcome: null })); // missing: might be completed

    expect(await countsOf(db, 'HK12', '2025')).to.deep.equal({ numerator: 2, denominator: 4, missing: 3 });
  });

  it('HK13 LDL: ischaemic heart disease only; 1.3 meets, 1.4 does not; no LDL is missing', async () => {
    const db = await freshDb();
    await addCourse(db, done({ ldl_end: 1.3 })); // met
    await addCourse(db, done({ ldl_end: 0.9 })); // met
    await addCourse(db, done({ ldl_end: 1.4 })); // not met
    await addCourse(db, done({ ldl_end: 3.1 })); // not met
    await addCourse(db, done({ ldl_end: null })); // missing
    await addCourse(db, done({ diagnosis_group: 'heart_failure', ldl_end: 1.0 })); // excluded
    await addCourse(db, done({ diagnosis_group: 'valve', ldl_end: null })); // excluded, not missing
    await addCourse(db, done({ outcome: 'died', ldl_end: null })); // excluded

    expect(await countsOf(db, 'HK13', '2025')).to.deep.equal({ numerator: 2, denominator: 4, missing: 1 });
  });

  it('HK14 blodtryk: below 140/90; 140/89 and 139/90 do not meet; no blood pressure is missing', async () => {
    const db = await freshDb();
    await addCourse(db, done({ bp_sys_end: 139, bp_dia_end: 89 })); // met
    await addCourse(db, done({ bp_sys_end: 120, bp_dia_end: 70 })); // met
    await addCourse(db, done({ bp_sys_end: 140, bp_dia_end: 89 })); // not met
    await addCourse(db, done({ bp_sys_end: 139, bp_dia_end: 90 })); // not met
    await addCourse(db, done({ bp_sys_end: null, bp_dia_end: null })); // missing
    await addCourse(db, done({ outcome: 'dropped_out', bp_sys_end: null, bp_dia_end: null })); // excluded

    expect(await countsOf(db, 'HK14', '2025')).to.deep.equal({ numerator: 2, denominator: 4, missing: 1 });
  });
});

import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { addCourse, completedCourse as done, countsOf } from './fixtures';

const END = '2025-09-30';

describe(`indicators HK07–HK11 (${testEngine})`, () => {
  it('HK07 Kostbehandling: diet = not_indicated and left for cause excluded before missing', async () => {
    const db = await freshDb();
    await addCourse(db, done(END, { diet: 'received' })); // met
    await addCourse(db, done(END, { outcome: 'dropped_out', diet: 'received' })); // met: closed, not left for cause
    await addCourse(db, done(END, { diet: 'declined' })); // not met
    await addCourse(db, done(END, { diet: 'not_offered' })); // not met
    await addCourse(db, done(END, { diet: 'not_indicated' })); // excluded
    await addCourse(db, done(END, { outcome: null, diet: 'not_indicated' })); // excluded, not missing
    await addCourse(db, done(END, { outcome: 'died', diet: null })); // excluded, not missing
    await addCourse(db, done(END, { outcome: 'moved', diet: 'received' })); // excluded
    await addCourse(db, done(END, { outcome: null, diet: 'received' })); // missing: outcome
    await addCourse(db, done(END, { diet: null })); // missing: diet

    expect(await countsOf(db, 'HK07', '2025')).to.deep.equal({ numerator: 2, denominator: 4, missing: 2 });
    expect(await countsOf(db, 'HK07', '2025Q3')).to.deep.equal({ numerator: 2, denominator: 4, missing: 2 });
    expect(await countsOf(db, 'HK07', '2025Q4')).to.deep.equal({ numerator: 0, denominator: 0, missing: 0 });
  });

  it('HK08 Screening for depression: completed courses, hads_d_end registered (0 counts)', async () => {
    const db = await freshDb();
    await addCourse(db, done(END, { hads_d_end: 3 })); // met
    await addCourse(db, done(END, { hads_d_end: 0 })); // met: 0 is a registered score
    await addCourse(db, done(END, { hads_d_end: null })); // not met: not screened
    await addCourse(db, done(END, { outcome: 'dropped_out', hads_d_end: null })); // excluded
    await addCourse(db, done(END, { outcome: 'died', hads_d_end: null })); // excluded
    await addCourse(db, done(END, { outcome: null, hads_d_end: null })); // missing: might be completed

    expect(await countsOf(db, 'HK08', '2025')).to.deep.equal({ numerator: 2, denominator: 3, missing: 1 });
  });

  it('HK09 Patientundervisning: education = completed; education not registered is missing', async () => {
    const db = await freshDb();
    await addCourse(db, done(END, { education: 'completed' })); // met
    await addCourse(db, done(END, { outcome: 'dropped_out', education: 'partial' })); // not met
    await addCourse(db, done(END, { education: 'declined' })); // not met
    await addCourse(db, done(END, { education: 'not_offered' })); // not met
    await addCourse(db, done(END, { education: null })); // missing
    await addCourse(db, done(END, { outcome: null, education: 'completed' })); // missing: outcome
    await addCourse(db, done(END, { outcome: 'died', education: null })); // excluded
    await addCourse(db, done(END, { outcome: 'moved', education: 'completed' })); // excluded

    expect(await countsOf(db, 'HK09', '2025')).to.deep.equal({ numerator: 1, denominator: 4, missing: 2 });
  });

  it('HK10 Afslutningsnotat: only died excluded (moved counts); no outcome or no note is missing', async () => {
    const db = await freshDb();
    await addCourse(db, done(END, { gp_note_sent: 'yes' })); // met
    await addCourse(db, done(END, { outcome: 'moved', gp_note_sent: 'yes' })); // met: moved is in HK10's population
    await addCourse(db, done(END, { outcome: 'dropped_out', gp_note_sent: 'no' })); // not met
    await addCourse(db, done(END, { outcome: 'died', gp_note_sent: null })); // excluded, not missing
    await addCourse(db, done(END, { outcome: null, gp_note_sent: 'yes' })); // missing: might be a death
    await addCourse(db, done(END, { gp_note_sent: null })); // missing: note
    await addCourse(db, done(END, { outcome: null, gp_note_sent: null })); // missing (once)

    expect(await countsOf(db, 'HK10', '2025')).to.deep.equal({ numerator: 2, denominator: 3, missing: 3 });
  });

  it('HK11 Komplet registrering: every closed course, judged by the stored complete; never missing', async () => {
    const db = await freshDb();
    await addCourse(db, done(END, { complete: true })); // met
    await addCourse(db, done(END, { outcome: 'died', complete: true })); // met: HK11 keeps left for cause
    await addCourse(db, done(END, { complete: false })); // not met
    await addCourse(db, done(END, { outcome: null, complete: false })); // not met: decided by the stored flag
    await addCourse(db, { referral_date: '2025-09-01', start_date: '2025-09-02', complete: true }); // active: no end date
    await addCourse(db, done(END, { complete: true, annulled: true }));

    expect(await countsOf(db, 'HK11', '2025')).to.deep.equal({ numerator: 2, denominator: 4, missing: 0 });
  });
});

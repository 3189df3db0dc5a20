import { expect } from 'chai';
import { freshDb, testEngine } from '../../helpers/db';
import { drillDown } from '../../../server/indicators/drilldown';
import { countsOf, addCourse, completedCourse as done } from './fixtures';

const END = '2025-05-05';

describe(`indicator drill-down (${testEngine})`, () => {
  it('HK04: lists the not met and the missing courses of the municipality, with the variables to register', async () => {
    const db = await freshDb();
    await addCourse(db, done(END, { training_planned: 24, training_attended: 24 })); // met: not listed
    const notMet = await addCourse(db, done(END, { training_planned: 24, training_attended: 10 }));
    const noOutcome = await addCourse(db, done(END, { outcome: null, training_planned: 24, training_attended: 24 }));
    const noTraining = await addCourse(db, done(END, { outcome: 'dropped_out', training_planned: null, training_attended: null }));
    const noAttended = await addCourse(db, done(END, { training_planned: 24, training_attended: null }));
    const nothing = await addCourse(db, done(END, { outcome: null, training_planned: null, training_attended: null }));
    await addCourse(db, done(END, { outcome: null, training_planned: 0, training_attended: 0 })); // excluded
    await addCourse(db, done(END, { training_planned: 24, training_attended: 10, annulled: true }));
    await addCourse(db, done(END, { municipality_code: '741', training_planned: 24, training_attended: 10 })); // Samsø
    await addCourse(db, done('2024-12-31', { training_planned: 24, training_attended: 10 })); // other year

    const rows = await drillDown(db, { indicatorId: 'HK04', period: '2025', municipalityCode: '751' });
    expect(rows.map((r) => [r.course_id, r.kind, r.missing_variables])).to.deep.equal([
      [notMet, 'not_met', []],
      [noOutcome, 'missing', ['outcome']],
      [noTraining, 'missing', ['training_planned', 'training_attended']],
      [noAttended, 'missing', ['training_attended']],
      [nothing, 'missing', ['outcome', 'training_planned', 'training_attended']],
    ]);
    expect(rows[0]).to.include({ referral_date: '2025-01-02', start_date: '2025-01-10', end_date: END });
    const stored = await db('courses').whereIn('id', rows.map((r) => r.course_id)).select('id', 'patient_id');
    expect(rows.map((r) => r.patient_id)).to.deep.equal(rows.map((r) => Number(stored.find((c) => Number(c.id) === r.course_id)!.patient_id)));
    // The same definitions as the counts: not met = denominator − numerator, missing = missing.
    const counts = await countsOf(db, 'HK04', '2025');
    expect(rows.filter((r) => r.kind === 'not_met')).to.have.length(counts.denominator! - counts.numerator!);
    expect(rows.filter((r) => r.kind === 'missing')).to.have.length(counts.missing!);
  });

  it('HK01, HK05, HK06: names the variables whose registration would decide the course', async () => {
    const db = await freshDb();
    const undecided = await addCourse(db, { referral_date: '2025-02-01' });
    const declined = await addCourse(db, { referral_date: '2025-02-02', not_started_reason: 'declined' });
    await addCourse(db, { referral_date: '2025-02-03', not_started_reason: 'died' });
    expect((await drillDown(db, { indicatorId: 'HK01', period: '2025Q1', municipalityCode: '751' }))
      .map((r) => [r.course_id, r.kind, r.missing_variables])).to.deep.equal([
      [undecided, 'missing', ['start_date', 'not_started_reason']],
      [declined, 'not_met', []],
    ]);

    const noType = await addCourse(db, done(END, { test_type: null, test_start_value: null, test_end_value: null }));
    const noStart = await addCourse(db, done(END, { test_start_value: null }));
    await addCourse(db, done(END, { outcome: null, test_type: 'none', test_start_value: null, test_end_value: null })); // excluded
    expect((await drillDown(db, { indicatorId: 'HK05', period: '2025', municipalityCode: '751' }))
      .map((r) => [r.course_id, r.missing_variables])).to.deep.equal([
      [noType, ['test_type', 'test_end_value', 'test_start_value']],
      [noStart, ['test_start_value']],
    ]);

    const noSmokingStart = await addCourse(db, done('2025-08-08', { smoking_start: null, smoking_end: null }));
    expect((await drillDown(db, { indicatorId: 'HK06', period: '2025Q3', municipalityCode: '751' }))
      .map((r) => [r.course_id, r.kind, r.missing_variables])).to.deep.equal([[noSmokingStart, 'missing', ['smoking_start', 'smoking_end']]]);
  });
});

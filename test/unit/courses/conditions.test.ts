import { expect } from 'chai';
import { describeCondition, fieldView } from '../../../server/courses/form-view';
import { conditionHolds, VARIABLES, VARIABLE } from '../../../server/courses/variables';

describe('courses/variables: the *when* conditions are data', () => {
  it('every condition of the dictionary survives a JSON round trip (no closures)', () => {
    for (const def of VARIABLES) {
      if (!def.conditions) continue;
      expect(JSON.parse(JSON.stringify(def.conditions)), def.name).to.deep.equal(def.conditions);
    }
  });

  it('the form reads the conditions as they stand in the dictionary', () => {
    const when = (name: keyof typeof VARIABLE) => JSON.parse(fieldView(name, { stored: {}, lang: 'da' }).when ?? 'null');
    expect(when('psych_followup')).to.deep.equal([{ on: ['hads_a_start', 'hads_d_start'], atLeast: 8 }]);
    expect(when('not_started_reason')).to.deep.equal([{ on: ['start_date'], absent: true }]);
    expect(when('training_attended')).to.deep.equal([{ on: ['training_planned'], given: true }]);
    expect(when('smoking_cessation')).to.deep.equal([{ on: ['smoking_start'], codes: ['daily', 'occasional'] }]);
    expect(when('test_end_value')).to.deep.equal([{ on: ['outcome'], codes: ['completed'] }, { on: ['test_type'], codes: ['6mwt', 'watt'] }]);
    expect(when('cpr')).to.equal(null);
  });

  it('a threshold is read from the data, not probed', () => {
    const cond = { kind: 'anyAtLeast', on: ['hads_a_start', 'hads_d_start'], value: 11 } as const;
    expect(describeCondition(cond)).to.deep.equal({ on: ['hads_a_start', 'hads_d_start'], atLeast: 11 });
    expect(conditionHolds(cond, { hads_a_start: 10, hads_d_start: 11 })).to.equal(true);
    expect(conditionHolds(cond, { hads_a_start: 10, hads_d_start: null })).to.equal(false);
  });
});

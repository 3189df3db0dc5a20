import { expect } from 'chai';
import { validateCourse } from '../../../server/courses/schemas';
import { cprIssue } from '../../../server/patients';
import { deriveState, completeness } from '../../../server/courses/completeness';
import { generateDemoCourses, passesModulus11, type DemoOptions } from '../../../server/demo/generate';

const MIDT = ['615', '657', '661', '665', '671', '706', '707', '710', '727', '730', '740', '741', '746', '751', '756', '760', '766', '779', '791'];
const TODAY = '2026-11-23';
const opts = (over: Partial<DemoOptions> = {}): DemoOptions =>
  ({ count: 3000, municipalityCodes: MIDT, years: 4, today: TODAY, seed: 42, ...over });

describe('demo/generateDemoCourses', () => {
  const courses = [...generateDemoCourses(opts())];

  it('makes exactly count courses, every one valid under validateCourse', () => {
    expect(courses).to.have.length(3000);
    const invalid = courses.map((c) => ({ c, r: validateCourse(c.values, { today: TODAY }) })).filter((x) => x.r.errors.length);
    expect(invalid.slice(0, 3).map((x) => x.r.errors), 'first invalid courses').to.deep.equal([]);
  });

  it('CPR numbers pass the dictionary rule on their referral date but fail modulus 11', () => {
    for (const c of courses) {
      expect(c.values.cpr).to.equal(c.cpr);
      expect(cprIssue(c.cpr, c.values.referral_date as string)).to.equal(null);
      expect(passesModulus11(c.cpr), c.cpr).to.equal(false);
    }
    expect(passesModulus11('0707614285')).to.equal(true); // a valid-looking number does pass
  });

  it('no two courses of one patient in one municipality overlap', () => {
    const occupied = new Map<string, [string, string][]>();
    for (const { cpr, values: v } of courses) {
      const state = deriveState(v);
      const from = v.referral_date as string;
      const to = state === 'closed' ? (v.end_date as string) : state === 'not_started' ? from : '9999-12-31';
      const key = `${v.municipality_code}|${cpr}`;
      const spans = occupied.get(key) ?? [];
      for (const [a, b] of spans) expect(from > b || to < a, `${key} ${from}..${to} overlaps ${a}..${b}`).to.equal(true);
      spans.push([from, to]);
      occupied.set(key, spans);
    }
    expect([...occupied.values()].some((s) => s.length > 1), 'some patients have a second course').to.equal(true);
  });

  it('is deterministic per seed', () => {
    const again = [...generateDemoCourses(opts({ count: 200 }))];
    expect(again).to.deep.equal(courses.slice(0, again.length));
    const other = [...generateDemoCourses(opts({ count: 200, seed: 43 }))];
    expect(other).not.to.deep.equal(again);
  });

  it('is realistic: diagnosis mix, states, dropouts, smokers, incomplete courses, names, municipalities', () => {
    const n = courses.length;
    const share = (f: (c: (typeof courses)[number]) => boolean) => courses.filter(f).length / n;
    expect(share((c) => c.values.diagnosis_group === 'ihd')).to.be.within(0.55, 0.65);
    expect(share((c) => c.values.diagnosis_group === 'heart_failure')).to.be.within(0.11, 0.19);
    const notStarted = share((c) => deriveState(c.values) === 'not_started');
    expect(notStarted).to.be.within(0.12, 0.25);
    const closed = courses.filter((c) => deriveState(c.values) === 'closed');
    expect(closed.filter((c) => c.values.outcome === 'dropped_out').length / closed.length).to.be.within(0.08, 0.2);
    const smokers = courses.filter((c) => c.values.smoking_start === 'daily' || c.values.smoking_start === 'occasional');
    expect(smokers.length / courses.filter((c) => c.values.smoking_start).length).to.be.within(0.15, 0.25);
    const quitters = smokers.filter((c) => c.values.smoking_end === 'former').length / smokers.filter((c) => c.values.smoking_end).length;
    expect(quitters).to.be.within(0.3, 0.5);
    expect(share((c) => deriveState(c.values) === 'referred')).to.be.greaterThan(0);
    expect(share((c) => deriveState(c.values) === 'active')).to.be.greaterThan(0);
    const incompleteClosed = closed.filter((c) => !completeness(c.values).complete).length / closed.length;
    expect(incompleteClosed).to.be.within(0.1, 0.6);
    expect(new Set(courses.map((c) => c.values.municipality_code)).size).to.equal(MIDT.length);
    expect(courses[0].patient_name).to.match(/^[A-ZÆØÅ][a-zæøå]+( [A-ZÆØÅ][a-zæøå]+)+$/);
    const improved = closed.filter((c) => typeof c.values.test_end_value === 'number' && typeof c.values.test_start_value === 'number');
    const mean = improved.reduce((s, c) => s + (c.values.test_end_value as number) - (c.values.test_start_value as number), 0) / improved.length;
    expect(mean).to.be.greaterThan(0);
  });

  it('spreads 10 000 courses by inhabitants (Aarhus most, Samsø fewest) with some municipalities clearly better or worse', () => {
    const many = [...generateDemoCourses(opts({ count: 10_000, seed: 3 }))];
    const by = new Map<string, typeof many>();
    for (const c of many) by.set(String(c.values.municipality_code), [...(by.get(String(c.values.municipality_code)) ?? []), c]);
    const counts = [...by.entries()].sort((a, b) => b[1].length - a[1].length).map(([code]) => code);
    expect(counts[0]).to.equal('751');
    expect(counts.at(-1)).to.equal('741');
    const notStarted = [...by.values()].filter((cs) => cs.length >= 100)
      .map((cs) => cs.filter((c) => deriveState(c.values) === 'not_started').length / cs.length);
    expect(Math.max(...notStarted) - Math.min(...notStarted)).to.be.greaterThan(0.08);
  });

  it('ages are 18–110 and mostly 45–85', () => {
    const ages = courses.map((c) => Number((c.values.referral_date as string).slice(0, 4)) - Number('19' + c.cpr.slice(4, 6)));
    expect(ages.filter((a) => a >= 44 && a <= 86).length / ages.length).to.be.greaterThan(0.85);
  });

  it('20 000 courses, each yielded once (timing printed: bench/ measures 200 000)', function () {
    this.timeout(60_000);
    const t0 = process.hrtime.bigint();
    let n = 0;
    for (const _ of generateDemoCourses(opts({ count: 20_000, seed: 7, municipalityCodes: [...MIDT, '101', '147'] }))) n++;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`      generated ${n} demo courses in ${ms.toFixed(0)} ms`);
    expect(n).to.equal(20_000);
  });
});

import { expect } from 'chai';
import { z } from 'zod';
import { FieldVerdicts, parseCourseInput, validateCourse, type CourseValues, type InputMode, type Issue } from '../../../server/courses/schemas';
import { inputSchemasFor } from '../../../server/courses/rules/parse';
import { VARIABLES, VARIABLE_NAMES, type VariableName } from '../../../server/courses/variables';
import { generateDemoCourses } from '../../../server/demo/generate';
import { TODAY, activeCourse, closedCourse, droppedOutCourse, referredCourse } from './fixtures';

/** A small deterministic generator (the cases must be the same on every run). */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

/** Values a variable may be given: valid ones of other variables, edge numbers and dates, wrong types. */
const POOL: unknown[] = [
  null, undefined, '', ' ', 'x'.repeat(201), 'daily', 'never', 'former', 'completed', 'ihd', 'pci', '751', '999', '75',
  '2025-01-10', '2025-06-02', '2009-12-31', '2025-02-31', '10.01.2025', '0101701235', '101701235', '010170-1235',
  0, -1, 1, 8, 24, 85.5, 2.155, 1000, 1001, 1e9, Number.NaN, true, {}, [], '180', '72,3', 'DI219',
];

function mutate(course: CourseValues, next: () => number): CourseValues {
  const out: Record<string, unknown> = { ...course };
  const n = Math.floor(next() * 4);
  for (let i = 0; i < n; i++) {
    const name = VARIABLE_NAMES[Math.floor(next() * VARIABLE_NAMES.length)];
    const value = POOL[Math.floor(next() * POOL.length)];
    if (value === undefined) delete out[name];
    else out[name] = value;
  }
  return out as CourseValues;
}

function courses(count: number): CourseValues[] {
  const next = random(7);
  const base: CourseValues[] = [closedCourse(), referredCourse(), droppedOutCourse(), activeCourse()];
  for (const c of generateDemoCourses({ count: 200, municipalityCodes: ['751'], years: 3, today: TODAY, seed: 3 })) {
    base.push({ ...c.values, cpr: c.cpr, patient_name: c.patient_name, municipality_code: '751' });
  }
  const out: CourseValues[] = [];
  for (let i = 0; i < count; i++) out.push(mutate(base[i % base.length], next));
  return out;
}

describe('courses: remembered field verdicts (the import\'s fast path) answer as the course schema', () => {
  it('validateCourse gives the same errors and warnings with and without FieldVerdicts, over 4000 varied courses', () => {
    const fields = new FieldVerdicts();
    let withErrors = 0;
    for (const existing of [false, true]) {
      for (const c of courses(2000)) {
        const plain = validateCourse(c, { today: TODAY, existing });
        expect(validateCourse(c, { today: TODAY, existing, fields }), JSON.stringify(c)).to.deep.equal(plain);
        if (plain.errors.length) withErrors++;
      }
    }
    expect(withErrors).to.be.greaterThan(1000);
  });

  it('a course with an unknown key still gets the strict schema\'s issue', () => {
    const c = { ...closedCourse(), colour: 'blue' } as CourseValues;
    const fields = new FieldVerdicts();
    expect(validateCourse(c, { today: TODAY, fields })).to.deep.equal(validateCourse(c, { today: TODAY }));
  });
});

describe('courses: parseCourseInput reads cells as the per-variable input schemas do', () => {
  /** The reading through the zod input schemas, as parseCourseInput did it before (issues as variable:code:params). */
  function throughSchemas(raw: Record<string, unknown>, mode: InputMode): { values: Record<string, unknown>; issues: string[] } {
    const values: Record<string, unknown> = {};
    const issues: string[] = [];
    const schemas = inputSchemasFor(mode);
    for (const [key, value] of Object.entries(raw)) {
      const r = (schemas[key as VariableName] as z.ZodType).safeParse(value);
      if (r.success) { if (r.data !== undefined) values[key] = r.data; } else {
        for (const zi of r.error.issues) issues.push(`${key}:${zi.message}:${JSON.stringify((zi as { params?: unknown }).params ?? null)}`);
      }
    }
    return { values, issues };
  }
  const ours = (i: Issue) => `${i.variable}:${i.code}:${JSON.stringify(i.params ?? null)}`;

  for (const mode of ['csv', 'form', 'json'] as const) {
    it(`${mode}: every variable × every pooled value`, () => {
      for (const def of VARIABLES) {
        for (const value of POOL) {
          const raw = { [def.name]: typeof value === 'number' && mode !== 'json' ? String(value) : value };
          const want = throughSchemas(raw, mode);
          const got = parseCourseInput(raw, mode);
          expect(got.values, `${def.name}=${String(value)}`).to.deep.equal(want.values);
          expect(got.issues.map(ours), `${def.name}=${String(value)}`).to.deep.equal(want.issues);
        }
      }
    });
  }
});

describe('courses: parseCourseInput with remembered readings (the import\'s FieldVerdicts) answers as without', () => {
  /** Every pooled value as text, with spaces around some and the numbers as typed in each mode. */
  const texts = POOL.flatMap((v) => (v === null || v === undefined || typeof v === 'object' ? [] : [String(v), ` ${String(v)} `]))
    .concat(['2025-1-10', '10.1.2025', '72.30', '+8', '-0', '1e3', '0101701235 ', 'DI219X']);

  for (const mode of ['csv', 'form', 'json'] as const) {
    it(`${mode}: every variable × every text, read twice (the second time remembered), and whole rows`, () => {
      const fields = new FieldVerdicts();
      for (let round = 0; round < 2; round++) {
        for (const def of VARIABLES) {
          for (const text of texts) {
            const raw = { [def.name]: text };
            expect(parseCourseInput(raw, mode, fields), `${def.name}=${text}`).to.deep.equal(parseCourseInput(raw, mode));
          }
        }
      }
      for (const c of courses(600)) {
        const raw = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v === null ? '' : String(v)]));
        expect(parseCourseInput(raw, mode, fields)).to.deep.equal(parseCourseInput(raw, mode));
      }
    });
  }

  it('a failed reading is made afresh: its issue\'s params are not shared between rows', () => {
    const fields = new FieldVerdicts();
    const a = parseCourseInput({ weight_start_kg: '72,3' }, 'csv', fields);
    const b = parseCourseInput({ weight_start_kg: '72,3' }, 'csv', fields);
    expect(a.issues).to.deep.equal(b.issues);
    expect(a.issues[0].params).to.not.equal(b.issues[0].params);
  });
});

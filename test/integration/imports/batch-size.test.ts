import { expect } from 'chai';
import type { Knex } from 'knex';
import type { CourseValues } from '../../../server/courses/variables';
import { runImport, type ImportReport } from '../../../server/imports/service';
import { freshDb } from '../../helpers/db';
import { closedCourse, cprNo, notStartedCourse, storeCourse, TEST_CPR_KEY } from '../submissions/fixtures';
import { csvOf, therapist } from './helpers';

/**
 * Equivalence: the rows planned together (100 since the import's memory work; 500, as many as are written together, before) change neither the report nor
 * what is stored. A file of creates, updates of stored courses, renamed patients, a long course (warning) and,
 * in the second file, errors spread over many batches, imported at several batch sizes into identical databases.
 */
function files(): { valid: CourseValues[]; faulty: CourseValues[] } {
  const valid: CourseValues[] = [];
  for (let i = 0; i < 1100; i++) {
    if (i % 97 === 5) valid.push(closedCourse({ cpr: cprNo(i % 40), external_id: `S${i % 40}`, end_date: '2025-05-20', patient_name: `Navn ${i}` }));
    else if (i % 211 === 7) valid.push(closedCourse({ cpr: cprNo(2200 + i), end_date: '2025-12-01', patient_name: null }));
    else valid.push(notStartedCourse({ cpr: cprNo(1000 + i), external_id: `N${i}`, referral_date: '2025-03-03', patient_name: i % 3 ? `P${i}` : null }));
  }
  const faulty = valid.map((c, i) => (i % 173 === 11 ? { ...c, referral_date: '2031-01-01' }
    : i % 251 === 13 ? { ...c, external_id: 'N14' } : i % 301 === 17 ? { ...c, cpr: cprNo(1003) } : c));
  return { valid, faulty };
}

/** The stored rows that an import leaves, without the clock's columns. */
async function stored(db: Knex): Promise<unknown> {
  const drop = <T extends Record<string, unknown>>(rows: T[], keys: string[]) => rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !keys.includes(k))));
  return {
    courses: drop(await db('courses').orderBy('id'), ['created_at', 'updated_at']),
    patients: drop(await db('patients').orderBy('id'), ['created_at', 'updated_at', 'cpr_enc']),
    audit: drop(await db('audit_log').orderBy('id').select('action', 'entity', 'entity_id', 'detail'), []),
  };
}

async function importAt(rows: CourseValues[], planRows: number): Promise<{ report: ImportReport; db: unknown }> {
  const db = await freshDb();
  const user = await therapist(db);
  for (let s = 0; s < 40; s++) await storeCourse(db, closedCourse({ cpr: cprNo(s), external_id: `S${s}`, referral_date: '2025-02-01' }));
  const text = csvOf(rows);
  async function* source() { for (let i = 0; i < text.length; i += 7000) yield Buffer.from(text.slice(i, i + 7000)); }
  const actor = { userId: user.id, email: user.email, scope: '751', ip: null };
  const report = await runImport({ db, cprKey: TEST_CPR_KEY, maxBytes: 50 * 1048576, lang: 'da', planRows }, user, actor, source(), { dryRun: false });
  return { report, db: await stored(db) };
}

describe('course import: the plan batch size changes neither the report nor what is stored', function () {
  this.timeout(120_000);
  for (const kind of ['valid', 'faulty'] as const) {
    it(`${kind} file: plan batches of 1, 7, 100 (default) and 500 rows give the same report and rows`, async () => {
      const rows = files()[kind];
      const old = await importAt(rows, 500);
      if (kind === 'valid') expect(old.report.errors).to.deep.equal([]);
      else expect(old.report.errors.length).to.be.greaterThan(10);
      expect(old.report.warnings.length).to.be.greaterThan(0);
      for (const size of [1, 7, 100]) {
        const now = await importAt(rows, size);
        expect(now.report, `batch ${size}`).to.deep.equal(old.report);
        expect(now.db, `batch ${size}`).to.deep.equal(old.db);
      }
    });
  }
});

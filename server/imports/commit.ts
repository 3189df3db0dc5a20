import type { Knex } from 'knex';
import { recordAudit, type Actor, type AuditEntry } from '../audit/record';
import { cprLookupHash, demographicsOf, encryptCpr, patientNameColumns, renamePatient } from '../patients';
import {
  afterManualSave, auditValues, courseAudit, courseColumns, type CourseValues, updateCourseAtVersion, VARIABLE_NAMES,
  versionConflict,
} from '../courses';
import { rematchPatients } from '../pathway/matching';
import type { Lang } from '../i18n';
import { nowIso } from '../time';
import type { PlannedRow } from './plan';
import { unpackCourse } from './rows';

/** Rows per INSERT: 45 columns × 200 stays far below SQLite's limit of bound variables. */
const CHUNK = 200;

function chunks<T>(list: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const idOf = (r: unknown): number => Number(typeof r === 'object' && r !== null ? (r as { id: number }).id : r);

/**
 * Every patient of the rows, by CPR: found by keyed hash or created in bulk. When the file has a patient_name
 * column, a row sets the name for its patient (the last row of the file wins, as if the rows were saved one by one).
 */
async function patientsFor(trx: Knex.Transaction, cprKey: Buffer, municipality: string, header: string[], rows: PlannedRow[]): Promise<Map<string, number>> {
  const names = new Map<string, string | null>();
  if (header.includes('patient_name')) for (const r of rows) names.set(r.cpr, (unpackCourse(r.course).patient_name ?? null) as string | null);
  const hashes = new Map([...new Set(rows.map((r) => r.cpr))].map((cpr) => [cprLookupHash(cprKey, cpr), cpr]));
  const ids = new Map<string, number>();
  for (const part of chunks([...hashes.keys()], 500)) {
    const found = await trx('patients').select('id', 'cpr_hash').where('municipality_code', municipality).whereIn('cpr_hash', part);
    for (const p of found) ids.set(hashes.get(p.cpr_hash)!, Number(p.id));
  }
  const now = nowIso();
  const fresh = [...hashes].filter(([, cpr]) => !ids.has(cpr));
  hashes.clear();
  for (const part of chunks(fresh)) {
    const inserted = await trx('patients').insert(part.map(([hash, cpr]) => ({
      municipality_code: municipality, cpr_hash: hash, cpr_enc: encryptCpr(cprKey, cpr), ...demographicsOf(cpr),
      ...patientNameColumns(names.get(cpr) ?? null), created_at: now,
    }))).returning('id');
    part.forEach(([, cpr], i) => ids.set(cpr, idOf(inserted[i])));
  }
  const freshCprs = new Set(fresh.map(([, cpr]) => cpr));
  const inFile = rows.flatMap((r) => (r.current ? [r.current.id] : []));
  for (const [cpr, name] of names) {
    // The file's own courses are updated at the version planned; the patient's other courses get a new one.
    if (!freshCprs.has(cpr)) await renamePatient(trx, ids.get(cpr)!, name, inFile);
  }
  return ids;
}

/** Write a valid plan in the caller's transaction: creates in bulk, updates at their version, one audit row per course. */
export async function commitPlan(
  trx: Knex.Transaction, ctx: { cprKey: Buffer; userId: number; actor: Actor; lang: Lang }, municipality: string, header: string[], rows: PlannedRow[],
): Promise<void> {
  const patients = await patientsFor(trx, ctx.cprKey, municipality, header, rows);
  const now = nowIso();
  const creates = rows.filter((r) => r.action === 'create');
  // Unpacked and audited chunk by chunk: 100 000 course objects or audit rows held at once would dominate memory.
  for (const part of chunks(creates)) {
    const courses: CourseValues[] = part.map((r) => unpackCourse(r.course));
    const inserted = await trx('courses').insert(courses.map((course, i) => ({
      ...courseColumns(course), patient_id: patients.get(part[i].cpr), version: 1,
      created_at: now, created_by: ctx.userId, updated_at: now, updated_by: ctx.userId,
    }))).returning('id');
    part.forEach((r, i) => { r.id = idOf(inserted[i]); });
    await recordAudit(trx, ctx.actor, ...part.map((r, i) => courseAudit('course_create',
      { id: r.id!, patient_id: patients.get(r.cpr)!, municipality_code: municipality },
      { values: auditValues(courses[i]), import_line: r.line })));
  }
  const audits: AuditEntry[] = [];
  for (const r of rows.filter((x) => x.action === 'update')) {
    const current = r.current!;
    const course = unpackCourse(r.course);
    const changed = VARIABLE_NAMES.filter((n) => (current[n] ?? null) !== (course[n] ?? null));
    if (changed.length === 0) continue;
    const saved = await updateCourseAtVersion(trx, current.id, current.version, {
      ...courseColumns(course), updated_at: now, updated_by: ctx.userId, sources: afterManualSave(current.sources, changed),
    });
    if (!saved) throw versionConflict(current, ctx.lang);
    audits.push(courseAudit('course_update', { id: current.id, patient_id: current.patient_id, municipality_code: municipality }, {
      version: current.version + 1, import_line: r.line,
      changes: Object.fromEntries(changed.filter((n) => n !== 'cpr').map((n) => [n, { old: current[n] ?? null, new: course[n] ?? null }])),
    }));
  }
  await recordAudit(trx, ctx.actor, ...audits);
  await rematchPatients(trx, [...new Set(creates.map((r) => patients.get(r.cpr)!))]);
}

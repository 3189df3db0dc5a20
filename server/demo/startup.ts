import type { Knex } from 'knex';
import { recordAudit, type Actor } from '../audit/record';
import type { Config } from '../config';
import { cprLookupHash, demographicsOf, encryptCpr, patientNameColumns } from '../patients';
import { courseColumns } from '../courses';
import { isPostgres } from '../db/connect';
import { geography } from '../geography';
import { nowIso, today } from '../time';
import { generateDemoCourses, type DemoCourse } from './generate';

/** Region Midtjylland: the 19 municipalities of HjerteKomMidt. */
export const MIDT_REGION = '1082';
export const STARTUP_COURSES = 3000;
export const STARTUP_YEARS = 4;
const STARTUP_SEED = 1082;
// About 55 bound values per course row: 400 rows stay below SQLite's 32 766 variables per statement.
const BATCH = 400;
const DEMO_ACTOR: Actor = { userId: null, email: 'demo-data', scope: null, ip: null };

export interface DemoInsertOptions {
  count: number;
  municipalityCodes: readonly string[];
  years: number;
  seed: number;
  today?: string;
  /** called after each batch with the courses inserted so far */
  onProgress?: (done: number, total: number) => void;
}

/** The municipality codes of Region Midtjylland, or all of them, in the reference list's order. */
export async function demoMunicipalities(db: Knex, which: 'midt' | 'all'): Promise<string[]> {
  const geo = await geography(db);
  return (which === 'midt' ? geo.municipalitiesOfRegion(MIDT_REGION) : geo.municipalities).map((m) => m.code);
}

/**
 * Inserts the batch's new patients (flagged is_demo); `known` maps "municipality|cpr_hash" to the patient id. A
 * patient that existed before this run maps to null: its courses are skipped, since they could overlap stored ones.
 */
async function insertPatients(trx: Knex.Transaction, cprKey: Buffer, batch: DemoCourse[], keys: string[],
  known: Map<string, number | null>): Promise<void> {
  const fresh = new Map<string, Record<string, unknown>>();
  const now = nowIso();
  batch.forEach((c, i) => {
    if (known.has(keys[i]) || fresh.has(keys[i])) return;
    const [municipality, cprHash] = keys[i].split('|');
    fresh.set(keys[i], {
      municipality_code: municipality, cpr_hash: cprHash, cpr_enc: encryptCpr(cprKey, c.cpr), ...demographicsOf(c.cpr),
      ...patientNameColumns(c.patient_name), is_demo: true, created_at: now,
    });
  });
  if (fresh.size === 0) return;
  const inserted: { id: number; municipality_code: string; cpr_hash: string }[] = await trx('patients')
    .insert([...fresh.values()]).onConflict(['municipality_code', 'cpr_hash']).ignore()
    .returning(['id', 'municipality_code', 'cpr_hash']);
  for (const p of inserted) known.set(`${p.municipality_code}|${p.cpr_hash}`, p.id);
  for (const key of fresh.keys()) if (!known.has(key)) known.set(key, null);
}

/** Bulk insert of generated courses in one transaction (multi-row inserts, not the per-course service). */
export async function insertDemoCourses(db: Knex, cprKey: Buffer, opts: DemoInsertOptions): Promise<{ inserted: number; patients: number }> {
  const generator = generateDemoCourses({
    count: opts.count, municipalityCodes: opts.municipalityCodes, years: opts.years, seed: opts.seed, today: opts.today ?? today(),
  });
  const known = new Map<string, number | null>();
  let inserted = 0;
  await db.transaction(async (trx) => {
    let batch: DemoCourse[] = [];
    const flush = async () => {
      const keys = batch.map((c) => `${String(c.values.municipality_code)}|${cprLookupHash(cprKey, c.cpr)}`);
      await insertPatients(trx, cprKey, batch, keys, known);
      const now = nowIso();
      const rows = [];
      for (let i = 0; i < batch.length; i++) {
        const patientId = known.get(keys[i]);
        if (patientId) rows.push({ ...courseColumns(batch[i].values), patient_id: patientId, version: 1, created_at: now, updated_at: now });
      }
      if (rows.length) await trx('courses').insert(rows);
      inserted += rows.length;
      batch = [];
      opts.onProgress?.(inserted, opts.count);
    };
    for (const c of generator) {
      batch.push(c);
      if (batch.length === BATCH) await flush();
    }
    if (batch.length) await flush();
    await recordAudit(trx, DEMO_ACTOR, {
      action: 'demo_data', entity: 'course', detail: { courses: inserted, municipalities: opts.municipalityCodes.length, years: opts.years },
    });
  });
  return { inserted, patients: [...known.values()].filter((id) => id !== null).length };
}

/** Demo courses at start (DEMO_DATA=1, never in production): ~3 000 courses of Region Midtjylland over 4 years. */
export async function seedDemoCoursesIfEmpty(db: Knex, config: Config, log: (msg: string) => void): Promise<void> {
  if (config.production || !config.demoData) return;
  const [{ n }] = await db('courses').count({ n: '*' });
  if (Number(n) > 0) return;
  const started = Date.now();
  const municipalityCodes = await demoMunicipalities(db, 'midt');
  const { inserted } = await insertDemoCourses(db, config.cprKey, {
    count: STARTUP_COURSES, municipalityCodes, years: STARTUP_YEARS, seed: STARTUP_SEED,
  });
  log(`demo courses created: ${inserted} in ${municipalityCodes.length} municipalities (${Date.now() - started} ms, ${isPostgres(db) ? 'PostgreSQL' : 'SQLite'})`);
}

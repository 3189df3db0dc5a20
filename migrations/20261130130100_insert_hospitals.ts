import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { parse } from 'csv-parse/sync';
import { SEED_DATA_DIR } from '../server/paths';

/** The application's copy of the shipped department list (seeds/data/hospitals.csv, pathway.md §1). */
export async function up(knex: Knex): Promise<void> {
  if ((await knex('hospitals').count({ n: '*' }))[0].n as number > 0) return;
  const text = fs.readFileSync(path.join(SEED_DATA_DIR, 'hospitals.csv'), 'utf8');
  const rows = parse(text, { delimiter: ';', columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
  await knex('hospitals').insert(rows.map((r, i) => ({
    sor_code: r.sor_code, name: r.name, region_code: r.region_code, cluster_code: r.cluster_code || null,
    sor_status: r.sor_status, source: r.source || null, active: true, sort_order: i + 1,
  })));
}

export async function down(knex: Knex): Promise<void> {
  await knex('hospitals').del();
}

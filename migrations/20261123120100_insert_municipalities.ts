import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { parse } from 'csv-parse/sync';
import { SEED_DATA_DIR } from '../server/paths';

/** The application's own copy of the 98 municipalities (seeds/data/municipalities.csv). */
export async function up(knex: Knex): Promise<void> {
  const text = fs.readFileSync(path.join(SEED_DATA_DIR, 'municipalities.csv'), 'utf8');
  const rows = parse(text, { delimiter: ';', columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
  await knex('municipalities').insert(rows.map((r, i) => ({
    code: r.code,
    name: r.name,
    region_code: r.region_code,
    region_name: r.region_name,
    cluster_code: r.cluster_code || null,
    cluster_name: r.cluster_name || null,
    sort_order: i + 1,
  })));
}

export async function down(knex: Knex): Promise<void> {
  await knex('municipalities').del();
}

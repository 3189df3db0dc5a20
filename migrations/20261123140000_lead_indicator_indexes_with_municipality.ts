import type { Knex } from 'knex';
import { INDEXES as PERIOD_FIRST } from './20261123130000_add_indicator_covering_indexes';

/**
 * The covering indexes for the indicator aggregation, led by municipality_code: the counts name every
 * municipality and group by it, so each municipality's courses of a period are one index range, read in group
 * order with no sort and no table rows (bench/indicators.ts: all indicators × 98 municipalities 8.5× → ~4× a
 * plain count). The period date comes second for the range; the rest are the columns the indicators read.
 */
export const INDEXES: { name: string; columns: string[] }[] = PERIOD_FIRST.map((index) => ({
  name: `${index.name}_by_municipality`,
  columns: [index.columns[1], index.columns[0], ...index.columns.slice(2)],
}));

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('courses', (t) => {
    for (const index of PERIOD_FIRST) t.dropIndex(index.columns, index.name);
    for (const index of INDEXES) t.index(index.columns, index.name);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('courses', (t) => {
    for (const index of INDEXES) t.dropIndex(index.columns, index.name);
    for (const index of PERIOD_FIRST) t.index(index.columns, index.name);
  });
}

import type { Knex } from 'knex';
import { INDEXES as BY_MUNICIPALITY } from './20261123140000_lead_indicator_indexes_with_municipality';

/**
 * HK12–HK14 (indicators.md): their default standards valid from 2010, and the end-date covering index widened
 * by the columns they read (diagnosis group, HADS at start and end, LDL and blood pressure at the end), so the
 * grouped counts of all fourteen indicators still never read table rows.
 */
const DEFAULTS: Record<string, number> = { HK12: 50, HK13: 50, HK14: 70 };
const OUTCOME_COLUMNS = ['diagnosis_group', 'hads_a_start', 'hads_d_start', 'hads_a_end', 'ldl_end', 'bp_sys_end', 'bp_dia_end'];
const OLD_END = BY_MUNICIPALITY.find((i) => i.columns[1] === 'end_date')!;

export const INDEXES: { name: string; columns: string[] }[] = BY_MUNICIPALITY.map((index) => index === OLD_END
  ? { name: 'courses_indicators_end_outcomes', columns: [...index.columns, ...OUTCOME_COLUMNS] }
  : index);

export async function up(knex: Knex): Promise<void> {
  const createdAt = new Date().toISOString();
  await knex('indicator_standards').insert(Object.entries(DEFAULTS).map(([indicatorId, threshold]) => ({
    indicator_id: indicatorId, valid_from: '2010-01-01', threshold, created_at: createdAt, created_by: null,
  })));
  const wide = INDEXES.find((i) => i.columns[1] === 'end_date')!;
  await knex.schema.alterTable('courses', (t) => {
    t.dropIndex(OLD_END.columns, OLD_END.name);
    t.index(wide.columns, wide.name);
  });
}

export async function down(knex: Knex): Promise<void> {
  const wide = INDEXES.find((i) => i.columns[1] === 'end_date')!;
  await knex.schema.alterTable('courses', (t) => {
    t.dropIndex(wide.columns, wide.name);
    t.index(OLD_END.columns, OLD_END.name);
  });
  await knex('indicator_standards').whereIn('indicator_id', Object.keys(DEFAULTS)).where({ valid_from: '2010-01-01', created_by: null }).del();
}

import type { Knex } from 'knex';
import { INDEXES as BY_MUNICIPALITY } from './20261123140000_lead_indicator_indexes_with_municipality';

/**
 * HK12–HK14 (indicators.md): their default standards valid from 2010, and the covering indexes widened by the
 * columns they read (diagnosis group, HADS at start and end, LDL and blood pressure at the end) and by what the
 * strata need (patient_id for sex and age, diagnosis_group), so the grouped counts of all fourteen indicators
 * and their strata still never read course rows.
 */
const DEFAULTS: Record<string, number> = { HK12: 50, HK13: 50, HK14: 70 };
const OUTCOME_COLUMNS = ['diagnosis_group', 'hads_a_start', 'hads_d_start', 'hads_a_end', 'ldl_end', 'bp_sys_end', 'bp_dia_end'];
/** sex and birth date come from the patient; age is taken on referral_date */
const STRATA_COLUMNS = ['patient_id', 'diagnosis_group', 'referral_date'];

export const INDEXES: { name: string; columns: string[] }[] = BY_MUNICIPALITY.map((index) => ({
  name: `${index.name}_v2`,
  columns: [...new Set([...index.columns, ...(index.columns[1] === 'end_date' ? OUTCOME_COLUMNS : []), ...STRATA_COLUMNS])],
}));

export async function up(knex: Knex): Promise<void> {
  const createdAt = new Date().toISOString();
  await knex('indicator_standards').insert(Object.entries(DEFAULTS).map(([indicatorId, threshold]) => ({
    indicator_id: indicatorId, valid_from: '2010-01-01', threshold, created_at: createdAt, created_by: null,
  })));
  await knex.schema.alterTable('courses', (t) => {
    for (const index of BY_MUNICIPALITY) t.dropIndex(index.columns, index.name);
    for (const index of INDEXES) t.index(index.columns, index.name);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('courses', (t) => {
    for (const index of INDEXES) t.dropIndex(index.columns, index.name);
    for (const index of BY_MUNICIPALITY) t.index(index.columns, index.name);
  });
  await knex('indicator_standards').whereIn('indicator_id', Object.keys(DEFAULTS)).where({ valid_from: '2010-01-01', created_by: null }).del();
}

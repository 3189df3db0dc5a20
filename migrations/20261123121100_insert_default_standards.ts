import type { Knex } from 'knex';

/** The default standards of indicators.md, valid from the earliest period (2010); thresholds in hundredths. */
const DEFAULTS: Record<string, number> = {
  HK01: 80, HK02: 75, HK03: 75, HK04: 70, HK05: 50, HK06: 50, HK07: 75, HK08: 90, HK09: 75, HK10: 90, HK11: 90,
};

export async function up(knex: Knex): Promise<void> {
  const createdAt = new Date().toISOString();
  await knex('indicator_standards').insert(Object.entries(DEFAULTS).map(([indicatorId, threshold]) => ({
    indicator_id: indicatorId, valid_from: '2010-01-01', threshold, created_at: createdAt, created_by: null,
  })));
}

export async function down(knex: Knex): Promise<void> {
  await knex('indicator_standards').where({ valid_from: '2010-01-01', created_by: null }).del();
}

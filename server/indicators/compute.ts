import type { Knex } from 'knex';
import { dbNumber } from '../db/codecs';
import { IndicatorDefinition, IndicatorId, INDICATORS, PeriodColumn } from './definitions';
import { Period } from './periods';
import { countStates, COURSE_STATE, courseStateSql, notAnnulled } from './sql';

export interface Counts { numerator: number; denominator: number; missing: number }
/** counts[indicatorId][periodCode][municipalityCode]; absent means no courses (all zero) */
export type CountsTable = Map<IndicatorId, Map<string, Map<string, Counts>>>;

export const ZERO_COUNTS: Readonly<Counts> = Object.freeze({ numerator: 0, denominator: 0, missing: 0 });

/**
 * Numerator, denominator and missing per indicator × period × municipality, aggregated by the database:
 * one grouped query per period-date column, with a CASE sum per indicator and count, and the periods as a
 * bucket column so a trend of eight quarters costs no more queries than one year.
 */
export async function countByMunicipality(
  db: Knex,
  opts: { periods: Period[]; indicatorIds?: readonly IndicatorId[]; municipalityCodes?: readonly string[] },
): Promise<CountsTable> {
  const definitions = INDICATORS.filter((d) => !opts.indicatorIds || opts.indicatorIds.includes(d.id));
  const table: CountsTable = new Map(definitions.map((d) => [d.id, new Map(opts.periods.map((p) => [p.code, new Map()]))]));
  const byColumn = new Map<PeriodColumn, IndicatorDefinition[]>();
  for (const d of definitions) byColumn.set(d.periodColumn, [...(byColumn.get(d.periodColumn) ?? []), d]);

  for (const [column, group] of byColumn) {
    const rows = await groupedCounts(db, column, group, opts.periods, opts.municipalityCodes);
    for (const row of rows) {
      if (row.period_index === null) continue; // between periods that are not contiguous
      const period = opts.periods[dbNumber(row.period_index)];
      for (const d of group) {
        table.get(d.id)!.get(period.code)!.set(String(row.municipality_code), {
          numerator: dbNumber(row[`${d.id}_numerator`]),
          denominator: dbNumber(row[`${d.id}_denominator`]),
          missing: dbNumber(row[`${d.id}_missing`]),
        });
      }
    }
  }
  return table;
}

/**
 * Two steps: every course of the periods gets its period index and its state per indicator, each condition
 * evaluated once (materialised, so the engine does not inline the states back into every sum); then the
 * states are counted per municipality and period.
 */
function groupedCounts(
  db: Knex, column: PeriodColumn, group: IndicatorDefinition[], periods: Period[], municipalityCodes?: readonly string[],
): Promise<Record<string, unknown>[]> {
  const periodIndex = db.raw(
    `CASE ${periods.map(() => 'WHEN ?? BETWEEN ? AND ? THEN ?').join(' ')} END AS period_index`,
    periods.flatMap((p, i) => [column, p.first, p.last, i]),
  );
  const states = db('courses')
    .select('municipality_code', periodIndex, ...group.map((d) => db.raw('? AS ??', [courseStateSql(db, d), d.id])))
    .where(notAnnulled(db))
    .whereBetween(column, [periods.map((p) => p.first).sort()[0], periods.map((p) => p.last).sort().at(-1)!]);
  if (municipalityCodes) states.whereIn('municipality_code', municipalityCodes);
  const { met, notMet, missing } = COURSE_STATE;
  return db.withMaterialized('course_states', states)
    .from('course_states')
    .select('municipality_code', 'period_index', ...group.flatMap((d) => [
      countStates(db, d.id, [met], `${d.id}_numerator`),
      countStates(db, d.id, [met, notMet], `${d.id}_denominator`),
      countStates(db, d.id, [missing], `${d.id}_missing`),
    ]))
    .groupBy('municipality_code', 'period_index');
}

/** Sum of counts over municipalities (pooling; never an average of values). */
export function poolCounts(byMunicipality: Map<string, Counts> | undefined, municipalityCodes?: readonly string[]): Counts {
  const total = { ...ZERO_COUNTS };
  if (!byMunicipality) return total;
  const codes = municipalityCodes ?? [...byMunicipality.keys()];
  for (const code of codes) {
    const c = byMunicipality.get(code);
    if (!c) continue;
    total.numerator += c.numerator;
    total.denominator += c.denominator;
    total.missing += c.missing;
  }
  return total;
}

import type { Knex } from 'knex';
import { dbNumber } from '../db/codecs';
import { IndicatorDefinition, IndicatorId, INDICATORS, PeriodColumn } from './definitions';
import { Period } from './periods';
import { notAnnulled, PACK_FACTOR, packedCountsSql, unpackCounts } from './sql';
import { listUnits } from './units';

export interface Counts { numerator: number; denominator: number; missing: number }
/** counts[indicatorId][periodCode][municipalityCode]; absent means no courses (all zero) */
export type CountsTable = Map<IndicatorId, Map<string, Map<string, Counts>>>;

export const ZERO_COUNTS: Readonly<Counts> = Object.freeze({ numerator: 0, denominator: 0, missing: 0 });

/** Numerator, denominator and missing per indicator × period × municipality, aggregated by the database. */
export async function countByMunicipality(
  db: Knex,
  opts: { periods: Period[]; indicatorIds?: readonly IndicatorId[]; municipalityCodes?: readonly string[] },
): Promise<CountsTable> {
  const definitions = INDICATORS.filter((d) => !opts.indicatorIds || opts.indicatorIds.includes(d.id));
  const table: CountsTable = new Map(definitions.map((d) => [d.id, new Map(opts.periods.map((p) => [p.code, new Map()]))]));
  const byColumn = new Map<PeriodColumn, IndicatorDefinition[]>();
  for (const d of definitions) byColumn.set(d.periodColumn, [...(byColumn.get(d.periodColumn) ?? []), d]);

  // Every course lies in one of the municipalities (foreign key); naming them all lets both engines walk the
  // covering index (municipality_code, period date, …) municipality by municipality, already in group order.
  const municipalityCodes = opts.municipalityCodes ?? (await listUnits(db, 'municipality')).map((u) => u.code);
  for (const [column, group] of byColumn) {
    const rows = await groupedCounts(db, column, group, opts.periods, municipalityCodes);
    for (const row of rows) {
      if (row.period_index === null) continue; // between periods that are not contiguous
      if (dbNumber(row.courses) >= PACK_FACTOR) throw new RangeError(`More than ${PACK_FACTOR - 1} courses in one municipality and period`);
      const period = opts.periods[dbNumber(row.period_index)];
      for (const d of group) table.get(d.id)!.get(period.code)!.set(String(row.municipality_code), unpackCounts(row[d.id]));
    }
  }
  return table;
}

/**
 * One grouped query for the indicators sharing a period date: per municipality (and period, for several) one
 * packed SUM per indicator, each condition evaluated once per row; the periods are a bucket column, so a trend
 * of eight quarters costs no more queries than one year.
 */
function groupedCounts(
  db: Knex, column: PeriodColumn, group: IndicatorDefinition[], periods: Period[], municipalityCodes: readonly string[],
): Promise<Record<string, unknown>[]> {
  const periodIndex = periods.length === 1 ? db.raw('0 AS period_index') : db.raw(
    `CASE ${periods.map(() => 'WHEN ?? BETWEEN ? AND ? THEN ?').join(' ')} END AS period_index`,
    periods.flatMap((p, i) => [column, p.first, p.last, i]),
  );
  const query = db('courses')
    .select('municipality_code', periodIndex, db.raw('COUNT(*) AS courses'))
    .select(group.map((d) => db.raw('CAST(SUM(?) AS TEXT) AS ??', [packedCountsSql(db, d), d.id])))
    .whereIn('municipality_code', municipalityCodes)
    .andWhere(notAnnulled(db))
    .whereBetween(column, [periods.map((p) => p.first).sort()[0], periods.map((p) => p.last).sort().at(-1)!])
    .groupBy('municipality_code');
  return periods.length === 1 ? query : query.groupBy('period_index');
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

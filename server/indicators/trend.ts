import type { Knex } from 'knex';
import { Lang } from '../i18n';
import { today as todayInDenmark, nowIso } from '../time';
import { countByMunicipality } from './compute';
import { indicatorById, IndicatorId } from './definitions';
import { FIRST_YEAR, lastQuarterOf, parsePeriod, quartersEndingWith } from './periods';
import { buildResult, IndicatorResult, unitCounts } from './results';
import { listStandards } from './standards';
import { findUnit, UnitType } from './units';

export const TREND_QUARTERS = 8;

/**
 * The trend of one indicator for one unit: a result per quarter for the 8 quarters ending with the last quarter
 * of the selected period, oldest first; quarters that begin after `today` or lie before 2010 are left out (the
 * current one stays).
 * All quarters come from one grouped query per period-date column. An unknown unit → [].
 */
export async function computeTrend(db: Knex, query: {
  period: string; unitType: UnitType; unitCode: string; indicatorId: IndicatorId; today?: string; lang?: Lang; now?: Date;
}): Promise<IndicatorResult[]> {
  const unit = await findUnit(db, query.unitType, query.unitCode);
  if (!unit) return [];
  const today = query.today ?? todayInDenmark(query.now);
  // Only the part that exists: no quarter after today, none before the first period (2010).
  const quarters = quartersEndingWith(lastQuarterOf(parsePeriod(query.period)), TREND_QUARTERS)
    .filter((q) => q.first <= today && q.year >= FIRST_YEAR);
  if (quarters.length === 0) return [];
  const definition = indicatorById(query.indicatorId);
  const [table, standards] = await Promise.all([
    countByMunicipality(db, {
      periods: quarters,
      indicatorIds: [definition.id],
      municipalityCodes: unit.unitType === 'country' ? undefined : unit.municipalityCodes,
    }),
    listStandards(db),
  ]);
  const computedAt = nowIso(query.now);
  return quarters.map((q) => buildResult(definition, unit, q, unitCounts(table, definition.id, q, unit), standards, query.lang ?? 'da', computedAt));
}

import type { Request } from 'express';
import type { Knex } from 'knex';
import { actorOf, recordAudit } from '../audit/record';
import type { CurrentUser } from '../auth/access';
import { NotFound } from '../http/errors';
import { t } from '../i18n';
import { indicatorById, IndicatorId } from '../indicators/definitions';
import { drillDown } from '../indicators/drilldown';
import { municipalityName } from '../indicators/units';
import { mayDrillDown } from './pages';
import { parseSelection, periodLabel, selectionQuery } from './selection';

/**
 * The courses behind an indicator that did not meet it or are counted missing: only for a municipality-scope
 * user in a unit containing their municipality, and only that municipality's courses. Anyone else gets 404,
 * audited as a refused patient-level access. Each patient shown gets one audit row.
 */
export async function drillDownPage(db: Knex, req: Request, user: CurrentUser, indicatorId: IndicatorId) {
  const refused = new NotFound({ entity: 'indicator_drilldown', entityId: indicatorId });
  if (user.scope.kind !== 'municipality') throw refused;
  const lang = req.lang;
  const s = await parseSelection(db, req.query, user.scope, lang);
  if (!mayDrillDown(user, s.unit)) throw refused;

  const municipalityCode = user.scope.code;
  const courses = await drillDown(db, { indicatorId, period: s.period.code, municipalityCode });
  const seen = new Set<number>();
  const entries = courses.flatMap((c) => {
    if (seen.has(c.patient_id)) return [];
    seen.add(c.patient_id);
    return [{
      action: 'course_list_read', entity: 'course', entityId: c.course_id, patientId: c.patient_id, municipalityCode,
      detail: { list: 'indicator_drilldown', indicator_id: indicatorId, period: s.period.code, kind: c.kind },
    }];
  });
  await recordAudit(db, actorOf(req), ...entries);

  const definition = indicatorById(indicatorId);
  const name = (await municipalityName(db, municipalityCode)) ?? municipalityCode;
  return {
    title: t(lang, 'indicators.pages.drilldown_title', { id: indicatorId, name: definition.name[lang] }),
    indicator: { id: indicatorId, name: definition.name[lang] },
    periodText: periodLabel(s.period, lang),
    unitName: s.unit.name,
    onlyIn: s.unit.unitType === 'municipality' ? null : t(lang, 'indicators.only_in_municipality', { municipality: name }),
    backHref: `/indikatorer/${indicatorId}?${selectionQuery(s)}`,
    counts: { not_met: courses.filter((c) => c.kind === 'not_met').length, missing: courses.filter((c) => c.kind === 'missing').length },
    courses: courses.map((c) => ({
      ...c,
      href: `/forloeb/${c.course_id}`,
      kindText: t(lang, `indicators.kind_${c.kind}`),
      missingText: c.missing_variables.map((v) => t(lang, `courses.labels.${v}`)).join(', '),
    })),
  };
}

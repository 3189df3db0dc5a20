import type { Request } from 'express';
import type { Knex } from 'knex';
import { actorOf, recordAudit } from '../audit/record';
import { type CurrentUser, can } from '../access';
import { Forbidden, NotFound } from '../http/errors';
import { t } from '../i18n';
import { indicatorById, IndicatorId } from '../indicators/definitions';
import { drillDown, DrillDownRow } from '../indicators/drilldown';
import { reasonText } from './drilldown-reasons';
import { geography } from '../geography';
import { mayDrillDown } from './pages';
import { parseSelection, periodLabel, Selection, selectionQuery } from './selection';

const SORTS = {
  henvist: (a: DrillDownRow, b: DrillDownRow) => cmp(a.referral_date, b.referral_date),
  opstart: (a: DrillDownRow, b: DrillDownRow) => cmp(a.start_date ?? '', b.start_date ?? ''),
  afsluttet: (a: DrillDownRow, b: DrillDownRow) => cmp(a.end_date ?? '', b.end_date ?? ''),
  patient: (a: DrillDownRow, b: DrillDownRow) => (a.patient_name ?? '').localeCompare(b.patient_name ?? '', 'da', { sensitivity: 'base' }),
  hvorfor: (a: DrillDownRow, b: DrillDownRow) => cmp(a.kind, b.kind),
} as const;
type SortKey = keyof typeof SORTS;
const FILTERS = { 'ikke-opfyldt': 'not_met', mangler: 'missing' } as const;
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The courses behind an indicator that did not meet it or are counted missing: only for a municipality-scope
 * user who may read courses, in a unit containing their municipality, and only that municipality's courses.
 * product.md's order of answers: a user whose role or kind of scope cannot read courses at all gets 403 before
 * anything is looked up; a municipality user asking for a unit without their municipality gets 404. Both are
 * audited as refused. Each patient shown gets one audit row. `sort` (henvist, opstart, afsluttet, patient,
 * hvorfor) and `vis` (ikke-opfyldt, mangler) order and filter the list.
 */
export async function drillDownPage(db: Knex, req: Request, user: CurrentUser, indicatorId: IndicatorId) {
  const audit = { entity: 'indicator_drilldown', entityId: indicatorId };
  if (!can(user, 'courses.read') || user.scope.kind !== 'municipality') throw new Forbidden(audit);
  const lang = req.lang;
  const s = await parseSelection(db, req.query, user.scope, lang);
  if (!mayDrillDown(user, s.unit)) throw new NotFound(audit);

  const municipalityCode = user.scope.code;
  const all = await drillDown(db, { indicatorId, period: s.period.code, municipalityCode });
  const sort: SortKey = typeof req.query.sort === 'string' && req.query.sort in SORTS ? req.query.sort as SortKey : 'henvist';
  const filter = typeof req.query.vis === 'string' && req.query.vis in FILTERS ? req.query.vis as keyof typeof FILTERS : null;
  const courses = all.filter((c) => !filter || c.kind === FILTERS[filter]).sort((a, b) => SORTS[sort](a, b) || a.course_id - b.course_id);
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
  const name = (await geography(db)).nameOf(municipalityCode) ?? municipalityCode;
  return {
    title: t(lang, 'indicators.pages.drilldown_title', { id: indicatorId, name: definition.name[lang] }),
    indicator: { id: indicatorId, name: definition.name[lang] },
    periodText: periodLabel(s.period, lang),
    unitName: s.unit.name,
    onlyIn: s.unit.unitType === 'municipality' ? null : t(lang, 'indicators.only_in_municipality', { municipality: name }),
    backHref: `/indikatorer/${indicatorId}?${selectionQuery(s)}`,
    counts: { not_met: all.filter((c) => c.kind === 'not_met').length, missing: all.filter((c) => c.kind === 'missing').length },
    filters: [null, 'ikke-opfyldt', 'mangler'].map((f) => ({
      href: listHref(indicatorId, s, sort, f), current: f === filter,
      text: t(lang, f === null ? 'indicators.drilldown.filter_all' : f === 'mangler' ? 'indicators.drilldown.filter_missing' : 'indicators.drilldown.filter_not_met', {
        count: f === null ? all.length : all.filter((c) => c.kind === FILTERS[f as keyof typeof FILTERS]).length,
      }),
    })),
    sorts: Object.fromEntries(Object.keys(SORTS).map((k) => [k, { href: listHref(indicatorId, s, k as SortKey, filter), current: k === sort }])),
    showPatient: can(user, 'courses.read'),
    courses: courses.map((c) => ({
      ...c,
      href: `/forloeb/${c.course_id}`,
      kindText: t(lang, `indicators.kind_${c.kind}`),
      reasonText: reasonText(definition, c, lang),
    })),
  };
}

function listHref(indicatorId: IndicatorId, s: Selection, sort: SortKey, filter: string | null): string {
  return `/indikatorer/${indicatorId}/forloeb?${selectionQuery(s, { sort, ...(filter ? { vis: filter } : {}) })}`;
}

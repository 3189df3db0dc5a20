import type { Knex } from 'knex';
import { standardText } from '../dashboard/view-model';
import type { Lang } from '../i18n';
import { INDICATORS } from '../indicators/definitions';
import { formatStandard, listStandards } from '../indicators/standards';
import { formatDateDanish, today } from '../time';

/** Each indicator with its standards in time order: the one in force today marked `current`, later ones `future`. */
export async function standardsView(db: Knex, lang: Lang) {
  const standards = await listStandards(db);
  const now = today();
  return INDICATORS.map((d) => {
    const rows = standards.filter((s) => s.indicator_id === d.id);
    const current = [...rows].reverse().find((s) => s.valid_from <= now);
    return {
      id: d.id, name: d.name[lang], basis: d.standardBasis[lang],
      rows: rows.map((s) => ({
        text: standardText(formatStandard(s.threshold), lang), validFrom: formatDateDanish(s.valid_from),
        current: s === current, future: s.valid_from > now,
      })),
    };
  });
}

/** The indicator picker of the form, the typed one selected. */
export function indicatorOptions(lang: Lang, selectedId: string | undefined) {
  return INDICATORS.map((d) => ({ id: d.id, name: d.name[lang], selected: selectedId === d.id }));
}

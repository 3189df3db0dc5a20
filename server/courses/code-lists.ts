import fs from 'node:fs';
import path from 'node:path';
import type { Lang } from '../i18n';
import { SEED_DATA_DIR } from '../paths';

type Labels = Readonly<Record<string, readonly [da: string, en: string]>>;

/** The dictionary's code lists, in their order, with Danish and English labels (the one place for code labels). */
export const CODE_LISTS = {
  smoking: {
    daily: ['Dagligryger', 'Daily smoker'],
    occasional: ['Lejlighedsvis ryger', 'Occasional smoker'],
    former: ['Tidligere ryger', 'Former smoker'],
    never: ['Aldrig røget', 'Never smoked'],
  },
  test_type: {
    '6mwt': ['6-minutters gangtest', '6-minute walk test'],
    watt: ['Max watt på ergometercykel', 'Maximum watts on an ergometer bike'],
    none: ['Ingen test', 'No test'],
  },
  referral_source: {
    hospital: ['Sygehus', 'Hospital'],
    gp: ['Almen praksis', 'General practice'],
    other: ['Andet', 'Other'],
  },
  diagnosis_group: {
    ihd: ['Iskæmisk hjertesygdom', 'Ischaemic heart disease'],
    heart_failure: ['Hjertesvigt', 'Heart failure'],
    valve: ['Efter hjerteklapoperation', 'After heart valve surgery'],
    arrhythmia: ['Arytmi, ICD/pacemaker', 'Arrhythmia, ICD/pacemaker'],
    other: ['Andet', 'Other'],
  },
  ihd_treatment: {
    pci: ['PCI', 'PCI'],
    cabg: ['CABG (bypassoperation)', 'CABG (bypass surgery)'],
    medical: ['Medicinsk behandlet', 'Medical treatment'],
  },
  not_started_reason: {
    declined: ['Ønsker ikke', 'Declined'],
    not_reached: ['Ikke mødt/ikke kontaktbar', 'Did not attend/not reachable'],
    died: ['Død', 'Died'],
    moved: ['Fraflyttet', 'Moved away'],
    hospital_rehab: ['Rehabiliteres på sygehus', 'Rehabilitated at hospital'],
    other: ['Andet', 'Other'],
  },
  test_not_done_reason: {
    medical: ['Lægefaglig grund', 'Medical reason'],
    declined: ['Fravalgt', 'Declined'],
    other: ['Andet', 'Other'],
  },
  education: {
    completed: ['Gennemført', 'Completed'],
    partial: ['Delvist', 'Partly'],
    declined: ['Fravalgt', 'Declined'],
    not_offered: ['Ikke tilbudt', 'Not offered'],
  },
  diet: {
    received: ['Modtaget', 'Received'],
    declined: ['Fravalgt', 'Declined'],
    not_indicated: ['Ikke relevant', 'Not indicated'],
    not_offered: ['Ikke tilbudt', 'Not offered'],
  },
  smoking_cessation: {
    completed: ['Gennemført', 'Completed'],
    started: ['Påbegyndt', 'Started'],
    declined: ['Fravalgt', 'Declined'],
    not_offered: ['Ikke tilbudt', 'Not offered'],
  },
  psych_followup: {
    referred_gp: ['Henvist til egen læge', 'Referred to own GP'],
    in_course: ['Håndteret i forløbet', 'Handled in the course'],
    declined: ['Fravalgt', 'Declined'],
    none: ['Ingen', 'None'],
  },
  outcome: {
    completed: ['Gennemført', 'Completed'],
    dropped_out: ['Ophørt før tid', 'Dropped out'],
    died: ['Død', 'Died'],
    moved: ['Fraflyttet', 'Moved away'],
  },
  dropout_reason: {
    own_wish: ['Eget ønske', 'Own wish'],
    illness: ['Sygdom', 'Illness'],
    work: ['Arbejde', 'Work'],
    other: ['Andet', 'Other'],
  },
  yes_no: {
    yes: ['Ja', 'Yes'],
    no: ['Nej', 'No'],
  },
} as const satisfies Readonly<Record<string, Labels>>;

export type CodeListName = keyof typeof CODE_LISTS;

/** The codes of a list, in the dictionary's order. */
export function codesOf(list: CodeListName): readonly string[] {
  return Object.keys(CODE_LISTS[list]);
}

/** The label of a code in lang; the code itself when it is not in the list. */
export function codeLabel(list: CodeListName, code: string, lang: Lang): string {
  const labels = (CODE_LISTS[list] as Labels)[code];
  return labels ? labels[lang === 'en' ? 1 : 0] : code;
}

/** Code and label pairs for a select box. */
export function codeOptions(list: CodeListName, lang: Lang): { code: string; label: string }[] {
  return codesOf(list).map((code) => ({ code, label: codeLabel(list, code, lang) }));
}

let municipalityCodeSet: ReadonlySet<string> | undefined;

/** The 3-digit codes of seeds/data/municipalities.csv (the application's copy of the spec's list). */
export function municipalityCodes(): ReadonlySet<string> {
  if (!municipalityCodeSet) {
    const text = fs.readFileSync(path.join(SEED_DATA_DIR, 'municipalities.csv'), 'utf8').replace(/^\uFEFF/, '');
    const codes = text.split(/\r?\n/).slice(1).map((line) => line.split(';')[0].trim()).filter((c) => /^\d{3}$/.test(c));
    municipalityCodeSet = new Set(codes);
  }
  return municipalityCodeSet;
}

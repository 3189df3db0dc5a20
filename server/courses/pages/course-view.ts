import { t, type Lang } from '../../i18n';
import { displayValue, fieldView, readableValue, sectionFields } from '../form-view';
import { courseIssueMessage, type CourseRecord } from '../service';
import { label } from '../schemas';
import { applicability } from '../rules/applicability';
import { SECTION_VARIABLES, VARIABLE, type CourseValues, type FormSection, type VariableName } from '../variables';
import { showCpr, stateBadge } from './scope';
import { sourceMarker } from '../sources';

export const SECTIONS = Object.keys(SECTION_VARIABLES) as FormSection[];

/** What a refused save brings back to the page: the section's typed values, the messages and why it was refused. */
export interface Refusal {
  section: FormSection;
  typed: Record<string, string>;
  errors: Record<string, string>;
  /** registered values the save would make inapplicable ("Ryd disse felter") */
  inapplicable?: VariableName[];
  /** the save was over an older version: the typed values go back with the stored version */
  conflict?: boolean;
  /** a message not at any field (overlap, duplicate external id) */
  alert?: string;
}

function conflictRows(section: FormSection, typed: Record<string, string>, record: CourseRecord, lang: Lang) {
  return SECTION_VARIABLES[section].map((name: VariableName) => {
    const def = VARIABLE[name];
    const view = fieldView(name, { stored: record, lang });
    const yours = typed[name] ?? '';
    const yoursText = def.codeList && yours ? readableValue(def, yours, lang) : yours;
    return { label: label(name, lang), yours: yoursText, stored: readableValue(def, record[name], lang), differs: yours !== view.value };
  }).filter((r) => r.yours !== '' || r.stored !== '');
}

function sectionView(key: FormSection, record: CourseRecord, app: Record<VariableName, boolean>, lang: Lang,
  refusal: Refusal | undefined, canWrite: boolean) {
  const own = refusal?.section === key ? refusal : undefined;
  const marker = (v: VariableName) => sourceMarker(record, v, (x) => readableValue(VARIABLE[v], x, lang));
  const fields = sectionFields(key, { stored: record, typed: own?.typed, errors: refusal?.errors, lang })
    .map((f) => ({ ...f, fhir: marker(f.name as VariableName) }));
  const names: readonly VariableName[] = SECTION_VARIABLES[key];
  const missing = record.missing.filter((v) => names.includes(v));
  const unfilled = names.filter((v) => VARIABLE[v].required && app[v] && record[v] == null);
  const waits = (key === 'indsatser' || key === 'afslutning') && !app.training_planned;
  return {
    key, title: t(lang, `courses.sections.${key}`), action: `/forloeb/${record.id}/${key}`, fields,
    readonly: SECTION_VARIABLES[key].filter((v: VariableName) => app[v] || record[v] != null).map((v: VariableName) => ({
      label: label(v, lang), value: readableValue(VARIABLE[v], record[v], lang), fhir: marker(v),
    })),
    // A waiting care-record value whose field is hidden (its *when* not yet met) is still shown, at the section's top.
    fhirWaiting: names.filter((v) => record.fhir_waiting[v] !== undefined)
      .map((v) => ({ label: label(v, lang), value: readableValue(VARIABLE[v], record.fhir_waiting[v], lang) })),
    missingCount: missing.length,
    waits: waits ? t(lang, 'courses.pages.section_waits', { label: label('start_date', lang) }) : undefined,
    // Sections with work left (or a refused save) open; finished ones fold to their heading.
    open: !!own || missing.length > 0 || unfilled.length > 0,
    done: !waits && unfilled.length === 0,
    version: record.version,
    // what the form shows at this version, so a later save can tell the user's changes from other users' (mergeStale)
    seen: JSON.stringify(Object.fromEntries(names.map((v) => [v, displayValue(VARIABLE[v], record[v], lang)]))),
    refused: own, canWrite,
    inapplicable: own?.inapplicable?.length ? {
      fields: own.inapplicable.map((v) => label(v, lang)).join(', '), clear: own.inapplicable.join(','),
    } : undefined,
    conflict: own?.conflict ? conflictRows(key, own.typed, record, lang) : undefined,
  };
}

/**
 * What the completeness badge claims: complete data of a course still running (or only referred) is complete "so
 * far", so nobody takes the badge for a finished course.
 */
function completeLabel(record: CourseRecord, lang: Lang): string {
  if (!record.complete) return t(lang, 'courses.pages.incomplete');
  return t(lang, record.state === 'closed' || record.state === 'not_started' ? 'courses.pages.complete' : 'courses.pages.complete_so_far');
}

/** The course page's view data: header (state, completeness, warnings) and the four sections. */
export function courseView(record: CourseRecord, lang: Lang, canWrite: boolean, refusal?: Refusal) {
  const values = record as unknown as CourseValues;
  const app = applicability(values);
  const errors = refusal?.errors ?? {};
  const errorSummary = Object.entries(errors).map(([v, message]) => ({ href: v === '_' ? '#course-sections' : '#' + v, message }));
  const writable = canWrite && !record.annulled;
  return {
    title: t(lang, 'courses.pages.course_title', { id: record.id }),
    course: {
      id: record.id, version: record.version, annulled: record.annulled, annul_reason: record.annul_reason,
      state: stateBadge(record.state, record.annulled, lang), complete: record.complete, completeLabel: completeLabel(record, lang),
      cpr: showCpr(record.cpr), name: record.patient_name, birth_date: record.birth_date,
      sex: record.sex ? t(lang, `courses.sex_values.${record.sex}`) : '', updated_at: record.updated_at,
      missing: record.missing.map((v) => ({ label: label(v, lang), href: '#' + v })),
      warnings: record.warnings.map((w) => courseIssueMessage(w, lang)),
    },
    sections: SECTIONS.map((key) => sectionView(key, record, app, lang, refusal, writable)),
    canWrite: writable, canAnnul: writable,
    alert: refusal?.alert, errorSummary, fieldErrors: errors,
  };
}

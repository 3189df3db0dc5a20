import { all, any, atLeast, below, Condition, daysAtMost, flag, not, oneOf, registered, scaledAtLeast } from './conditions';

/** The fourteen indicators of indicators.md, as data; SQL, drill-down and texts are all built from this. */
export const INDICATOR_IDS = [
  'HK01', 'HK02', 'HK03', 'HK04', 'HK05', 'HK06', 'HK07', 'HK08', 'HK09', 'HK10', 'HK11', 'HK12', 'HK13', 'HK14',
] as const;
export type IndicatorId = (typeof INDICATOR_IDS)[number];
export type PeriodColumn = 'referral_date' | 'start_date' | 'end_date';
export interface Texts { da: string; en: string }

export interface IndicatorDefinition {
  id: IndicatorId;
  name: Texts;
  description: Texts;
  standardBasis: Texts;
  /** the date that places a course in a period */
  periodColumn: PeriodColumn;
  population: Condition;
  numerator: Condition;
  /** indicators.md's "also missing when", in words; the rule itself follows from population and numerator */
  alsoMissingWhen: Texts | null;
  /**
   * Why a course of the population did not meet the numerator, for the drill-down: `{column}` is the
   * variable's registered value in words, `{days}` the days from referral to start. Absent: each variable of
   * the numerator as "Label: value".
   */
  reason?: Texts;
  /** default standard in hundredths (80 = ≥ 0.80), valid from 2010 */
  defaultStandard: number;
  direction: 'higher';
}

const closed = registered('end_date');
const leftForCause = oneOf('outcome', 'died', 'moved');
const completed = oneOf('outcome', 'completed');
const closedNotLeftForCause = all(closed, not(leftForCause));
const ourDefault: Texts = {
  da: 'Vores standard, valgt ud fra niveauerne hos HjerteKomMidt og DHRD.',
  en: 'Our standard, chosen from the levels of HjerteKomMidt and DHRD.',
};

export const INDICATORS: readonly IndicatorDefinition[] = [
  {
    id: 'HK01', periodColumn: 'referral_date', defaultStandard: 80, direction: 'higher',
    name: { da: 'Deltagelse', en: 'Uptake' },
    description: {
      da: 'Andel af henviste forløb, der påbegyndes (undtagen døde, fraflyttede og rehabiliteret på sygehus).',
      en: 'Share of referred courses that start (except died, moved and rehabilitated in hospital).',
    },
    standardBasis: ourDefault,
    // The not-started reason is asked only when there is no start date: a started course is in the population.
    population: any(registered('start_date'), not(oneOf('not_started_reason', 'died', 'moved', 'hospital_rehab'))),
    numerator: registered('start_date'),
    alsoMissingWhen: { da: 'hverken opstartsdato eller årsag til ikke påbegyndt (uafklaret)', en: 'neither start date nor reason for not starting (undecided)' },
  },
  {
    id: 'HK02', periodColumn: 'start_date', defaultStandard: 75, direction: 'higher',
    name: { da: 'Opstart inden for 14 dage', en: 'Start within 14 days' },
    description: {
      da: 'Andel af påbegyndte forløb med opstartssamtale højst 14 dage efter henvisningen.',
      en: 'Share of started courses with the start-up talk at most 14 days after referral.',
    },
    standardBasis: {
      da: 'Sundhedsstyrelsens anbefaling om opstart af fase 2 en til to uger efter udskrivelse.',
      en: 'The Danish Health Authority’s guidance that phase 2 starts one to two weeks after discharge.',
    },
    population: registered('start_date'),
    numerator: daysAtMost('referral_date', 'start_date', 14),
    alsoMissingWhen: null,
    reason: { da: '{days} dage fra henvisning til opstart', en: '{days} days from referral to start' },
  },
  {
    id: 'HK03', periodColumn: 'end_date', defaultStandard: 75, direction: 'higher',
    name: { da: 'Vedholdenhed', en: 'Persistence' },
    description: {
      da: 'Andel af afsluttede forløb, der er gennemført (undtagen døde og fraflyttede).',
      en: 'Share of closed courses that were completed (except died and moved).',
    },
    standardBasis: ourDefault,
    population: closedNotLeftForCause,
    numerator: completed,
    alsoMissingWhen: null,
  },
  {
    id: 'HK04', periodColumn: 'end_date', defaultStandard: 70, direction: 'higher',
    name: { da: 'Fysisk træning ≥ 80 %', en: 'Physical training ≥ 80 %' },
    description: {
      da: 'Andel af afsluttede forløb, hvor mindst 80 % af de planlagte træningsgange er gennemført.',
      en: 'Share of closed courses in which at least 80 % of the planned training sessions were attended.',
    },
    standardBasis: ourDefault,
    population: all(closed, not(leftForCause), not(oneOf('training_planned', 0))),
    numerator: scaledAtLeast(5, 'training_attended', 4, 'training_planned'),
    reason: { da: '{training_attended} af {training_planned} træningsgange', en: '{training_attended} of {training_planned} training sessions' },
    alsoMissingWhen: { da: 'planlagte eller gennemførte træningsgange ikke registreret', en: 'planned or attended training sessions not registered' },
  },
  {
    id: 'HK05', periodColumn: 'end_date', defaultStandard: 50, direction: 'higher',
    name: { da: 'Forbedret fysisk kapacitet ≥ 10 %', en: 'Physical capacity improved ≥ 10 %' },
    description: {
      da: 'Andel af gennemførte forløb med gangtest eller watt-test, hvor testresultatet er forbedret mindst 10 %.',
      en: 'Share of completed courses with a walking or watt test whose result improved by at least 10 %.',
    },
    standardBasis: ourDefault,
    population: all(completed, oneOf('test_type', '6mwt', 'watt')),
    numerator: scaledAtLeast(10, 'test_end_value', 11, 'test_start_value'),
    reason: { da: 'Test: {test_start_value} ved opstart, {test_end_value} ved afslutning', en: 'Test: {test_start_value} at the start, {test_end_value} at the end' },
    alsoMissingWhen: { da: 'testresultat ved afslutning ikke registreret', en: 'test result at the end not registered' },
  },
  {
    id: 'HK06', periodColumn: 'end_date', defaultStandard: 50, direction: 'higher',
    name: { da: 'Rygestop', en: 'Smoking cessation' },
    description: {
      da: 'Andel af gennemførte forløb med rygning ved opstart, hvor borgeren er tidligere ryger ved afslutning.',
      en: 'Share of completed courses of smokers at the start who are former smokers at the end.',
    },
    standardBasis: ourDefault,
    population: all(completed, oneOf('smoking_start', 'daily', 'occasional')),
    numerator: oneOf('smoking_end', 'former'),
    alsoMissingWhen: { da: 'rygestatus ved afslutning ikke registreret', en: 'smoking status at the end not registered' },
  },
  {
    id: 'HK07', periodColumn: 'end_date', defaultStandard: 75, direction: 'higher',
    name: { da: 'Kostbehandling ved klinisk diætist', en: 'Dietary treatment by a clinical dietitian' },
    description: {
      da: 'Andel af afsluttede forløb med relevant kostbehandling, hvor borgeren har modtaget den.',
      en: 'Share of closed courses where dietary treatment is relevant in which it was received.',
    },
    standardBasis: ourDefault,
    population: all(closed, not(leftForCause), not(oneOf('diet', 'not_indicated'))),
    numerator: oneOf('diet', 'received'),
    alsoMissingWhen: null,
  },
  {
    id: 'HK08', periodColumn: 'end_date', defaultStandard: 90, direction: 'higher',
    name: { da: 'Screening for depression ved afslutning', en: 'Depression screening at the end' },
    description: {
      da: 'Andel af gennemførte forløb med HADS depressionsscore ved afslutning.',
      en: 'Share of completed courses with a HADS depression score at the end.',
    },
    standardBasis: ourDefault,
    population: completed,
    numerator: registered('hads_d_end'),
    alsoMissingWhen: null,
  },
  {
    id: 'HK09', periodColumn: 'end_date', defaultStandard: 75, direction: 'higher',
    name: { da: 'Patientundervisning', en: 'Patient education' },
    description: {
      da: 'Andel af afsluttede forløb med gennemført patientundervisning (undtagen døde og fraflyttede).',
      en: 'Share of closed courses with completed patient education (except died and moved).',
    },
    standardBasis: ourDefault,
    population: closedNotLeftForCause,
    numerator: oneOf('education', 'completed'),
    alsoMissingWhen: { da: 'patientundervisning ikke registreret', en: 'patient education not registered' },
  },
  {
    id: 'HK10', periodColumn: 'end_date', defaultStandard: 90, direction: 'higher',
    name: { da: 'Afslutningsnotat til egen læge', en: 'Closing note to the GP' },
    description: {
      da: 'Andel af afsluttede forløb, hvor der er sendt afslutningsnotat til egen læge (undtagen døde).',
      en: 'Share of closed courses for which a closing note was sent to the GP (except died).',
    },
    standardBasis: ourDefault,
    population: all(closed, not(oneOf('outcome', 'died'))),
    numerator: oneOf('gp_note_sent', 'yes'),
    alsoMissingWhen: { da: 'afslutningsnotat ikke registreret', en: 'closing note not registered' },
  },
  {
    id: 'HK11', periodColumn: 'end_date', defaultStandard: 90, direction: 'higher',
    name: { da: 'Komplet registrering', en: 'Complete registration' },
    description: {
      da: 'Andel af afsluttede forløb, hvor alle nødvendige variable er registreret.',
      en: 'Share of closed courses in which every required variable is registered.',
    },
    standardBasis: { da: 'Vores standard for datakvalitet.', en: 'Our standard for data quality.' },
    population: closed,
    numerator: flag('complete'),
    alsoMissingWhen: null,
  },
  {
    id: 'HK12', periodColumn: 'end_date', defaultStandard: 50, direction: 'higher',
    name: { da: 'Bedring i angst og depression', en: 'Improvement in anxiety and depression' },
    description: {
      da: 'Andel af gennemførte forløb med HADS angst eller depression ≥ 8 ved opstart, hvor begge er under 8 ved afslutning.',
      en: 'Share of completed courses with HADS anxiety or depression ≥ 8 at the start in which both are below 8 at the end.',
    },
    standardBasis: ourDefault,
    population: all(completed, any(atLeast('hads_a_start', 8), atLeast('hads_d_start', 8))),
    numerator: all(below('hads_a_end', 8), below('hads_d_end', 8)),
    alsoMissingWhen: { da: 'HADS angst eller depression ved afslutning ikke registreret', en: 'HADS anxiety or depression at the end not registered' },
    reason: { da: 'HADS ved afslutning: angst {hads_a_end}, depression {hads_d_end}', en: 'HADS at the end: anxiety {hads_a_end}, depression {hads_d_end}' },
  },
  {
    id: 'HK13', periodColumn: 'end_date', defaultStandard: 50, direction: 'higher',
    name: { da: 'LDL-kolesterol under 1,4 mmol/L', en: 'LDL cholesterol below 1.4 mmol/L' },
    description: {
      da: 'Andel af gennemførte forløb med iskæmisk hjertesygdom, hvor LDL-kolesterol ved afslutning er højst 1,3 mmol/L.',
      en: 'Share of completed courses with ischaemic heart disease whose LDL cholesterol at the end is at most 1.3 mmol/L.',
    },
    standardBasis: {
      da: 'Vores standard; målet under 1,4 mmol/L er ESC 2019-retningslinjens for patienter med meget høj risiko.',
      en: 'Our standard; the target below 1.4 mmol/L is the ESC 2019 guideline’s for patients at very high risk.',
    },
    population: all(completed, oneOf('diagnosis_group', 'ihd')),
    // LDL has one decimal: the midpoint 1.35 equals no registered value on any engine.
    numerator: below('ldl_end', 1.35),
    alsoMissingWhen: { da: 'LDL-kolesterol ved afslutning ikke registreret', en: 'LDL cholesterol at the end not registered' },
    reason: { da: 'LDL-kolesterol ved afslutning: {ldl_end} mmol/L', en: 'LDL cholesterol at the end: {ldl_end} mmol/L' },
  },
  {
    id: 'HK14', periodColumn: 'end_date', defaultStandard: 70, direction: 'higher',
    name: { da: 'Blodtryk under 140/90', en: 'Blood pressure below 140/90' },
    description: {
      da: 'Andel af gennemførte forløb, hvor blodtrykket ved afslutning er under 140/90 mmHg.',
      en: 'Share of completed courses whose blood pressure at the end is below 140/90 mmHg.',
    },
    standardBasis: ourDefault,
    population: completed,
    numerator: all(below('bp_sys_end', 140), below('bp_dia_end', 90)),
    alsoMissingWhen: { da: 'blodtryk ved afslutning ikke registreret', en: 'blood pressure at the end not registered' },
    reason: { da: 'Blodtryk ved afslutning: {bp_sys_end}/{bp_dia_end} mmHg', en: 'Blood pressure at the end: {bp_sys_end}/{bp_dia_end} mmHg' },
  },
];

export function isIndicatorId(id: unknown): id is IndicatorId {
  return typeof id === 'string' && (INDICATOR_IDS as readonly string[]).includes(id);
}

export function indicatorById(id: IndicatorId): IndicatorDefinition {
  const found = INDICATORS.find((d) => d.id === id);
  if (!found) throw new RangeError(`Unknown indicator: ${id}`);
  return found;
}

import { expect } from 'chai';
import { hasKey, t } from '../../../server/i18n';
import { CODE_LISTS, codeLabel, codesOf } from '../../../server/courses/code-lists';
import { ISSUE_CODES, issueMessage, inapplicableRegistered, sectionSchemas } from '../../../server/courses/schemas';
import {
  NATIONAL_VARIABLES, OUTPUT_ONLY, SECTION_VARIABLES, VARIABLE, VARIABLES, VARIABLE_NAMES,
} from '../../../server/courses/variables';
import { closedCourse } from './fixtures';

describe('courses/variables: the dictionary as data', () => {
  it('holds the 45 variables in dictionary order, sections A–D', () => {
    expect(VARIABLES.map((v) => v.name)).to.deep.equal([...VARIABLE_NAMES]);
    expect(VARIABLES.length).to.equal(45);
    expect(VARIABLES.map((v) => v.section).join('')).to.match(/^A{10}B{15}C{6}D{14}$/);
  });

  it('lists the national variables 1–33 in N order', () => {
    expect(NATIONAL_VARIABLES.length).to.equal(33);
    NATIONAL_VARIABLES.forEach((name, i) => expect(VARIABLE[name].national).to.equal(i + 1));
    expect(NATIONAL_VARIABLES.slice(0, 3)).to.deep.equal(['cpr', 'municipality_code', 'referral_date']);
    expect(NATIONAL_VARIABLES.at(-1)).to.equal('gp_note_sent');
    expect(NATIONAL_VARIABLES).not.to.include.members(['height_cm', 'test_not_done_reason', 'patient_name']);
  });

  it('the four form sections cover every variable but municipality_code once', () => {
    const all = Object.values(SECTION_VARIABLES).flat();
    expect(all).to.deep.equal(VARIABLE_NAMES.filter((n) => n !== 'municipality_code'));
    expect(SECTION_VARIABLES.opstart[0]).to.equal('start_date');
    expect(SECTION_VARIABLES.afslutning.at(-1)).to.equal('gp_note_sent');
  });

  it('code lists are the dictionary\'s, case-sensitive', () => {
    expect(codesOf('smoking')).to.deep.equal(['daily', 'occasional', 'former', 'never']);
    expect(codesOf('test_type')).to.deep.equal(['6mwt', 'watt', 'none']);
    expect(VARIABLE.smoking_end.codes).to.deep.equal(codesOf('smoking'));
    expect(VARIABLE.gp_note_sent.codes).to.deep.equal(['yes', 'no']);
    expect(codeLabel('diagnosis_group', 'ihd', 'da')).to.equal('Iskæmisk hjertesygdom');
    expect(codeLabel('diagnosis_group', 'ihd', 'en')).to.equal('Ischaemic heart disease');
    for (const list of Object.values(CODE_LISTS)) for (const [da, en] of Object.values(list)) expect(da && en).to.be.a('string');
  });

  it('output-only keys', () => {
    expect([...OUTPUT_ONLY]).to.deep.equal(['id', 'version', 'state', 'annulled', 'complete', 'missing', 'birth_date', 'sex', 'warnings',
      'fhir_referral_id', 'referral_sor', 'sources']);
  });

  it('every variable has a Danish and an English label; Danish as the dictionary', () => {
    for (const name of [...VARIABLE_NAMES, 'birth_date', 'sex']) {
      expect(hasKey(`courses.labels.${name}`), name).to.equal(true);
      expect(t('en', `courses.labels.${name}`)).not.to.equal(t('da', `courses.labels.${name}`) + 'x');
    }
    const exact: Record<string, string> = {
      cpr: 'CPR-nummer', referral_date: 'Henvisningsdato', start_date: 'Dato for opstartssamtale', test_type: 'Testtype, fysisk kapacitet',
      training_attended: 'Gennemførte træningsgange', gp_note_sent: 'Afslutningsnotat sendt til egen læge', diet: 'Kostbehandling ved klinisk diætist',
    };
    for (const [name, label] of Object.entries(exact)) expect(t('da', `courses.labels.${name}`)).to.equal(label);
  });
});

describe('courses/issueMessage', () => {
  const cases: [Parameters<typeof issueMessage>[0], string, string][] = [
    [{ variable: 'referral_date', code: 'future_date' }, 'Henvisningsdato kan ikke ligge i fremtiden.', 'Referral date cannot be in the future.'],
    [{ variable: 'training_attended', code: 'attended_gt_planned', params: { planned: 24 } },
      'Gennemførte træningsgange kan ikke være flere end planlagte (24).', 'Attended training sessions cannot exceed planned sessions (24).'],
    [{ variable: 'cpr', code: 'cpr_length', params: { length: 9 } }, 'CPR-nummer skal have 10 cifre – mangler et foranstillet 0?',
      'CPR number must have 10 digits – is a leading 0 missing?'],
    [{ variable: 'smoking_start', code: 'fill_first', params: { other: 'start_date' } }, 'Udfyld først Dato for opstartssamtale.',
      'Fill in Date of start-up talk first.'],
    [{ variable: 'smoking_cessation', code: 'not_applicable', params: { other: 'smoking_start', value: 'never' } },
      'Rygestoptilbud skal være tom, når Rygestatus ved opstart er "Aldrig røget".',
      'Smoking cessation offer must be empty when Smoking status at start is "Never smoked".'],
    [{ variable: 'referral_date', code: 'invalid_date', params: { format: 'ui' } }, 'Henvisningsdato skal være en dato (dd.mm.åååå).',
      'Referral date must be a date (dd.mm.yyyy).'],
    [{ variable: 'ldl_start', code: 'out_of_range', params: { min: 0.1, max: 15 } }, 'LDL-kolesterol ved opstart skal være mellem 0,1 og 15.',
      'LDL cholesterol at start must be between 0.1 and 15.'],
    [{ variable: 'bp_dia_start', code: 'pair_incomplete', params: { pair: 'bp_start' } }, 'Blodtryk ved opstart: udfyld begge værdier eller ingen af dem.',
      'Blood pressure at start: fill in both values or neither.'],
    [{ variable: 'colour', code: 'unknown_variable', params: { name: 'colour' } }, 'Ukendt variabel: colour.', 'Unknown variable: colour.'],
  ];
  for (const [i, da, en] of cases) {
    it(`${i.variable} ${i.code}`, () => {
      expect(issueMessage(i, 'da')).to.equal(da);
      expect(issueMessage(i, 'en')).to.equal(en);
    });
  }

  it('every code has a Danish and English text', () => {
    for (const code of ISSUE_CODES) {
      const text = issueMessage({ variable: 'height_cm', code, params: {
        other: 'start_date', other2: 'end_date', pair: 'bp_start', name: 'x', days: 30, age: 17, planned: 24, min: 0, max: 1,
        decimals: 2, got: 'x', allowed: 'a, b', value: 'x', threshold: 8, weeks: 26,
      } }, 'da');
      expect(text, code).not.to.equal(code);
      expect(text, code).not.to.match(/\{\w+\}/);
    }
  });
});

describe('courses/schemas: section schemas and inapplicable values', () => {
  it('section schemas check their own variables only', () => {
    expect(sectionSchemas.henvisning.safeParse({ cpr: '0101701235', referral_date: '2025-01-10' }).success).to.equal(true);
    expect(sectionSchemas.opstart.safeParse({ height_cm: 300 }).success).to.equal(false);
    expect(sectionSchemas.indsatser.safeParse({ cpr: '0101701235' }).success).to.equal(false);
  });

  it('inapplicableRegistered lists what the form offers to clear, transitively', () => {
    expect(inapplicableRegistered(closedCourse())).to.deep.equal([]);
    expect(inapplicableRegistered(closedCourse({ smoking_start: 'never' }))).to.deep.equal(['smoking_cessation']);
    expect(inapplicableRegistered(closedCourse({ end_date: null }))).to.deep.equal([
      'outcome', 'smoking_end', 'weight_end_kg', 'waist_end_cm', 'bp_sys_end', 'bp_dia_end', 'ldl_end', 'hads_a_end',
      'hads_d_end', 'heartqol_end', 'test_end_value', 'gp_note_sent']);
    const c = closedCourse({ start_date: null });
    expect(inapplicableRegistered(c)).to.deep.equal(VARIABLES.filter((v) => v.section !== 'A' && c[v.name] != null).map((v) => v.name));
  });
});

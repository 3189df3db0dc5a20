import type { Express } from 'express';
import { expect } from 'chai';
import { loginAs, type LoggedIn } from '../../helpers/app';

/** A valid CPR number per test (born 1940–1999, century digit 1), so courses of different tests never overlap. */
export function cprNo(i: number): string {
  return `0101${String(40 + i).padStart(2, '0')}-1${String(i).padStart(3, '0')}`;
}

export const HENVISNING = (cpr: string) => ({
  cpr, patient_name: 'Karen Testesen', referral_date: '10.01.2024', referral_source: 'hospital',
  diagnosis_group: 'ihd', ihd_treatment: 'pci', icd10: 'DI219', discharge_date: '', external_id: '',
});

export const OPSTART = {
  start_date: '20.01.2024', not_started_reason: '', smoking_start: 'daily', height_cm: '175', weight_start_kg: '82,5',
  waist_start_cm: '98', bp_sys_start: '140', bp_dia_start: '85', ldl_start: '2,8', hads_a_start: '9', hads_d_start: '4',
  heartqol_start: '2,15', test_type: '6mwt', test_start_value: '420', test_not_done_reason: '',
};

export const INDSATSER = {
  training_planned: '24', training_attended: '20', education: 'completed', diet: 'received',
  smoking_cessation: 'started', psych_followup: 'in_course',
};

export const AFSLUTNING = {
  end_date: '20.04.2024', outcome: 'completed', dropout_reason: '', smoking_end: 'former', weight_end_kg: '80,1',
  waist_end_cm: '95', bp_sys_end: '130', bp_dia_end: '80', ldl_end: '2,1', hads_a_end: '5', hads_d_end: '3',
  heartqol_end: '2,40', test_end_value: '480', gp_note_sent: 'yes',
};

/** POST a form as the logged-in user (the CSRF token added). */
export function postForm(u: LoggedIn, url: string, fields: Record<string, string>) {
  return u.agent.post(url).type('form').send({ _csrf: u.csrf, ...fields });
}

/** The hidden version of a section form on a course page. */
export function versionOf(html: string): string {
  const m = /name="version" value="(\d+)"/.exec(html);
  if (!m) throw new Error('no version on the page');
  return m[1];
}

/** Create a course through the new-course form; its id. */
export async function createThroughForm(u: LoggedIn, cpr: string, extra: Record<string, string> = {}): Promise<number> {
  const res = await postForm(u, '/forloeb/nyt', { ...HENVISNING(cpr), ...extra });
  expect(res.status, res.text.slice(0, 2000)).to.equal(303);
  return Number(/^\/forloeb\/(\d+)$/.exec(res.headers.location)![1]);
}

/** Save one section of a course at the version its page shows. */
export async function saveSection(u: LoggedIn, id: number, section: string, fields: Record<string, string>) {
  const page = await u.agent.get(`/forloeb/${id}`);
  return postForm(u, `/forloeb/${id}/${section}`, { version: versionOf(page.text), ...fields });
}

export async function therapist(app: Express): Promise<LoggedIn> {
  return loginAs(app, 'terapeut.aarhus@demo.dk');
}

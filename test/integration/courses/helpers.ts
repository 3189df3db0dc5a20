import type { Role } from '../../../server/access';
import { resolveScope } from '../../../server/access';
import type { Db } from '../../../server/db/connect';
import type { CourseScope } from '../../../server/courses/service';
import type { CourseValues } from '../../../server/courses/variables';
import { addDays, today } from '../../../server/time';
import { createUser, randomEmail, testConfig } from '../../helpers/app';

export const CPR_KEY = testConfig().cprKey;

/** A course scope for a new user of the given role in the given scope code. */
export async function scopeFor(db: Db, roles: Role[] = ['therapist'], scopeCode = '751'): Promise<CourseScope> {
  const email = randomEmail('therapist');
  const id = await createUser(db, { email, roles, scope: scopeCode });
  const scope = (await resolveScope(db, scopeCode))!;
  return {
    db, cprKey: CPR_KEY, lang: 'da',
    user: { id, email, name: email, roles, scope, mustChangePassword: false, via: 'session' },
    actor: { userId: id, email, scope: scopeCode, ip: '127.0.0.1' },
  };
}

let serial = 0;

/** A CPR number of a 60-year-old (born 1965), unique per call, failing modulus 11 like the demo numbers. */
export function aCpr(): string {
  serial += 1;
  const day = String((serial % 28) + 1).padStart(2, '0');
  const month = String((Math.floor(serial / 28) % 12) + 1).padStart(2, '0');
  return `${day}${month}65${String(1000 + (serial % 9000)).padStart(4, '0')}`;
}

/** Days before today, as an ISO date. */
export function daysAgo(n: number): string {
  return addDays(today(), -n);
}

/** A valid referred course: override what the test is about. */
export function aCourse(over: CourseValues = {}): CourseValues {
  return { cpr: aCpr(), referral_date: daysAgo(100), referral_source: 'hospital', diagnosis_group: 'heart_failure', ...over };
}

/** The values that close a course (started on `start`, ended on `end`) completely. */
export function closedValues(start: string, end: string): CourseValues {
  return {
    start_date: start, smoking_start: 'never', hads_a_start: 3, hads_d_start: 2, test_type: '6mwt', test_start_value: 420,
    training_planned: 24, training_attended: 20, education: 'completed', diet: 'received',
    end_date: end, outcome: 'completed', smoking_end: 'never', hads_a_end: 2, hads_d_end: 1, test_end_value: 480, gp_note_sent: 'yes',
  };
}

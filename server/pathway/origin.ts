import type { Knex } from 'knex';
import { t, type Lang } from '../i18n';
import { formatDateDanish } from '../time';
import { referralOriginOf } from './referral-queries';

/**
 * The course page's hook (views/partials/referral-origin.hbs): the text "Henvist fra <afdeling> den <dato>" of the
 * referral matched to course `courseId`, or undefined when none is. Read-only; no audit row of its own (the course
 * read is audited, and the referral carries the same patient).
 */
export async function referralOrigin(db: Knex, courseId: number, lang: Lang): Promise<{ text: string; referralId: string } | undefined> {
  const o = await referralOriginOf(db, courseId);
  if (!o) return undefined;
  return { text: t(lang, 'pathway.origin.text', { department: o.department, date: formatDateDanish(o.referral_date) }),
    referralId: t(lang, 'pathway.origin.referral_id', { id: o.referral_id }) };
}

import { Router } from 'express';
import type { Request, Response } from 'express';
import type { Knex } from 'knex';
import { actorOf, recordAudit } from '../audit/record';
import { requireAccess } from '../access';
import type { AppContext } from '../http/context';
import { Forbidden, Invalid } from '../http/errors';
import { FormError, formErrorView, typedValues } from '../http/forms';
import { setFlash } from '../http/render';
import { userOf } from '../access';
import { Lang, t } from '../i18n';
import { INDICATORS } from '../indicators/definitions';
import { formatStandard, formatThreshold, listStandards, setStandard, thresholdOn } from '../indicators/standards';
import { formatDateDanish, today } from '../time';
import { standardText } from './view-model';

/** Form fields are the spec's snake_case names; the engine's setStandard names them in camelCase. */
const FIELD_OF: Record<string, string> = { indicatorId: 'indicator_id', validFrom: 'valid_from', threshold: 'threshold' };

/**
 * The form takes the standard in whole percent like every page shows it ("80", "80 %"); the engine takes the
 * fraction ("0.80"). Null when not a whole number from 0 to 100.
 */
export function percentToThreshold(text: string): string | null {
  const m = /^\s*(\d{1,3})\s*%?\s*$/.exec(text);
  if (!m || Number(m[1]) > 100) return null;
  return formatThreshold(Number(m[1]));
}

async function standardsView(db: Knex, lang: Lang) {
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

async function render(db: Knex, req: Request, res: Response, status: number, values: Record<string, string>, errors: FormError[]) {
  const user = userOf(req);
  res.status(status).render('indicators/standards', {
    title: t(req.lang, 'indicators.pages.standards_title'),
    indicators: await standardsView(db, req.lang),
    mayChange: user.scope.kind === 'country',
    indicatorOptions: INDICATORS.map((d) => ({ id: d.id, name: d.name[req.lang], selected: values.indicator_id === d.id })),
    values,
    ...formErrorView(errors),
  });
}

/** /admin/standarder: every admin reads the standards; only an admin with scope DK sets one (audited, old and new). */
export function standardsRoutes(ctx: AppContext): Router {
  const router = Router();
  const { db } = ctx;
  const admin = requireAccess(ctx, 'admin');

  router.get('/admin/standarder', admin, async (req, res) => render(db, req, res, 200, {}, []));

  router.post('/admin/standarder', admin, async (req, res) => {
    const user = userOf(req);
    if (user.scope.kind !== 'country') throw new Forbidden();
    const values = typedValues(req.body);
    const threshold = percentToThreshold(values.threshold ?? '');
    const input = { indicatorId: values.indicator_id ?? '', validFrom: values.valid_from ?? '', threshold: threshold ?? 'x' };
    try {
      await db.transaction(async (trx) => {
        const before = await listStandards(trx);
        const change = await setStandard(trx, input, { userId: user.id }, req.lang);
        const { indicator_id, valid_from, threshold } = change.standard;
        const old = thresholdOn(before, indicator_id, valid_from);
        await recordAudit(trx, actorOf(req), {
          action: 'standard_change', entity: 'indicator_standard', entityId: change.standard.id,
          detail: {
            indicator_id, valid_from,
            old: old === null ? null : formatStandard(old), new: formatStandard(threshold),
            replaced_row: change.previous?.id ?? null,
          },
        });
      });
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      const errors = Object.entries(err.fields).map(([field, message]) => ({
        field: FIELD_OF[field] ?? field,
        message: field === 'threshold' ? t(req.lang, 'admin.standards.threshold_invalid') : message,
      }));
      return render(db, req, res, 400, values, errors);
    }
    setFlash(res, 'indicators.pages.standard_saved');
    res.redirect(303, '/admin/standarder');
  });
  return router;
}

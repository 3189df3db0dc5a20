import { z } from 'zod';
import { INDICATOR_IDS } from '../indicators/definitions';
import { isPeriodCode } from '../indicators/periods';
import { formatThreshold, parseThreshold } from '../indicators/standards';

/** The service's input: indicator id ('HK03'), period code ('2026', '2026Q3'), threshold as a fraction ('0.80'). */
export const standardInput = z.object({
  indicatorId: z.enum(INDICATOR_IDS),
  validFrom: z.string().refine(isPeriodCode),
  threshold: z.string().refine((s) => parseThreshold(s) !== null),
});

/** The i18n key of each field's message when refused. */
export const MESSAGE_KEYS: Record<string, string> = {
  indicatorId: 'indicators.standard_indicator_invalid',
  validFrom: 'indicators.standard_valid_from_invalid',
  threshold: 'indicators.standard_threshold_invalid',
};

/** Form fields are the spec's snake_case names; the service names them in camelCase. */
export const FIELD_OF: Record<string, string> = { indicatorId: 'indicator_id', validFrom: 'valid_from', threshold: 'threshold' };

/**
 * The form takes the standard in whole percent like every page shows it ("80", "80 %"); the engine takes the
 * fraction ("0.80"). Null when not a whole number from 0 to 100.
 */
export function percentToThreshold(text: string): string | null {
  const m = /^\s*(\d{1,3})\s*%?\s*$/.exec(text);
  if (!m || Number(m[1]) > 100) return null;
  return formatThreshold(Number(m[1]));
}

/** The form's fields as the service's input ('x' for a threshold that is no whole percent: refused there). */
export function formToInput(values: Record<string, string>): { indicatorId: string; validFrom: string; threshold: string } {
  const threshold = percentToThreshold(values.threshold ?? '');
  return { indicatorId: values.indicator_id ?? '', validFrom: values.valid_from ?? '', threshold: threshold ?? 'x' };
}

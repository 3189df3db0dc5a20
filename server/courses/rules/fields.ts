import { z } from 'zod';
import { isIsoDate } from '../../time';
import { municipalityCodes } from '../code-lists';
import { cprIssue } from '../../patients';
import { VARIABLES, type VariableDef, type VariableName } from '../variables';

/** Does a number have at most `decimals` decimals? (checks the value; the text modes check the typed text too) */
export function fitsDecimals(n: number, decimals: number): boolean {
  return Number(n.toFixed(decimals)) === n;
}

/**
 * The schema of one registered value in its typed form (ISO date, JSON number, code string). Zod messages are
 * the stable issue codes; rules/zod-issues.ts adds their params from the variable's definition.
 */
function typedSchema(def: VariableDef): z.ZodType {
  switch (def.kind) {
    case 'cpr':
      return z.string({ error: 'cpr_format' }).superRefine((v, ctx) => {
        const code = cprIssue(v);
        if (code) ctx.addIssue({ code: 'custom', message: code, params: code === 'cpr_length' ? { length: v.length } : undefined });
      });
    case 'text': {
      let s = z.string({ error: 'invalid_text' }).max(def.maxLength!, { error: 'too_long' });
      if (def.pattern) s = s.regex(def.pattern, { error: 'invalid_format' });
      return s;
    }
    case 'date': {
      const s = z.string({ error: 'invalid_date' }).refine(isIsoDate, { error: 'invalid_date', abort: true });
      const min = def.minDate;
      return min ? s.refine((d) => d >= min, { error: 'before_2010' }) : s;
    }
    case 'code':
      if (def.codes) return z.enum(def.codes as [string, ...string[]], { error: 'invalid_code' });
      return z.string({ error: 'invalid_code' }).refine((v) => municipalityCodes().has(v), { error: 'invalid_code' });
    case 'integer':
      return z.number({ error: 'invalid_number' }).int({ error: 'invalid_number' })
        .min(def.min!, { error: 'out_of_range' }).max(def.max!, { error: 'out_of_range' });
    case 'decimal':
      return z.number({ error: 'invalid_number' })
        .min(def.min!, { error: 'out_of_range' }).max(def.max!, { error: 'out_of_range' })
        .refine((n) => fitsDecimals(n, def.decimals!), { error: 'too_many_decimals' });
  }
}

/** Per-variable schemas of typed values; null (or absent) is "not registered". */
export const fieldSchemas: Readonly<Record<VariableName, z.ZodType>> = Object.fromEntries(
  VARIABLES.map((def) => [def.name, typedSchema(def).nullable().optional()]),
) as unknown as Record<VariableName, z.ZodType>;

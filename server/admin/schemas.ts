import { z } from 'zod';
import { ROLES } from '../access';
import { MIN_PASSWORD_LENGTH } from '../auth';

/** Issue messages are keys under admin.errors in the i18n catalogues; routes and the CLI translate them. */
const text = (requiredKey: string, max: number, tooLongKey = 'too_long') =>
  z.string({ error: requiredKey }).trim().min(1, requiredKey).max(max, tooLongKey);

/** Checkboxes send nothing, one value or several. */
const roles = z.preprocess(
  (v) => (v === undefined || v === null || v === '' ? [] : Array.isArray(v) ? v : String(v).split(',').map((r) => r.trim())),
  z.array(z.enum(ROLES, { error: 'role_unknown' }), { error: 'role_unknown' }).min(1, 'roles_required'),
).transform((list) => [...new Set(list)].sort());

const email = text('email_required', 254).toLowerCase().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'email_invalid');
/** DK, a region (4), a municipality (3) or a hospital department's SOR code (pathway.md §2: up to 18). */
const scope = text('scope_required', 18);

export const userCreateSchema = z.object({
  email,
  name: text('name_required', 200),
  roles,
  scope,
  password: z.string().optional().transform((p) => (p ? p : undefined))
    .refine((p) => p === undefined || p.length >= MIN_PASSWORD_LENGTH, 'password_too_short'),
});
export type UserCreateInput = z.infer<typeof userCreateSchema>;

export const userEditSchema = z.object({ name: text('name_required', 200), roles, scope });
export type UserEditInput = z.infer<typeof userEditSchema>;

export const tokenIssueSchema = z.object({
  user_id: z.coerce.number({ error: 'user_required' }).int('user_required').positive('user_required'),
  name: z.string().trim().max(100, 'too_long').optional().transform((n) => n || null),
});

/** dd.mm.åååå (the UI) or ÅÅÅÅ-MM-DD; returns the ISO date or null for an empty field. */
const uiDate = z.string().trim().optional().transform((v, ctx) => {
  if (!v) return null;
  const dk = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v);
  const iso = dk ? `${dk[3]}-${dk[2].padStart(2, '0')}-${dk[1].padStart(2, '0')}` : v;
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.test(iso) ? new Date(iso + 'T00:00:00Z') : null;
  if (!d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso) {
    ctx.addIssue({ code: 'custom', message: 'date_invalid' });
    return z.NEVER;
  }
  return iso;
});

export const auditFilterSchema = z.object({
  user: z.string().trim().max(254, 'too_long').optional().transform((v) => (v ? v.toLowerCase() : null)),
  action: z.string().trim().max(60, 'too_long').regex(/^[\w.]*$/, 'action_invalid').optional().transform((v) => v || null),
  from: uiDate,
  to: uiDate,
  cpr: z.string().trim().optional().transform((v) => v || null),
  page: z.coerce.number().int().min(1).catch(1),
}).refine((f) => !f.from || !f.to || f.from <= f.to, { message: 'date_order', path: ['to'] });
export type AuditFilterInput = z.infer<typeof auditFilterSchema>;

export interface FieldError { field: string; key: string }

/** Parse a form body; on failure the field errors as i18n keys (one per field, first issue wins). */
export function parseInput<S extends z.ZodType>(schema: S, body: unknown):
  { ok: true; data: z.infer<S> } | { ok: false; errors: FieldError[] } {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, key: /^[a-z_]+$/.test(issue.message) ? issue.message : 'invalid' });
  }
  return { ok: false, errors };
}

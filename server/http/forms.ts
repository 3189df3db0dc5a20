/** Form error presentation (DKFDS error summary + message at the field). */
export interface FormError { field: string; message: string }

export interface FormErrorView {
  errorSummary: { href: string; message: string }[];
  fieldErrors: Record<string, string>;
}

export function formErrorView(errors: FormError[]): FormErrorView {
  const fieldErrors: Record<string, string> = {};
  for (const e of errors) fieldErrors[e.field] ??= e.message;
  return { errorSummary: errors.map((e) => ({ href: '#' + e.field, message: e.message })), fieldErrors };
}

/** A form body's string fields, trimmed; everything else dropped (for re-rendering what the user typed). */
export function typedValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string' && k !== '_csrf') out[k] = v;
  }
  return out;
}

import { Invalid } from './errors';

/** A class of error a form may answer with its own page (Invalid, Conflict, a feature's validation error…). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RefusalClass<E> = abstract new (...args: any[]) => E;

/** What `renderRefusal` did: ran the work (its value), or answered with the form again. */
export type Refusal<T> = { refused: false; value: T } | { refused: true };

/**
 * The one catch-and-re-render of the house (replacing a hand-written try/catch in every form route): run `work`;
 * when it throws one of `kinds` (default: Invalid), answer by `render(err)` (the form again, what was typed kept,
 * the messages at the fields, the status the route chooses) and report `{ refused: true }`. Any other error goes
 * on to the one error handler. The route returns when refused:
 *
 *   const done = await renderRefusal(() => saveUser(…), (err) => userPage(req, res, 400, values, toErrors(err)));
 *   if (done.refused) return;
 */
export async function renderRefusal<T, E extends Error = Invalid>(
  work: () => Promise<T>,
  render: (err: E) => unknown,
  kinds: RefusalClass<E> | readonly RefusalClass<E>[] = Invalid as unknown as RefusalClass<E>,
): Promise<Refusal<T>> {
  try {
    return { refused: false, value: await work() };
  } catch (err) {
    const classes = Array.isArray(kinds) ? kinds : [kinds as RefusalClass<E>];
    if (!classes.some((k) => err instanceof k)) throw err;
    await render(err as E);
    return { refused: true };
  }
}

/** An Invalid's field messages as a form's error list (field name → message), in the order the service gave them. */
export function invalidFields(err: Invalid, rename: Record<string, string> = {}): { field: string; message: string }[] {
  return Object.entries(err.fields).map(([field, message]) => ({ field: rename[field] ?? field, message }));
}

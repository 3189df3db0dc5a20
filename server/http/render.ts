import type { Response } from 'express';

/** The cookie carrying a flash message's i18n key to the next page (read by the layout's locals). */
export const FLASH_COOKIE = 'hk_flash';

/** Show a one-line message (an i18n key) on the next page. */
export function setFlash(res: Response, key: string): void {
  res.cookie(FLASH_COOKIE, key, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60_000 });
}

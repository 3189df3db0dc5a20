import type { RequestHandler, Response } from 'express';
import { Action, can, CurrentUser } from '../auth/access';
import { Lang, t } from '../i18n';

const FLASH_COOKIE = 'hk_flash';

interface NavItem { href: string; key: string; current: boolean }

const NAV: { href: string; key: string; action: Action }[] = [
  { href: '/forloeb', key: 'nav.courses', action: 'courses.read' },
  { href: '/arbejdsliste', key: 'nav.worklist', action: 'courses.read' },
  { href: '/indikatorer', key: 'nav.indicators', action: 'indicators.read' },
  { href: '/import', key: 'nav.imports', action: 'courses.import' },
  { href: '/eksport', key: 'nav.export', action: 'courses.export' },
  { href: '/indberetning', key: 'nav.submissions', action: 'submissions' },
  { href: '/admin/brugere', key: 'nav.admin', action: 'admin' },
];

/** The navigation a user sees: only what their roles and scope allow. */
export function navigationFor(user: CurrentUser | undefined, path: string): NavItem[] {
  if (!user) return [];
  return NAV.filter((n) => can(user, n.action))
    .map((n) => ({ href: n.href, key: n.key, current: path === n.href || path.startsWith(n.href + '/') }));
}

/** Show a one-line message (an i18n key) on the next page. */
export function setFlash(res: Response, key: string): void {
  res.cookie(FLASH_COOKIE, key, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60_000 });
}

/** Locals every page's layout uses: language, user, navigation, CSRF token, flash message. */
export function viewLocals(): RequestHandler {
  return (req, res, next) => {
    const flash: string | undefined = req.cookies?.[FLASH_COOKIE];
    if (flash) res.clearCookie(FLASH_COOKIE, { path: '/' });
    const lang: Lang = req.lang;
    Object.assign(res.locals, {
      lang,
      user: req.user,
      userRoles: req.user?.roles.map((r) => t(lang, 'roles.' + r)).join(', '),
      nav: navigationFor(req.user, req.path),
      csrfToken: req.csrfToken,
      flash: flash && /^[\w.]+$/.test(flash) ? t(lang, flash) : undefined,
      currentPath: req.originalUrl,
      otherLang: lang === 'da' ? 'en' : 'da',
    });
    next();
  };
}

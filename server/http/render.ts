import type { RequestHandler, Response } from 'express';
import { Action, can, CurrentUser } from '../auth/access';
import { geography, scopeLabel as geoScopeLabel } from '../geography';
import { IDLE_MINUTES } from '../auth/sessions';
import type { AppContext } from './context';
import { overdueUnmatchedCount } from '../pathway/referral-queries';
import { Lang, t } from '../i18n';

const FLASH_COOKIE = 'hk_flash';
/** WCAG 2.2.1: the user is warned this long before the idle timeout and can extend it with one button. */
const WARN_MINUTES = 2;

interface NavItem { href: string; key: string; current: boolean; badge?: number }

/** `section`: the paths under which the item is the current one (Administration has several pages). */
const NAV: { href: string; key: string; action: Action; section?: string }[] = [
  { href: '/forloeb', key: 'nav.courses', action: 'courses.read' },
  { href: '/arbejdsliste', key: 'nav.worklist', action: 'courses.read' },
  { href: '/henvisninger-uden-forloeb', key: 'nav.unmatched_referrals', action: 'referrals.read' },
  { href: '/indikatorer', key: 'nav.indicators', action: 'indicators.read' },
  { href: '/forloebsvej', key: 'nav.pathway', action: 'pathway.read' },
  { href: '/import', key: 'nav.imports', action: 'courses.import' },
  { href: '/eksport', key: 'nav.export', action: 'courses.export' },
  { href: '/indberetning', key: 'nav.submissions', action: 'submissions' },
  { href: '/admin/brugere', key: 'nav.admin', action: 'admin', section: '/admin' },
];

/** The navigation a user sees: only what their roles and scope allow. */
export function navigationFor(user: CurrentUser | undefined, path: string): NavItem[] {
  if (!user) return [];
  return NAV.filter((n) => can(user, n.action))
    .map((n) => {
      const section = n.section ?? n.href;
      return { href: n.href, key: n.key, current: path === section || path.startsWith(section + '/') };
    });
}

/** The menu's badges: overdue referrals without a course (pathway.md §6). */
async function withBadges(ctx: AppContext, user: CurrentUser | undefined, nav: NavItem[]): Promise<NavItem[]> {
  const item = nav.find((n) => n.href === '/henvisninger-uden-forloeb');
  if (item && user) item.badge = await overdueUnmatchedCount(ctx.db, user.scope);
  return nav;
}

/** Show a one-line message (an i18n key) on the next page. */
export function setFlash(res: Response, key: string): void {
  res.cookie(FLASH_COOKIE, key, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 60_000 });
}

/** "Aarhus (751)", "Region Midtjylland (1082)", "Hele landet": a scope as a municipal user knows it. */
export async function scopeLabel(ctx: AppContext, lang: Lang, code: string): Promise<string> {
  return geoScopeLabel(await geography(ctx.db), code, lang);
}

/** The idle timeout the page's warning counts down (static/js/session-timeout.js): 30 minutes, warned 2 ahead. */
function sessionTimeout() {
  // A session is slid at most once a minute (auth/sessions.ts), so it may end up to a minute before the page thinks.
  return { idleSeconds: IDLE_MINUTES * 60 - 60, warnSeconds: WARN_MINUTES * 60, warnMinutes: WARN_MINUTES };
}

/** Locals every page's layout uses: language, user, navigation, CSRF token, flash message. */
export function viewLocals(ctx: AppContext): RequestHandler {
  return async (req, res, next) => {
    const flash: string | undefined = req.cookies?.[FLASH_COOKIE];
    if (flash) res.clearCookie(FLASH_COOKIE, { path: '/' });
    const lang: Lang = req.lang;
    Object.assign(res.locals, {
      lang,
      user: req.user,
      userRoles: req.user?.roles.map((r) => t(lang, 'roles.' + r)).join(', '),
      userScope: req.user ? await scopeLabel(ctx, lang, req.user.scope.code) : undefined,
      nav: await withBadges(ctx, req.user, navigationFor(req.user, req.path)),
      csrfToken: req.csrfToken,
      flash: flash && /^[\w.]+$/.test(flash) ? t(lang, flash) : undefined,
      currentPath: encodeURIComponent(req.originalUrl),
      otherLang: lang === 'da' ? 'en' : 'da',
      sessionTimeout: req.user?.via === 'session' ? sessionTimeout() : undefined,
    });
    next();
  };
}

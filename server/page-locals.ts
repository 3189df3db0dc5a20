import type { RequestHandler } from 'express';
import { type Action, can, type CurrentUser } from './access';
import { geography, scopeLabel as geoScopeLabel } from './geography';
import { IDLE_MINUTES } from './auth';
import type { AppContext } from './http/context';
import { FLASH_COOKIE } from './http/render';
import { overdueUnmatchedCount } from './pathway/referral-queries';
import { Lang, t } from './i18n';

/**
 * What every page's layout shows (views/layouts/main.hbs): language, user and scope, the menu the user's roles
 * allow, the session's idle warning, the flash message. App-level glue over features (like routes.ts), so that
 * `http/` stays below every feature.
 */

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
  { href: '/mine-henvisninger', key: 'pathway.hospital.nav_mine', action: 'referrals.submit' },
  { href: '/henvisninger/import', key: 'pathway.hospital.nav_import', action: 'referrals.submit' },
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

/** The menu's badges: overdue referrals without a course (pathway.md §6); not counted for an API token's call (no menu). */
async function withBadges(ctx: AppContext, user: CurrentUser | undefined, nav: NavItem[]): Promise<NavItem[]> {
  const item = nav.find((n) => n.href === '/henvisninger-uden-forloeb');
  if (item && user && user.via !== 'token') item.badge = await overdueUnmatchedCount(ctx.db, user.scope);
  return nav;
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

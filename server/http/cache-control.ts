import type { RequestHandler } from 'express';

/**
 * Every answer to a logged-in user may hold patient-level data (names, CPR numbers typed into a form, course lists,
 * drill-downs, import reports, access logs): none may be kept by a browser or proxy cache (`no-store`). Static files
 * are served before this and keep their caching.
 */
export function noStoreWhenLoggedIn(): RequestHandler {
  return (req, res, next) => {
    if (req.user) res.set('Cache-Control', 'no-store');
    next();
  };
}

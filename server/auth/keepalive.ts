import { Router } from 'express';
import { requireLogin } from './middleware';

/**
 * POST /session/forny: "Forbliv logget ind" (static/js/session-timeout.js). Authentication has already slid the
 * session's idle timeout by the time this runs (a CSRF-checked POST), so the answer is only 204; 401 once it ended.
 */
export function keepaliveRoutes(): Router {
  const router = Router();
  router.post('/session/forny', requireLogin(), (_req, res) => {
    res.set('Cache-Control', 'no-store').status(204).end();
  });
  return router;
}

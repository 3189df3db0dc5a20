import { Router } from 'express';
import { requireLogin } from './middleware';

/** GET /api/v1/me: who the session or Bearer token belongs to (lets an integration check its token). */
export function authApi(): Router {
  const router = Router();
  router.get('/api/v1/me', requireLogin(), (req, res) => {
    const user = req.user!;
    res.json({ email: user.email, roles: user.roles, scope: user.scope.code });
  });
  return router;
}

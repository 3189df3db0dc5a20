import type { Router } from 'express';
import type { AppContext } from './http/context';

/** Every feature's routers (pages and /api/v1), mounted in this order after login and the start page. */
export function featureRoutes(ctx: AppContext): Router[] {
  void ctx;
  return [];
}

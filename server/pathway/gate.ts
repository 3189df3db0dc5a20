import { type Action, requireAnyAccess } from '../access';
import type { AppContext } from '../http/context';

/**
 * The referral routes' gate (pathway.md §2): logged in (else 401) and allowed one of `actions` (else 403), decided
 * before any record is looked up; every 403 on referral data is audited (entity `referral`) by access's one gate.
 */
export function requireAny(ctx: AppContext, ...actions: Action[]) {
  return requireAnyAccess(ctx, actions, 'referral');
}

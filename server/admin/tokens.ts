import type { Knex } from 'knex';
import { Actor, recordAudit } from '../audit/record';
import type { Scope } from '../access';
import { IssuedToken, issueToken, revokeToken, revokeUserTokens } from '../auth';
import { Invalid, NotFound } from '../http/errors';
import { getTokenInScope, getUserInScope } from './queries';

/** API token administration, shared by the admin pages and the CLI; every change is audited in its transaction. */

/** Issues a token (valid 12 months) for an active user inside the admin's scope; the token is returned once. */
export async function issueTokenFor(db: Knex, actor: Actor, adminScope: Scope, userId: number, name: string | null): Promise<IssuedToken> {
  return db.transaction(async (trx) => {
    const user = await getUserInScope(trx, adminScope, userId);
    if (!user) throw new Invalid({ user_id: 'user_required' });
    if (!user.active) throw new Invalid({ user_id: 'user_inactive' });
    const issued = await issueToken(trx, userId, actor.userId, name);
    await recordAudit(trx, actor, {
      action: 'token_issue', entity: 'api_token', entityId: issued.id, recordScope: user.scope,
      detail: { new: { user_id: userId, email: user.email, prefix: issued.token.slice(0, 10), name, expires_at: issued.expiresAt } },
    });
    return issued;
  });
}

/** Revokes one token inside the admin's scope; an already revoked one is left as it is. */
export async function revokeTokenById(db: Knex, actor: Actor, adminScope: Scope, tokenId: number): Promise<void> {
  await db.transaction(async (trx) => {
    const token = await getTokenInScope(trx, adminScope, tokenId);
    if (!token) throw new NotFound();
    if (token.revoked_at) return;
    await revokeToken(trx, tokenId);
    await recordAudit(trx, actor, {
      action: 'token_revoke', entity: 'api_token', entityId: tokenId, recordScope: token.scope,
      detail: { old: { revoked: false }, new: { revoked: true }, user_id: token.user_id, email: token.email, prefix: token.prefix },
    });
  });
}

/** Revokes every live token of a user (the CLI's `token revoke --email`); returns how many. */
export async function revokeAllTokensOf(db: Knex, actor: Actor, adminScope: Scope, userId: number): Promise<number> {
  return db.transaction(async (trx) => {
    const user = await getUserInScope(trx, adminScope, userId);
    if (!user) throw new NotFound();
    const ids: number[] = await trx('api_tokens').where('user_id', userId).whereNull('revoked_at').pluck('id');
    const revoked = await revokeUserTokens(trx, userId);
    await recordAudit(trx, actor, ...ids.map((id) => ({
      action: 'token_revoke', entity: 'api_token', entityId: id, recordScope: user.scope,
      detail: { old: { revoked: false }, new: { revoked: true }, user_id: userId, email: user.email },
    })));
    return revoked;
  });
}

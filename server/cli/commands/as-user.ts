import { Action, can, type CurrentUser } from '../../access';
import { findUserByEmail, toCurrentUser } from '../../auth';
import type { Actor } from '../../audit/record';
import type { Db } from '../../db/connect';
import { t } from '../../i18n';
import { CliFailure, cliText } from '../command';

/** The user named by --as, who must be active and allowed the action: the command acts and is audited as them. */
export async function actAs(db: Db, email: string, action: Action): Promise<{ user: CurrentUser; actor: Actor }> {
  const row = await findUserByEmail(db, email);
  if (!row) throw new CliFailure(cliText('user_not_found', { email }));
  const user = await toCurrentUser(db, row, 'token');
  if (!user) throw new CliFailure(cliText('user_inactive', { email }));
  if (!can(user, action)) throw new CliFailure(t('da', 'imports.cli_not_allowed', { email }));
  return { user, actor: { userId: user.id, email: user.email, scope: user.scope.code, ip: null } };
}

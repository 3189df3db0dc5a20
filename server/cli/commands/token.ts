import { revokeAllTokensOf, issueTokenFor } from '../../admin/tokens';
import { findUserByEmail } from '../../auth';
import type { Db } from '../../db/connect';
import { formatDateDanish } from '../../time';
import { CLI_ACTOR, CliCommand, CliFailure, cliText, parseOptions, UsageError, wantsHelp } from '../command';

const USAGE = `Brug: npm run cli -- token create --email E [--name N]
       npm run cli -- token revoke --email E

  create  udsted en API-nøgle (gyldig 12 måneder) til brugeren; nøglen står alene på sidste linje
  revoke  tilbagekald alle brugerens API-nøgler
  --email brugerens e-mail
  --name  valgfri beskrivelse, fx systemets navn`;

const COUNTRY = { kind: 'country', code: 'DK' } as const;

async function userByEmail(db: Db, email: string) {
  const user = await findUserByEmail(db, email);
  if (!user) throw new CliFailure(cliText('user_not_found', { email }));
  return user;
}

const command: CliCommand = {
  name: 'token',
  summary: 'token create | token revoke: udsted eller tilbagekald en brugers API-nøgler',
  usage: USAGE,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (wantsHelp(args)) return ctx.out(USAGE);
    if (sub === 'create') {
      const { values } = parseOptions(rest, { email: { type: 'string' }, name: { type: 'string' } }, ['email']);
      const user = await userByEmail(ctx.db(), String(values.email));
      if (!user.active) throw new CliFailure(cliText('user_inactive', { email: user.email }));
      const issued = await issueTokenFor(ctx.db(), CLI_ACTOR, COUNTRY, user.id, typeof values.name === 'string' ? values.name : null);
      ctx.out(cliText('token_created', { email: user.email, expires: formatDateDanish(issued.expiresAt.slice(0, 10)) }));
      ctx.out(issued.token);
      return;
    }
    if (sub === 'revoke') {
      const { values } = parseOptions(rest, { email: { type: 'string' } }, ['email']);
      const user = await userByEmail(ctx.db(), String(values.email));
      const count = await revokeAllTokensOf(ctx.db(), CLI_ACTOR, COUNTRY, user.id);
      ctx.out(cliText('tokens_revoked', { count, email: user.email }));
      return;
    }
    throw new UsageError(sub ? cliText('unknown_command', { name: `token ${sub}` }) : cliText('missing_subcommand', { names: 'create, revoke' }));
  },
};
export default command;

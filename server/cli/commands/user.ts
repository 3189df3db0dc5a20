import { parseInput, userCreateSchema } from '../../admin/schemas';
import { createUser } from '../../admin/service';
import { t } from '../../i18n';
import { ROLES } from '../../access';
import { unlinkOidc } from '../../auth';
import { CLI_ACTOR, CliCommand, CliContext, CliFailure, cliText, parseOptions, UsageError, wantsHelp } from '../command';

const USAGE = `Brug: npm run cli -- user create --email E --name N --roles R[,R…] --scope S [--password P]

Opretter en bruger.
  --email     brugerens e-mail (login)
  --name      brugerens navn
  --roles     en eller flere af ${ROLES.join(', ')}, adskilt af komma
  --scope     kommunekode (fx 751), regionskode (fx 1082), en hospitalsafdelings SOR-kode (fx P108201) eller DK;
              therapist kræver en kommune, hospital en afdeling, en region eller DK
  --password  mindst 12 tegn; uden den udskrives en engangsadgangskode, som skal skiftes ved første login

       npm run cli -- user unlink-oidc --email E

Fjerner brugerens kobling til identitetsudbyderens login (issuer, sub); næste login med verificeret e-mail kobler igen.`;

const command: CliCommand = {
  name: 'user',
  summary: 'user create: opret en bruger med roller og område',
  usage: USAGE,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    if (wantsHelp(args)) return ctx.out(USAGE);
    if (sub === 'unlink-oidc') return unlink(rest, ctx);
    if (sub !== 'create') throw new UsageError(sub ? cliText('unknown_command', { name: `user ${sub}` }) : cliText('missing_subcommand', { names: 'create, unlink-oidc' }));
    const { values } = parseOptions(rest, {
      email: { type: 'string' }, name: { type: 'string' }, roles: { type: 'string' }, scope: { type: 'string' }, password: { type: 'string' },
    }, ['email', 'name', 'roles', 'scope']);
    const parsed = parseInput(userCreateSchema, values);
    if (!parsed.ok) {
      throw new UsageError(parsed.errors.map((e) => `--${e.field}: ${t('da', 'admin.errors.' + e.key)}`).join('\n'));
    }
    const { id, oneTimePassword } = await createUser(ctx.db(), CLI_ACTOR, { kind: 'country', code: 'DK' }, parsed.data);
    ctx.out(cliText('user_created', { email: parsed.data.email, id }));
    if (oneTimePassword) {
      ctx.out(cliText('one_time_password'));
      ctx.out(oneTimePassword);
    }
  },
};
async function unlink(args: string[], ctx: CliContext): Promise<void> {
  const { values } = parseOptions(args, { email: { type: 'string' } }, ['email']);
  const email = String(values.email);
  if (!(await unlinkOidc(ctx.db(), CLI_ACTOR, email))) throw new CliFailure(t('da', 'auth_sso.cli_not_linked', { email }));
  ctx.out(t('da', 'auth_sso.cli_unlinked', { email }));
}

export default command;

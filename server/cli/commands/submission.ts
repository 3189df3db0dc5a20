import { HttpError, Invalid } from '../../http/errors';
import { t } from '../../i18n';
import { fileNames } from '../../submissions/build';
import { parseSubmissionRequest } from '../../submissions/schemas';
import { createSubmission, validateSubmission } from '../../submissions/service';
import { CliCommand, CliFailure, parseOptions, UsageError, wantsHelp } from '../command';
import { actAs } from './as-user';

const USAGE = `Brug: npm run cli -- submission create --from D --to D --scope S --as E [--dry-run]

  create     opret (eller med --dry-run kun kontrollér) en indberetning; skriver nr. og filnavne
  --from     periodens første dag (ÅÅÅÅ-MM-DD)
  --to       periodens sidste dag (ÅÅÅÅ-MM-DD)
  --scope    kommunekode (3 cifre) eller regionskode (4 cifre); skal ligge i brugerens område
  --as       e-mail på en bruger med rollen indberetter; indberetningen oprettes og logges som denne bruger
  --dry-run  skriv kontrolrapporten (JSON) uden at gemme noget`;

const command: CliCommand = {
  name: 'submission',
  summary: 'submission create: opret eller kontrollér en national indberetning',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    const [sub, ...rest] = args;
    if (sub !== 'create') throw new UsageError(t('da', 'cli.missing_subcommand', { names: 'create' }));
    const { values } = parseOptions(rest, {
      from: { type: 'string' }, to: { type: 'string' }, scope: { type: 'string' }, as: { type: 'string' }, 'dry-run': { type: 'boolean' },
    }, ['from', 'to', 'scope', 'as']);
    const db = ctx.db();
    const { user, actor } = await actAs(db, String(values.as), 'submissions');
    try {
      const input = await parseSubmissionRequest(db, user.scope, values, 'json', 'da');
      if (values['dry-run']) {
        ctx.out(JSON.stringify(await validateSubmission(db, ctx.config.cprKey, actor, input), null, 2));
        return;
      }
      const m = await createSubmission(db, ctx.config.cprKey, { ...actor, email: user.email }, input);
      ctx.out(t('da', 'submissions.cli_created', { id: m.id, count: m.record_count, excluded: m.excluded.length }));
      for (const name of Object.values(fileNames(m.scope, m.period.from, m.period.to, m.created_at))) ctx.out(name);
    } catch (err) {
      if (err instanceof Invalid) throw new UsageError(Object.values(err.fields).join(' '));
      if (err instanceof HttpError) throw new CliFailure(err.status === 404 ? t('da', 'submissions.cli_scope_outside') : err.message);
      throw err;
    }
  },
};
export default command;

import fs from 'node:fs';
import { importSorList } from '../../fhir';
import { t } from '../../i18n';
import { CliCommand, CliFailure, parseOptions, UsageError, wantsHelp } from '../command';
import { actAs } from './as-user';

const USAGE = `Brug: npm run cli -- sor import FILE [--dry-run] --as E

  FILE       CSV (;, UTF-8) med linjen sor_code;kind;municipality_code;name først;
             kind: municipality (kommunekode påkrævet), hospital, gp, other
  --as       e-mail på en administrator for hele landet (DK); handlingen logges
  --dry-run  kontrollér filen uden at gemme
Filen erstatter hele SOR-listen.`;

const command: CliCommand = {
  name: 'sor',
  summary: 'sor import FILE: erstat SOR-listen over omsorgsjournalernes organisationer (fhir.md)',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    if (args[0] !== 'import') throw new UsageError(USAGE.split('\n')[0]);
    const { values, positionals } = parseOptions(args.slice(1), { as: { type: 'string' }, 'dry-run': { type: 'boolean' } }, ['as'], 1);
    const file = positionals[0];
    if (!file) throw new UsageError(t('da', 'fhir.cli.missing_file'));
    if (!fs.existsSync(file)) throw new CliFailure(t('da', 'fhir.cli.no_such_file', { file }));
    const db = ctx.db();
    const { user, actor } = await actAs(db, String(values.as), 'admin');
    if (user.scope.kind !== 'country') throw new CliFailure(t('da', 'imports.cli_not_allowed', { email: user.email }));
    const dryRun = values['dry-run'] === true;
    const result = await importSorList(db, actor, fs.readFileSync(file, 'utf8'), dryRun);
    for (const e of result.errors) ctx.err(e);
    if (result.errors.length) throw new CliFailure(t('da', 'fhir.cli.failed'));
    ctx.out(t('da', dryRun ? 'fhir.cli.sor_checked' : 'fhir.cli.sor_done', { count: result.rows }));
  },
};
export default command;

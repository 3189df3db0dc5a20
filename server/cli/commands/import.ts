import fs from 'node:fs';
import { t } from '../../i18n';
import { runImport } from '../../imports/service';
import { CliCommand, CliFailure, parseOptions, UsageError, wantsHelp } from '../command';
import { actAs } from './as-user';

const USAGE = `Brug: npm run cli -- import FILE [--dry-run] --as E

  FILE       CSV-fil med forløb (formats.md, "Course import")
  --as       e-mail på en terapeut; forløbene importeres i brugerens kommune og logges som denne bruger
  --dry-run  kontrollér filen og skriv rapporten uden at gemme noget
Rapporten skrives som JSON; afslutningskoden er 1, når den har fejl.`;

const command: CliCommand = {
  name: 'import',
  summary: 'import FILE: importér forløb fra en CSV-fil (alle rækker eller ingen)',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    const { values, positionals } = parseOptions(args, { as: { type: 'string' }, 'dry-run': { type: 'boolean' } }, ['as'], 1);
    const file = positionals[0];
    if (!file) throw new UsageError(t('da', 'imports.cli_missing_file'));
    if (!fs.existsSync(file)) throw new CliFailure(t('da', 'imports.cli_no_such_file', { file }));
    const db = ctx.db();
    const { user, actor } = await actAs(db, String(values.as), 'courses.import');
    // An operator's file is not an upload: MAX_UPLOAD_MB does not apply.
    const report = await runImport({ db, cprKey: ctx.config.cprKey, maxBytes: Number.MAX_SAFE_INTEGER, lang: 'da' },
      user, actor, fs.createReadStream(file), { dryRun: values['dry-run'] === true });
    ctx.out(JSON.stringify(report, null, 2));
    if (report.errors.length > 0) throw new CliFailure(t('da', 'imports.cli_failed', { errors: report.errors.length }));
  },
};
export default command;

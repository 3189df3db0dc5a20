import fs from 'node:fs';
import path from 'node:path';
import { addToReport, emptyReport, importBundle } from '../../fhir';
import { t } from '../../i18n';
import { CliCommand, CliFailure, parseOptions, UsageError, wantsHelp } from '../command';
import { actAs } from './as-user';

const USAGE = `Brug: npm run cli -- fhir import FILE… [--dry-run] --as E

  FILE       leverancerapporter (FHIR R4 Bundle, JSON), én pr. fil, i den givne rækkefølge
  --as       e-mail på en terapeut med en kommune; rapporterne modtages som fra brugerens API-nøgle
  --dry-run  kør hele rækken i én transaktion, der rulles tilbage
Hver fil gemmes for sig; den første fil med fejl stopper kørslen (resten: skipped).
Rapporten skrives som JSON; afslutningskoden er 1 ved fejl.`;

const command: CliCommand = {
  name: 'fhir',
  summary: 'fhir import FILE…: modtag leverancerapporter fra omsorgsjournalen (fhir.md)',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    if (args[0] !== 'import') throw new UsageError(USAGE.split('\n')[0]);
    const { values, positionals } = parseOptions(args.slice(1), { as: { type: 'string' }, 'dry-run': { type: 'boolean' } }, ['as'], 1000);
    if (!positionals.length) throw new UsageError(t('da', 'fhir.cli.missing_file'));
    for (const file of positionals) if (!fs.existsSync(file)) throw new CliFailure(t('da', 'fhir.cli.no_such_file', { file }));
    const db = ctx.db();
    const { user, actor } = await actAs(db, String(values.as), 'fhir.import');
    const dryRun = values['dry-run'] === true;
    const report = emptyReport(dryRun);
    const run = async (conn: typeof db) => {
      let failed = false;
      for (const file of positionals) {
        const name = path.basename(file);
        if (failed) {
          report.information.push({ bundle: name, expression: null, code: 'skipped', message: t('da', 'fhir.cli.skipped') });
          continue;
        }
        const result = await importBundle({ db: conn, cprKey: ctx.config.cprKey, lang: 'da' }, user, actor, fs.readFileSync(file), { dryRun: false });
        addToReport(report, result, name, 'da');
        failed = result.status !== 200;
      }
    };
    if (dryRun) {
      const rollback = new Error('dry run');
      await db.transaction(async (trx) => {
        await run(trx as unknown as typeof db);
        throw rollback;
      }).catch((e) => { if (e !== rollback) throw e; });
    } else await run(db);
    ctx.out(JSON.stringify(report, null, 2));
    if (report.errors.length > 0) throw new CliFailure(t('da', 'fhir.cli.failed'));
  },
};
export default command;

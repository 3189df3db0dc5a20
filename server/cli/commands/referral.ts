import fs from 'node:fs';
import { recordAudit } from '../../audit/record';
import { importReferrals } from '../../pathway/import';
import { actAs } from './as-user';
import { CliFailure } from '../command';
import { rematchAll } from '../../pathway/matching';
import { CLI_ACTOR, parseOptions, UsageError, wantsHelp, type CliCommand } from '../command';

const USAGE = `Brug: npm run cli -- referral rematch
       npm run cli -- referral import FILE [--dry-run] --as E

  import: indlæs en CSV med henvisninger som brugeren E (rollen hospital); skriver rapporten (JSON);
  afslutter med 1, når den har fejl.

  Genberegn alle koblinger mellem henvisninger og forløb (pathway.md §4); skriver grupper, koblede henvisninger
  og ændrede koblinger.`;

const command: CliCommand = {
  name: 'referral',
  summary: 'referral rematch: genberegn koblingerne mellem henvisninger og forløb (pathway.md)',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    if (args[0] === 'import') return importFile(args.slice(1), ctx);
    if (args[0] !== 'rematch') throw new UsageError(USAGE.split('\n')[0]);
    parseOptions(args.slice(1), {});
    const db = ctx.db();
    const r = await rematchAll(db);
    await recordAudit(db, CLI_ACTOR, { action: 'referral_rematch', entity: 'referrals', recordScope: 'DK', detail: r });
    ctx.out(`Grupper: ${r.groups}, koblede henvisninger: ${r.matched}, ændrede koblinger: ${r.changed}`);
  },
};
async function importFile(args: string[], ctx: Parameters<CliCommand['run']>[1]): Promise<void> {
  const { values, positionals } = parseOptions(args, { as: { type: 'string' }, 'dry-run': { type: 'boolean' } }, ['as'], 1);
  const file = positionals[0];
  if (!file) throw new UsageError('Angiv en fil.');
  if (!fs.existsSync(file)) throw new CliFailure(`Filen findes ikke: ${file}`);
  const db = ctx.db();
  const { user, actor } = await actAs(db, String(values.as), 'referrals.submit');
  const report = await importReferrals({ db, cprKey: ctx.config.cprKey, user, actor, lang: 'da' }, actor, fs.createReadStream(file),
    ctx.config.maxUploadBytes, values['dry-run'] === true);
  ctx.out(JSON.stringify(report, null, 2));
  if (report.errors.length) throw new CliFailure(`${report.errors.length} fejl; intet er gemt.`);
}

export default command;

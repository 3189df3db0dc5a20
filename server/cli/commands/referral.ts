import { recordAudit } from '../../audit/record';
import { rematchAll } from '../../pathway/matching';
import { CLI_ACTOR, parseOptions, UsageError, wantsHelp, type CliCommand } from '../command';

const USAGE = `Brug: npm run cli -- referral rematch

  Genberegn alle koblinger mellem henvisninger og forløb (pathway.md §4); skriver grupper, koblede henvisninger
  og ændrede koblinger.`;

const command: CliCommand = {
  name: 'referral',
  summary: 'referral rematch: genberegn koblingerne mellem henvisninger og forløb (pathway.md)',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    if (args[0] !== 'rematch') throw new UsageError(USAGE.split('\n')[0]);
    parseOptions(args.slice(1), {});
    const db = ctx.db();
    const r = await rematchAll(db);
    await recordAudit(db, CLI_ACTOR, { action: 'referral_rematch', entity: 'referrals', recordScope: 'DK', detail: r });
    ctx.out(`Grupper: ${r.groups}, koblede henvisninger: ${r.matched}, ændrede koblinger: ${r.changed}`);
  },
};
export default command;

import { Invalid, NotFound } from '../../http/errors';
import { setRegisteringSince } from '../../geography';
import { isIsoDate } from '../../time';
import { CLI_ACTOR, CliFailure, parseOptions, UsageError, wantsHelp, type CliCommand } from '../command';

const USAGE = `Brug: npm run cli -- municipality registering --code C (--since ÅÅÅÅ-MM-DD | --none)

  Sæt datoen, fra hvilken kommunen registrerer sine forløb her (dækning, pathway.md §1), eller fjern den.`;

const command: CliCommand = {
  name: 'municipality',
  summary: 'municipality registering --code C (--since D | --none): kommunens dækning (pathway.md)',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    if (args[0] !== 'registering') throw new UsageError(USAGE.split('\n')[0]);
    const { values: v } = parseOptions(args.slice(1), { code: { type: 'string' }, since: { type: 'string' }, none: { type: 'boolean' } }, ['code']);
    if ((v.since === undefined) === (v.none !== true)) throw new UsageError('Angiv enten --since eller --none.');
    if (v.since !== undefined && !isIsoDate(String(v.since))) throw new UsageError('--since: en dato ÅÅÅÅ-MM-DD.');
    try {
      await setRegisteringSince(ctx.db(), CLI_ACTOR, String(v.code), v.none ? null : String(v.since));
    } catch (e) {
      if (e instanceof NotFound) throw new CliFailure(`Kommunen ${v.code} findes ikke.`);
      if (e instanceof Invalid) throw new CliFailure('--since: en dato ÅÅÅÅ-MM-DD.');
      throw e;
    }
    ctx.out(`Kommune ${v.code}: ${v.none ? 'registrerer ikke her' : 'registrerer siden ' + v.since}.`);
  },
};
export default command;

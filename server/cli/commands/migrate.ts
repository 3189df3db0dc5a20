import { migrate } from '../../db/connect';
import { CliCommand, cliText, parseOptions, wantsHelp } from '../command';

const command: CliCommand = {
  name: 'migrate',
  summary: 'kør databasens migrationer (serveren gør det også ved start)',
  usage: 'Brug: npm run cli -- migrate',
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(this.usage);
    parseOptions(args, {});
    await migrate(ctx.db());
    ctx.out(cliText('migrated'));
  },
};
export default command;

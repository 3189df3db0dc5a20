import { Invalid } from '../http/errors';
import { CliCommand, CliContext, CliFailure, cliText, invalidMessage, UsageError } from './command';

/** Runs one command line against the given context; returns the exit code (0 ok, 1 failure, 2 bad arguments). */
export async function runCli(commands: CliCommand[], argv: string[], ctx: CliContext): Promise<number> {
  const [name, ...args] = argv;
  const overview = () => {
    ctx.out(cliText('usage'));
    ctx.out('');
    ctx.out(cliText('commands'));
    const width = Math.max(...commands.map((c) => c.name.length));
    for (const c of commands) ctx.out(`  ${c.name.padEnd(width)}  ${c.summary}`);
    ctx.out('');
    ctx.out(cliText('command_help'));
  };
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    overview();
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    ctx.err(cliText('unknown_command', { name }));
    overview();
    return 2;
  }
  try {
    await command.run(args, ctx);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      ctx.err(cliText('error', { message: err.message }));
      ctx.err('');
      ctx.err(command.usage);
      return 2;
    }
    if (err instanceof Invalid) {
      ctx.err(cliText('error', { message: invalidMessage(err) }));
      return 2;
    }
    if (err instanceof CliFailure) {
      ctx.err(cliText('error', { message: err.message }));
      return 1;
    }
    throw err;
  }
}

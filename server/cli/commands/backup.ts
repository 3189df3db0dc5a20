import fs from 'node:fs';
import path from 'node:path';
import { recordAudit } from '../../audit/record';
import { isPostgres } from '../../db/connect';
import { CLI_ACTOR, CliCommand, CliFailure, cliText, parseOptions, UsageError, wantsHelp } from '../command';

const USAGE = `Brug: npm run cli -- backup FILE

Skriver en konsistent kopi af SQLite-databasen til FILE (VACUUM INTO), også mens serveren kører.
FILE må ikke findes i forvejen. Husk at sikkerhedskopiere CPR_KEY for sig: uden den kan CPR-numrene ikke læses.
På PostgreSQL: brug pg_dump.`;

const command: CliCommand = {
  name: 'backup',
  summary: 'backup FILE: konsistent kopi af SQLite-databasen (PostgreSQL: brug pg_dump)',
  usage: USAGE,
  async run(args, ctx) {
    if (wantsHelp(args)) return ctx.out(USAGE);
    const { positionals } = parseOptions(args, {}, [], 1);
    if (ctx.config.isPostgres) throw new CliFailure(cliText('backup_postgres'));
    const file = positionals[0];
    if (!file) throw new UsageError(cliText('missing_file'));
    const target = path.resolve(file);
    if (fs.existsSync(target)) throw new CliFailure(cliText('backup_exists', { file: target }));
    const db = ctx.db();
    if (isPostgres(db)) throw new CliFailure(cliText('backup_postgres'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // VACUUM INTO reads one snapshot, so the copy is consistent while the server keeps writing (WAL).
    await db.raw('VACUUM INTO ?', [target]);
    await recordAudit(db, CLI_ACTOR, { action: 'backup', entity: 'database', detail: { file: path.basename(target) } });
    ctx.out(cliText('backup_done', { file: target }));
  },
};
export default command;

import { ConfigError, loadConfig } from '../config';
import { createDb, Db } from '../db/connect';
import type { CliCommand } from './command';
import { runCli } from './run';
import backup from './commands/backup';
import demoData from './commands/demo-data';
import fhir from './commands/fhir';
import importCourses from './commands/import';
import migrate from './commands/migrate';
import hospital from './commands/hospital';
import municipality from './commands/municipality';
import recomputeDerived from './commands/recompute-derived';
import referral from './commands/referral';
import sor from './commands/sor';
import submission from './commands/submission';
import token from './commands/token';
import user from './commands/user';

/** `npm run cli -- <command>`: one line per command (each a file in commands/). */
export const COMMANDS: CliCommand[] = [
  migrate,
  user,
  token,
  backup,
  demoData,
  submission,
  importCourses,
  fhir,
  sor,
  hospital,
  municipality,
  referral,
  recomputeDerived,
];

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error('Konfigurationsfejl: ' + e.message);
    process.exit(1);
  }
  let db: Db | undefined;
  const code = await runCli(COMMANDS, process.argv.slice(2), {
    config,
    db: () => (db ??= createDb(config.databaseUrl)),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
  await db?.destroy();
  process.exitCode = code;
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

import { parseArgs, ParseArgsConfig } from 'node:util';
import type { Actor } from '../audit/record';
import type { Config } from '../config';
import type { Db } from '../db/connect';
import { Invalid } from '../http/errors';
import { t } from '../i18n';

/** What a command is given: configuration, the database (opened on first use) and two output streams. */
export interface CliContext {
  config: Config;
  db(): Db;
  out(line: string): void;
  err(line: string): void;
}

/** One command of `npm run cli -- <name> …`: a file in commands/ and one line in index.ts. */
export interface CliCommand {
  name: string;
  /** one line for the command list */
  summary: string;
  /** printed on --help and after a usage error */
  usage: string;
  run(args: string[], ctx: CliContext): Promise<void>;
}

/** Bad arguments: the message and the command's usage are printed, exit code 2. */
export class UsageError extends Error {}

/** A command that could not do its job for a reason the operator can fix: the message is printed, exit code 1. */
export class CliFailure extends Error {}

/** Audit rows written by the command line (no user, no address). */
export const CLI_ACTOR: Actor = { userId: null, email: 'cli', scope: null, ip: null };

export function cliText(key: string, vars: Record<string, string | number> = {}): string {
  return t('da', 'cli.' + key, vars);
}

export function wantsHelp(args: string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs, strict; its errors become UsageError. `required` options must be given and non-empty. */
export function parseOptions<O extends Options>(args: string[], options: O, required: (keyof O & string)[] = [], positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: positionals > 0 });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.positionals.length > positionals) throw new UsageError(cliText('unexpected', { value: parsed.positionals[positionals] }));
  const values = parsed.values as Record<string, string | boolean | undefined>;
  for (const name of required) {
    if (typeof values[name] !== 'string' || values[name] === '') throw new UsageError(cliText('missing_option', { name }));
  }
  return { values, positionals: parsed.positionals };
}

/** An Invalid from a shared service, as "--field: message" lines (the service's fields are admin.errors keys). */
export function invalidMessage(err: Invalid, optionOf: (field: string) => string = (f) => f): string {
  return Object.entries(err.fields).map(([field, key]) => `--${optionOf(field)}: ${t('da', 'admin.errors.' + key)}`).join('\n');
}

import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Db } from '../db/connect';

/** What every feature's router factory is given. */
export interface AppContext {
  db: Db;
  config: Config;
  logger: Logger;
}

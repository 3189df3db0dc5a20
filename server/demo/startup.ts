import type { Knex } from 'knex';
import type { Config } from '../config';

/** Demo courses at start (DEMO_DATA=1, no courses yet): filled in by the course registration feature. */
export async function seedDemoCoursesIfEmpty(db: Knex, config: Config, log: (msg: string) => void): Promise<void> {
  void db; void config; void log;
}

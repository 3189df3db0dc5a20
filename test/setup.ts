import { closeAllTestDbs } from './helpers/db';

process.env.TZ ??= 'UTC';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(300_000); // PostgreSQL: a run drops a few hundred test databases
    await closeAllTestDbs();
  },
};

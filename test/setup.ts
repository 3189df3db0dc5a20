import { closeAllTestDbs } from './helpers/db';

process.env.TZ ??= 'UTC';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await closeAllTestDbs();
  },
};

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../../../server/paths';

const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** The real entry points in a child process: a configuration error stops them before anything is opened. */
function start(entry: string, env: Record<string, string>, args: string[] = []) {
  const { PATH, HOME } = process.env;
  return spawnSync(TSX, [path.join(ROOT, entry), ...args], { env: { PATH, HOME, ...env }, encoding: 'utf8', timeout: 30_000 });
}

describe('start-up configuration errors (child process)', function () {
  this.timeout(40_000);

  it('the server in production without SESSION_SECRET exits 1 with a message naming it', () => {
    const run = start('server/main.ts', { NODE_ENV: 'production', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', CPR_KEY: Buffer.alloc(32, 1).toString('base64') });

    expect(run.status).to.equal(1);
    expect(run.stderr).to.contain('Configuration error: SESSION_SECRET missing');
  });

  it('the command line on PostgreSQL without CPR_KEY exits 1 with a message naming it', () => {
    const run = start('server/cli/index.ts', { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', SESSION_SECRET: 'x'.repeat(40) }, ['migrate']);

    expect(run.status).to.equal(1);
    expect(run.stderr).to.contain('CPR_KEY missing');
  });
});

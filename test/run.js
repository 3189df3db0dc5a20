#!/usr/bin/env node
// `npm test`: the whole suite on SQLite, then the database tiers again on PostgreSQL when TEST_DATABASE_URL is set.
const { spawnSync } = require('node:child_process');

const mocha = require.resolve('mocha/bin/mocha.js');
const runs = [
  { name: 'SQLite', env: {}, specs: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/http/**/*.test.ts', 'test/browser/**/*.test.ts'] },
];
if (process.env.TEST_DATABASE_URL) {
  runs.push({ name: 'PostgreSQL', env: { TEST_ENGINE: 'pg' }, specs: ['test/integration/**/*.test.ts', 'test/http/**/*.test.ts'] });
} else {
  console.log('SKIP: PostgreSQL tier (set TEST_DATABASE_URL=postgres://… to run integration and HTTP tests on PostgreSQL too)');
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;
for (const run of runs) {
  console.log(`\n=== ${run.name} ===`);
  const res = spawnSync(process.execPath, [mocha, ...run.specs], {
    env: { ...process.env, ...run.env, NODE_ENV: 'test' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  });
  process.stdout.write(res.stdout ?? '');
  const count = (re) => Number((re.exec(res.stdout ?? '') ?? [])[1] ?? 0);
  totals.passed += count(/(\d+) passing/);
  totals.failed += count(/(\d+) failing/);
  totals.skipped += count(/(\d+) pending/);
  if (res.status !== 0) exitCode = res.status || 1;
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);

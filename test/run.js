#!/usr/bin/env node
// `npm test`: the whole suite on SQLite, then the database tiers again on PostgreSQL when TEST_DATABASE_URL is set.
const { spawn } = require('node:child_process');

const mocha = require.resolve('mocha/bin/mocha.js');
const WATCHDOG_MS = 15 * 60_000; // a hung run must fail, not eat CI's 90 minutes

const runs = [
  { name: 'SQLite', env: {}, specs: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/http/**/*.test.ts', 'test/browser/**/*.test.ts'] },
];
if (process.env.TEST_DATABASE_URL) {
  runs.push({ name: 'PostgreSQL', env: { TEST_ENGINE: 'pg' }, specs: ['test/integration/**/*.test.ts', 'test/http/**/*.test.ts'] });
} else {
  console.log('SKIP: PostgreSQL tier (set TEST_DATABASE_URL=postgres://… to run integration and HTTP tests on PostgreSQL too)');
}

/** Runs mocha, streaming its output, and returns its exit code and output. */
function runMocha(run) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mocha, ...run.specs], {
      env: { ...process.env, ...run.env, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; process.stdout.write(chunk); });
    const watchdog = setTimeout(() => {
      console.error(`\n${run.name}: no end after ${WATCHDOG_MS / 60_000} minutes; stopping mocha`);
      child.kill('SIGKILL');
    }, WATCHDOG_MS);
    child.on('close', (code) => { clearTimeout(watchdog); resolve({ code: code ?? 1, output }); });
  });
}

(async () => {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let exitCode = 0;
  for (const run of runs) {
    console.log(`\n=== ${run.name} ===`);
    const { code, output } = await runMocha(run);
    const count = (re) => Number((re.exec(output) ?? [])[1] ?? 0);
    totals.passed += count(/(\d+) passing/);
    totals.failed += count(/(\d+) failing/);
    totals.skipped += count(/(\d+) pending/);
    if (code !== 0) exitCode = code || 1;
  }
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(exitCode);
})();

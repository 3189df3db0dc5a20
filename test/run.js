#!/usr/bin/env node
// `npm test`: the whole suite on SQLite, then the database tiers again on PostgreSQL when TEST_DATABASE_URL is set.
// TEST_CONCURRENT=1 runs the two tiers at the same time (each tier's output printed whole when it ends). Not the
// default: on 2 shared cores the browser tier's timing-sensitive tests then compete with the PostgreSQL tier, and
// its reliability has not been shown on full runs (see the fhir helper's report, 2026-11-30).
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

const CONCURRENT = process.env.TEST_CONCURRENT === '1';

/** Runs mocha, streaming its output (buffered when tiers run concurrently), and returns its exit code and output. */
function runMocha(run) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mocha, ...run.specs], {
      env: { ...process.env, ...run.env, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => { output += chunk; if (!CONCURRENT) process.stdout.write(chunk); });
    const watchdog = setTimeout(() => {
      console.error(`\n${run.name}: no end after ${WATCHDOG_MS / 60_000} minutes; stopping mocha`);
      child.kill('SIGKILL');
    }, WATCHDOG_MS);
    child.on('close', (code) => {
      clearTimeout(watchdog);
      if (CONCURRENT) process.stdout.write(`\n=== ${run.name} ===\n${output}`);
      resolve({ code: code ?? 1, output });
    });
  });
}

(async () => {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  let exitCode = 0;
  const results = CONCURRENT ? await Promise.all(runs.map(runMocha)) : [];
  for (const [i, run] of runs.entries()) {
    if (!CONCURRENT) console.log(`\n=== ${run.name} ===`);
    const { code, output } = CONCURRENT ? results[i] : await runMocha(run);
    const count = (re) => Number((re.exec(output) ?? [])[1] ?? 0);
    totals.passed += count(/(\d+) passing/);
    totals.failed += count(/(\d+) failing/);
    totals.skipped += count(/(\d+) pending/);
    if (code !== 0) exitCode = code || 1;
  }
  console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(exitCode);
})();

#!/usr/bin/env node
/**
 * `npm test`: every test, in order — type check, plugin build, unit tests, the integration suite against a
 * real Strapi app on SQLite and again on PostgreSQL, then browser tests (headless Chromium on the built admin
 * panel; `chromium` is installed with apt-get when missing and running as root). Prints one closing line
 * `N passed, N failed` and exits non-zero on any failure.
 *
 * PostgreSQL: IDENTITY_BRIDGE_TEST_PG_URL (a server URL whose user may CREATE DATABASE) or, by default,
 * a throwaway server started from the Debian `postgresql` package. Without either the run fails, unless
 * IDENTITY_BRIDGE_TEST_SKIP_POSTGRES=1 says so on purpose.
 *
 * Then the integration suite again on the oldest supported Strapi (5.24.2, SQLite; IDENTITY_BRIDGE_TEST_SKIP_OLDEST=1
 * skips it). Last, a real install (scripts/real-install.mjs: needs the npm registry); IDENTITY_BRIDGE_TEST_SKIP_INSTALL=1
 * skips it.
 *
 * No step can hang the run: each runs in its own process group with a time limit (and the whole run within
 * IDENTITY_BRIDGE_TEST_BUDGET_MINUTES, 75 by default: CI allows 90 for the whole of .ci/run); a step past its limit is killed with
 * everything it started and counted as failed, and whatever a finished step left running (a forked Strapi
 * instance, a `php -S`) is killed with its group, so nothing outlives the run holding its output open.
 * test/progress-reporter.js prints when each integration and browser test file starts, so a log cut short
 * still says where.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBin, startPostgres } from './postgres.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputDir = join(root, 'test-output');
rmSync(outputDir, { recursive: true, force: true });
mkdirSync(outputDir, { recursive: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
let stepFailures = 0;

const MINUTE = 60_000;
const runStarted = Date.now();
const budgetMs = Number(process.env.IDENTITY_BRIDGE_TEST_BUDGET_MINUTES ?? 75) * MINUTE;
const clock = (ms) => `${Math.floor(ms / MINUTE)} min ${String(Math.round((ms % MINUTE) / 1000)).padStart(2, '0')} s`;

/** Kills a process group, if anything of it is left. */
function killGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: nothing left of it
  }
}

/**
 * Runs one step in a process group of its own, its output on ours. Past `limitMinutes` (or the run's budget,
 * whichever comes first) the group gets SIGTERM, then SIGKILL; once the step is over, anything of its group
 * still running is killed. Returns the exit status (null when killed).
 */
function runStep(command, args, env, limitMinutes) {
  const limitMs = Math.min(limitMinutes * MINUTE, budgetMs - (Date.now() - runStarted));
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env }, detached: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.stdout.write(`\n!!! no result after ${clock(limitMs)}: stopping this step and everything it started\n`);
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 10_000).unref();
    }, limitMs);
    const interrupt = () => killGroup(child.pid, 'SIGKILL');
    process.once('SIGINT', interrupt);
    child.on('error', (error) => {
      process.stdout.write(`${command}: ${error.message}\n`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      process.off('SIGINT', interrupt);
      killGroup(child.pid, 'SIGKILL');
      resolve({ status: timedOut ? null : code, signal: timedOut ? 'time limit' : signal });
    });
  });
}

async function step(name, command, args, env = {}, limitMinutes = 20) {
  process.stdout.write(`\n=== ${name}\n`);
  if (Date.now() - runStarted >= budgetMs) {
    process.stdout.write(`--- ${name}: FAILED (not run: the run's ${clock(budgetMs)} budget is spent)\n`);
    stepFailures += 1;
    return false;
  }
  const started = Date.now();
  const result = await runStep(command, args, env, limitMinutes);
  process.stdout.write(`--- ${name}: ${clock(Date.now() - started)} (run so far ${clock(Date.now() - runStarted)})\n`);
  if (result.status !== 0) {
    process.stdout.write(`--- ${name}: FAILED (exit ${result.status ?? result.signal})\n`);
    stepFailures += 1;
    return false;
  }
  return true;
}

async function jest(name, project, env = {}, limitMinutes = 20) {
  const report = join(outputDir, `${name.replace(/\W+/g, '-')}.json`);
  const args = ['jest', '--selectProjects', project, '--json', `--outputFile=${report}`, '--ci'];
  // --forceExit: Strapi's knex pools and timers can outlive a suite by a moment; never let them hang CI.
  if (project !== 'unit') args.push('--runInBand', '--forceExit');
  countTests(await step(name, 'npx', args, env, limitMinutes), report);
}

/** Adds a finished jest step's tests (its JSON report) to the totals. */
function countTests(ok, report) {
  if (existsSync(report)) {
    const result = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += result.numPassedTests;
    totals.failed += result.numFailedTests;
    totals.skipped += result.numPendingTests;
    if (!ok && result.numFailedTests === 0) totals.failed += 1; // a suite that could not run counts as a failure
  } else if (!ok) {
    totals.failed += 1;
  }
}

// A fresh checkout: install first, so this one command is all the set-up the tests need.
if (!existsSync(join(root, 'node_modules', '.bin', 'jest'))) {
  await step('install dependencies', 'node', ['scripts/install.mjs'], {}, 20);
}
const wantsPostgres = process.env.IDENTITY_BRIDGE_TEST_SKIP_POSTGRES !== '1' && !process.env.IDENTITY_BRIDGE_TEST_PG_URL;
if (wantsPostgres && !findPostgresBin() && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  await step('install PostgreSQL (apt-get)', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null']);
}
// simplesamlphp (served by `php -S`) is the second, independent SAML identity provider of the SSO tests.
// It signs with PHP's DOM extension (php-xml), which the Debian package does not pull in.
const phpHasDom = () => spawnSync('php', ['-r', 'exit(extension_loaded("dom") ? 0 : 1);']).status === 0;
if ((!existsSync('/usr/share/simplesamlphp') || !phpHasDom()) && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  await step('install simplesamlphp (apt-get)', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends simplesamlphp php-cli php-xml >/dev/null']);
}

if (!process.env.IDENTITY_BRIDGE_TEST_SKIP_BUILD) {
  await step('type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'], {}, 10);
  await step('plugin build', 'npm', ['run', 'build', '--silent'], {}, 10);
  await step('plugin verify', 'npm', ['run', 'verify', '--silent'], {}, 5);
}
await jest('unit tests', 'unit', {}, 10);
await jest('integration tests (SQLite)', 'integration', { DATABASE_CLIENT: 'sqlite' }, 20);

if (process.env.IDENTITY_BRIDGE_TEST_SKIP_POSTGRES === '1') {
  process.stdout.write('\n=== integration tests (PostgreSQL): skipped (IDENTITY_BRIDGE_TEST_SKIP_POSTGRES=1)\n');
} else {
  let server = null;
  let url = process.env.IDENTITY_BRIDGE_TEST_PG_URL;
  if (!url) {
    server = await startPostgres();
    url = server?.url;
  }
  if (!url) {
    process.stdout.write('\n=== integration tests (PostgreSQL): no PostgreSQL found — apt-get install postgresql, or set IDENTITY_BRIDGE_TEST_PG_URL\n');
    totals.failed += 1;
  } else {
    try {
      await jest('integration tests (PostgreSQL)', 'integration', { DATABASE_CLIENT: 'postgres', IDENTITY_BRIDGE_TEST_PG_URL: url }, 20);
    } finally {
      server?.stop();
    }
  }
}

// The oldest Strapi 5 minor the plugin supports (the admin session manager arrived in 5.24): the whole
// integration suite on SQLite with every @strapi/* package at that version, from the lock file kept in
// test/strapi-versions/ (scripts/strapi-version.mjs; about 5 minutes, most of it the install).
const OLDEST_STRAPI = '5.24.2';
if (process.env.IDENTITY_BRIDGE_TEST_SKIP_OLDEST === '1') {
  process.stdout.write(`\n=== integration tests on Strapi ${OLDEST_STRAPI}: skipped (IDENTITY_BRIDGE_TEST_SKIP_OLDEST=1)\n`);
} else {
  const report = join(outputDir, `integration-strapi-${OLDEST_STRAPI}.json`);
  const env = { IDENTITY_BRIDGE_VERSION_REPORT: report };
  countTests(await step(`integration tests on Strapi ${OLDEST_STRAPI} (SQLite)`, 'node', ['scripts/strapi-version.mjs', OLDEST_STRAPI], env, 20), report);
}

// Browser tests: real headless Chromium (Debian's `chromium`) on the playground's built admin panel.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (process.env.IDENTITY_BRIDGE_TEST_SKIP_BROWSER === '1') {
  process.stdout.write('\n=== browser tests: skipped (IDENTITY_BRIDGE_TEST_SKIP_BROWSER=1)\n');
} else {
  if (!existsSync(chromium) && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    await step('install Chromium (apt-get)', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null']);
  }
  if (!existsSync(chromium)) {
    process.stdout.write(`\n=== browser tests: no Chromium at ${chromium} — apt-get install chromium, or set CHROMIUM_PATH\n`);
    totals.failed += 1;
  } else if (await step('admin panel build (when stale)', 'node', ['-e', "import('./scripts/build-admin.mjs').then((m) => process.exit(m.ensurePluginBuild() && m.ensurePlaygroundBuild() ? 0 : 1))"], {}, 10)) {
    await jest('browser tests', 'browser', { DATABASE_CLIENT: 'sqlite', CHROMIUM_PATH: chromium }, 15);
  }
}

// A real install (≈ 4–15 min, mostly create-strapi's npm install): npm pack → a new create-strapi app →
// enable with one config line → start → provision a user through SCIM → check it is an admin user.
if (process.env.IDENTITY_BRIDGE_TEST_SKIP_INSTALL === '1') {
  process.stdout.write('\n=== real install: skipped (IDENTITY_BRIDGE_TEST_SKIP_INSTALL=1)\n');
} else if (await step('real install (scripts/real-install.mjs)', 'node', ['scripts/real-install.mjs'], { IDENTITY_BRIDGE_TEST_SKIP_BUILD: '1' }, 25)) {
  totals.passed += 1;
} else {
  totals.failed += 1;
  stepFailures -= 1; // counted once, as a failed test
}

const failed = totals.failed + stepFailures;
process.stdout.write(`\nwhole run: ${clock(Date.now() - runStarted)}\n${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped\n`);
process.exit(failed === 0 ? 0 : 1);

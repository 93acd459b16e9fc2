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
 * Last, a real install (scripts/real-install.mjs: needs the npm registry); IDENTITY_BRIDGE_TEST_SKIP_INSTALL=1
 * skips it.
 */
import { spawnSync } from 'node:child_process';
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

function step(name, command, args, env = {}) {
  process.stdout.write(`\n=== ${name}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    process.stdout.write(`--- ${name}: FAILED (exit ${result.status ?? result.signal})\n`);
    stepFailures += 1;
    return false;
  }
  return true;
}

function jest(name, project, env = {}) {
  const report = join(outputDir, `${name.replace(/\W+/g, '-')}.json`);
  const args = ['jest', '--selectProjects', project, '--json', `--outputFile=${report}`, '--ci'];
  // --forceExit: Strapi's knex pools and timers can outlive a suite by a moment; never let them hang CI.
  if (project !== 'unit') args.push('--runInBand', '--forceExit');
  const ok = step(name, 'npx', args, env);
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
  step('install dependencies', 'node', ['scripts/install.mjs']);
}
const wantsPostgres = process.env.IDENTITY_BRIDGE_TEST_SKIP_POSTGRES !== '1' && !process.env.IDENTITY_BRIDGE_TEST_PG_URL;
if (wantsPostgres && !findPostgresBin() && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  step('install PostgreSQL (apt-get)', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null']);
}
// simplesamlphp (served by `php -S`) is the second, independent SAML identity provider of the SSO tests.
// It signs with PHP's DOM extension (php-xml), which the Debian package does not pull in.
const phpHasDom = () => spawnSync('php', ['-r', 'exit(extension_loaded("dom") ? 0 : 1);']).status === 0;
if ((!existsSync('/usr/share/simplesamlphp') || !phpHasDom()) && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  step('install simplesamlphp (apt-get)', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends simplesamlphp php-cli php-xml >/dev/null']);
}

if (!process.env.IDENTITY_BRIDGE_TEST_SKIP_BUILD) {
  step('type check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  step('plugin build', 'npm', ['run', 'build', '--silent']);
  step('plugin verify', 'npm', ['run', 'verify', '--silent']);
}
jest('unit tests', 'unit');
jest('integration tests (SQLite)', 'integration', { DATABASE_CLIENT: 'sqlite' });

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
      jest('integration tests (PostgreSQL)', 'integration', { DATABASE_CLIENT: 'postgres', IDENTITY_BRIDGE_TEST_PG_URL: url });
    } finally {
      server?.stop();
    }
  }
}

// Browser tests: real headless Chromium (Debian's `chromium`) on the playground's built admin panel.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (process.env.IDENTITY_BRIDGE_TEST_SKIP_BROWSER === '1') {
  process.stdout.write('\n=== browser tests: skipped (IDENTITY_BRIDGE_TEST_SKIP_BROWSER=1)\n');
} else {
  if (!existsSync(chromium) && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    step('install Chromium (apt-get)', 'sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null']);
  }
  if (!existsSync(chromium)) {
    process.stdout.write(`\n=== browser tests: no Chromium at ${chromium} — apt-get install chromium, or set CHROMIUM_PATH\n`);
    totals.failed += 1;
  } else if (step('admin panel build (when stale)', 'node', ['-e', "import('./scripts/build-admin.mjs').then((m) => process.exit(m.ensurePluginBuild() && m.ensurePlaygroundBuild() ? 0 : 1))"])) {
    jest('browser tests', 'browser', { DATABASE_CLIENT: 'sqlite', CHROMIUM_PATH: chromium });
  }
}

// A real install (≈ 4–15 min, mostly create-strapi's npm install): npm pack → a new create-strapi app →
// enable with one config line → start → provision a user through SCIM → check it is an admin user.
if (process.env.IDENTITY_BRIDGE_TEST_SKIP_INSTALL === '1') {
  process.stdout.write('\n=== real install: skipped (IDENTITY_BRIDGE_TEST_SKIP_INSTALL=1)\n');
} else if (step('real install (scripts/real-install.mjs)', 'node', ['scripts/real-install.mjs'], { IDENTITY_BRIDGE_TEST_SKIP_BUILD: '1' })) {
  totals.passed += 1;
} else {
  totals.failed += 1;
  stepFailures -= 1; // counted once, as a failed test
}

const failed = totals.failed + stepFailures;
process.stdout.write(`\n${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped\n`);
process.exit(failed === 0 ? 0 : 1);

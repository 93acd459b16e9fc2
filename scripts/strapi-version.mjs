#!/usr/bin/env node
/**
 * Runs the integration suite (SQLite) against another Strapi 5 version:
 *
 *   node scripts/strapi-version.mjs 5.24.2 [jest args…]
 *
 * Copies this repository's files (tracked and new, never node_modules) into a work directory, pins every
 * @strapi/* dependency of the 5.x line (root and playground package.json) to <version> — or, for a package
 * not published at that patch (e.g. @strapi/provider-email-nodemailer has no 5.24.2), to its newest patch of
 * the same minor not above it — installs without the lock file, checks that no Strapi 5 package of another minor got in
 * (@strapi/strapi pins all of its own @strapi/* dependencies exactly), builds the plugin and runs
 * `jest --selectProjects integration --ci --runInBand`.
 *
 * The install is most of the time, and resolving a whole Strapi tree without a lock file takes many minutes,
 * so a version the project tests in CI keeps its lock file in the repository: `test/strapi-versions/<version>/`
 * holds the package-lock.json that npm wrote for the pinned package.json, with the hash of what it was made
 * from. When that hash matches, the install is `npm ci` of that lock (minutes less, and the same tree every
 * run); when it does not (a dependency changed), npm resolves afresh and the script says how to refresh the
 * lock: IDENTITY_BRIDGE_VERSION_SAVE_LOCK=1 writes the new one into test/strapi-versions/<version>/.
 *
 * The work directory is `$TMPDIR/ib-strapi-<version>` and is kept: a second run re-copies the sources and
 * reuses node_modules when the pinned package.json did not change. Pass IDENTITY_BRIDGE_VERSION_CLEAN=1 to
 * delete it after the run. IDENTITY_BRIDGE_VERSION_REPORT=<file> also writes jest's JSON report there
 * (scripts/test.mjs counts the tests from it).
 *
 * Prints the time of each step and a last line `strapi <version>: N passed, N failed`; exits non-zero on any
 * failure.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [version, ...jestArgs] = process.argv.slice(2);
if (!version || !/^5\.\d+\.\d+$/.test(version)) {
  console.error('usage: node scripts/strapi-version.mjs <5.x.y> [jest args…]');
  process.exit(2);
}

const workDir = join(tmpdir(), `ib-strapi-${version}`);
const timings = [];
const started = Date.now();

function timed(name, fn) {
  const t0 = Date.now();
  process.stdout.write(`\n=== ${name}\n`);
  const result = fn();
  const seconds = (Date.now() - t0) / 1000;
  timings.push([name, seconds]);
  process.stdout.write(`--- ${name}: ${seconds.toFixed(1)} s\n`);
  return result;
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: workDir, stdio: 'inherit', ...options, env: { ...process.env, ...options.env } });
  return result.status === 0;
}

function fail(message) {
  console.error(`\nstrapi ${version}: ${message}`);
  printTimings();
  process.exit(1);
}

function printTimings() {
  console.log('\nTimings:');
  for (const [name, seconds] of timings) console.log(`  ${name.padEnd(46)} ${seconds.toFixed(1).padStart(7)} s`);
  console.log(`  ${'total'.padEnd(46)} ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s`);
}

/** The repository's pinned Strapi version: the one @strapi/strapi has in the root package.json. */
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pinned = rootPackage.devDependencies['@strapi/strapi'];

/** The newest published version of `name` in [<minor>.0, version] (one registry look-up per package). */
const resolved = new Map();
function versionOf(name) {
  if (!resolved.has(name)) {
    const [major, minor] = version.split('.');
    const range = `>=${major}.${minor}.0 <=${version}`;
    const view = spawnSync('npm', ['view', `${name}@${range}`, 'version', '--json'], { encoding: 'utf8' });
    const found = view.status === 0 && view.stdout.trim() ? [JSON.parse(view.stdout)].flat() : [];
    if (found.length === 0) fail(`${name} has no version in ${range} on the registry`);
    resolved.set(name, found.at(-1));
  }
  return resolved.get(name);
}

/** Every @strapi/* dependency spec equal to the pinned version is re-pinned (design-system etc. keep theirs). */
function pinStrapi(manifest) {
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
      if (name.startsWith('@strapi/') && spec === pinned) manifest[field][name] = versionOf(name);
    }
  }
  return manifest;
}

timed('copy sources', () => {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) fail('git ls-files failed (run from a git checkout)');
  const files = listed.stdout.split('\0').filter((file) => file && !file.split('/').includes('node_modules') && existsSync(join(root, file)));
  // Drop previous sources (a deleted file must not linger) but keep the installed node_modules.
  for (const entry of ['server', 'admin', 'test', 'scripts', 'playground', 'bench']) rmSync(join(workDir, entry), { recursive: true, force: true });
  mkdirSync(workDir, { recursive: true });
  for (const file of files) {
    mkdirSync(dirname(join(workDir, file)), { recursive: true });
    cpSync(join(root, file), join(workDir, file));
  }
  rmSync(join(workDir, 'package-lock.json'), { force: true });
  console.log(`${files.length} files → ${workDir}`);
});

const manifest = pinStrapi(JSON.parse(readFileSync(join(workDir, 'package.json'), 'utf8')));
writeFileSync(join(workDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const playgroundManifest = join(workDir, 'playground', 'package.json');
writeFileSync(playgroundManifest, `${JSON.stringify(pinStrapi(JSON.parse(readFileSync(playgroundManifest, 'utf8'))), null, 2)}\n`);

// Only what npm installs from: a new script in package.json must not cost a fresh install.
const installInputs = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies', 'overrides'].map((field) => manifest[field] ?? null);
const manifestHash = createHash('sha256').update(JSON.stringify(installInputs)).digest('hex');
const stamp = join(workDir, 'node_modules', '.ib-manifest-hash');
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === manifestHash) {
  console.log('\n=== npm install: node_modules is up to date for this package.json (reused)');
} else {
  const lockDir = join(root, 'test', 'strapi-versions', version);
  const savedLock = join(lockDir, 'package-lock.json');
  const savedHash = join(lockDir, 'manifest-hash');
  const lockFits = existsSync(savedLock) && existsSync(savedHash) && readFileSync(savedHash, 'utf8').trim() === manifestHash;
  timed(lockFits ? 'npm ci (the lock file kept for this version)' : 'npm install (resolving afresh)', () => {
    rmSync(join(workDir, 'node_modules'), { recursive: true, force: true });
    const quiet = ['--no-audit', '--no-fund', '--loglevel=error'];
    if (lockFits) {
      cpSync(savedLock, join(workDir, 'package-lock.json'));
      // As scripts/install.mjs: npm ci refuses a lock that lists other platforms' optional binaries this
      // registry does not serve; npm install then installs the same locked versions.
      if (!run('npm', ['ci', '--prefer-offline', ...quiet]) && !run('npm', ['install', '--prefer-offline', ...quiet])) fail('npm ci failed');
    } else {
      if (!run('npm', ['install', ...quiet])) fail('npm install failed');
      if (process.env.IDENTITY_BRIDGE_VERSION_SAVE_LOCK === '1') {
        mkdirSync(lockDir, { recursive: true });
        cpSync(join(workDir, 'package-lock.json'), savedLock);
        writeFileSync(savedHash, `${manifestHash}\n`);
        console.log(`saved the lock file for ${version} in ${lockDir}: commit it`);
      } else {
        console.log(`No lock file kept for this package.json: run again with IDENTITY_BRIDGE_VERSION_SAVE_LOCK=1 and commit test/strapi-versions/${version}/`);
      }
    }
    writeFileSync(stamp, manifestHash);
  });
}

timed('check installed versions', () => {
  const installed = JSON.parse(readFileSync(join(workDir, 'node_modules', '@strapi', 'strapi', 'package.json'), 'utf8')).version;
  const admin = JSON.parse(readFileSync(join(workDir, 'node_modules', '@strapi', 'admin', 'package.json'), 'utf8')).version;
  console.log(`@strapi/strapi ${installed}, @strapi/admin ${admin}`);
  if (installed !== version || admin !== version) fail(`installed @strapi/strapi ${installed} / @strapi/admin ${admin}, wanted ${version}`);
  const listed = spawnSync('npm', ['ls', '--all', '--parseable', '--long'], { cwd: workDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  // Same minor: a package not republished at every patch (see versionOf) is still the same release line.
  const minorOf = (v) => v.split('.').slice(0, 2).join('.');
  const expected = (id) => minorOf(id.slice(id.lastIndexOf('@') + 1)) === minorOf(version);
  const strays = [...new Set((listed.stdout ?? '').split('\n').map((line) => line.split(':')[1] ?? '').filter((id) => /^@strapi\/[^@]+@5\./.test(id) && !expected(id)))];
  if (strays.length > 0) fail(`other Strapi 5 packages installed next to ${version}: ${strays.join(', ')}`);
});

timed('plugin build', () => {
  if (!run('npx', ['strapi-plugin', 'build'])) fail('plugin build failed');
});

const report = join(workDir, 'test-output', 'integration.json');
mkdirSync(dirname(report), { recursive: true });
rmSync(report, { force: true });
const jestOk = timed('integration tests (SQLite)', () =>
  run('npx', ['jest', '--selectProjects', 'integration', '--ci', '--runInBand', '--forceExit', '--json', `--outputFile=${report}`, ...jestArgs], {
    env: { DATABASE_CLIENT: 'sqlite' },
  })
);
let passed = 0;
let failed = jestOk ? 0 : 1;
if (existsSync(report)) {
  if (process.env.IDENTITY_BRIDGE_VERSION_REPORT) cpSync(report, process.env.IDENTITY_BRIDGE_VERSION_REPORT);
  const result = JSON.parse(readFileSync(report, 'utf8'));
  passed = result.numPassedTests;
  failed = result.numFailedTests + (!jestOk && result.numFailedTests === 0 ? 1 : 0);
  for (const suite of result.testResults) {
    if (suite.status === 'failed') console.log(`FAILED suite: ${suite.name.replace(`${workDir}/`, '')}${suite.message ? ` — ${suite.message.split('\n')[0]}` : ''}`);
  }
}
printTimings();
if (process.env.IDENTITY_BRIDGE_VERSION_CLEAN === '1') rmSync(workDir, { recursive: true, force: true });
console.log(`\nstrapi ${version}: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

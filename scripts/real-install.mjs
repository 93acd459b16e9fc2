#!/usr/bin/env node
/**
 * A real install, the way a user does it: builds the plugin, `npm pack`s it, creates a fresh TypeScript app
 * with `create-strapi`, installs the tarball into it, enables the plugin with one line in config/plugins.ts
 * (with a SCIM token declared from an environment variable, so no admin UI is needed), builds and starts the
 * app on a free loopback port, provisions a user through SCIM and checks that it became an active admin user
 * with the default role (through SCIM, then through Strapi's own admin API after registering the first admin).
 * Stops the app and deletes everything it created.
 *
 *   node scripts/real-install.mjs
 *
 * Environment:
 *   IDENTITY_BRIDGE_INSTALL_STRAPI   create-strapi version (default: the repository's pinned @strapi/strapi)
 *   IDENTITY_BRIDGE_TEST_SKIP_BUILD  =1: pack the existing dist/ instead of building first (npm test built it)
 *   IDENTITY_BRIDGE_INSTALL_KEEP     =1: keep the work directory (its path is printed)
 *   IDENTITY_BRIDGE_INSTALL_VERBOSE  =1: stream every command's output (else shown only when a step fails)
 *   IDENTITY_BRIDGE_INSTALL_APP      <dir>/app of a kept run: only start and check it (fresh database)
 *
 * Prints the time of each step; exits non-zero with the failing step's name and output tail on any failure.
 * Needs the npm registry (create-strapi installs the app's dependencies).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const strapiVersion = process.env.IDENTITY_BRIDGE_INSTALL_STRAPI ?? rootPackage.devDependencies['@strapi/strapi'];
const verbose = process.env.IDENTITY_BRIDGE_INSTALL_VERBOSE === '1';
const MINUTE = 60_000;

// IDENTITY_BRIDGE_INSTALL_APP=<dir>: start and check an app a kept run built (for working on this script).
const reusedApp = process.env.IDENTITY_BRIDGE_INSTALL_APP;
const workDir = reusedApp ? dirname(reusedApp) : mkdtempSync(join(tmpdir(), 'ib-install-'));
const appDir = reusedApp ?? join(workDir, 'app');
const scimToken = `install-check-${randomBytes(24).toString('hex')}`;
const running = new Set();
const timings = [];
const started = Date.now();

class StepError extends Error {}

/** Runs a command in its own process group (so a timeout or failure kills npx's children too). */
function exec(command, args, { cwd = workDir, env = {}, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let output = '';
    const collect = (chunk) => {
      output = (output + chunk).slice(-20_000);
      if (verbose) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new StepError(`${command} ${args.join(' ')}: no result after ${timeoutMs / 1000} s\n${tail(output)}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(new StepError(`${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0) resolve(output);
      else reject(new StepError(`${command} ${args.join(' ')} exited with ${code ?? signal}\n${tail(output)}`));
    });
  });
}

const tail = (text, lines = 40) => text.split('\n').slice(-lines).join('\n');

function killGroup(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 5000).unref();
}

async function step(name, fn) {
  const t0 = Date.now();
  process.stdout.write(`=== ${name}\n`);
  try {
    const result = await fn();
    const seconds = (Date.now() - t0) / 1000;
    timings.push([name, seconds]);
    process.stdout.write(`--- ${name}: ${seconds.toFixed(1)} s\n`);
    return result;
  } catch (error) {
    timings.push([`${name} (FAILED)`, (Date.now() - t0) / 1000]);
    error.step = name;
    throw error;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function http(method, url, { body, token, timeoutMs = MINUTE } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = url.includes('/scim/') ? 'application/scim+json' : 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

function expect(condition, message) {
  if (!condition) throw new StepError(message);
}

/** Inserts the plugin's entry as the first line of the object config/plugins.ts returns. */
function enablePlugin() {
  const file = join(appDir, 'config', 'plugins.ts');
  expect(existsSync(file), `create-strapi made no ${file}`);
  const source = readFileSync(file, 'utf8');
  const opening = source.match(/=>\s*\(\{/);
  expect(opening, `config/plugins.ts has an unexpected shape (no "=> ({"):\n${source}`);
  const line = "  'identity-bridge': { enabled: true, config: { tokens: [{ name: 'Provisioning', secret: process.env.SCIM_TOKEN ?? '' }] } },";
  const at = opening.index + opening[0].length;
  writeFileSync(file, `${source.slice(0, at)}\n${line}\n${source.slice(at)}`);
  return line;
}

/** Starts `npm run start` and resolves once /_health answers; rejects when the process dies first. */
async function startApp(port) {
  const env = { HOST: '127.0.0.1', PORT: String(port), NODE_ENV: 'production', SCIM_TOKEN: scimToken, STRAPI_TELEMETRY_DISABLED: 'true', BROWSER: 'none' };
  const child = spawn('npm', ['run', 'start'], { cwd: appDir, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const collect = (chunk) => {
    output = (output + chunk).slice(-20_000);
    if (verbose) process.stdout.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  child.on('close', (code, signal) => {
    exited = code ?? signal;
    running.delete(child);
  });
  const deadline = Date.now() + 5 * MINUTE;
  while (Date.now() < deadline) {
    if (exited !== null) throw new StepError(`the app exited (${exited}) before answering\n${tail(output)}`);
    try {
      const reply = await fetch(`http://127.0.0.1:${port}/_health`, { signal: AbortSignal.timeout(5000) });
      if (reply.status === 204 || reply.status === 200) return { child, output: () => output };
    } catch {
      /* not listening yet */
    }
    await new Promise((done) => setTimeout(done, 1000));
  }
  throw new StepError(`the app did not answer /_health within 5 minutes\n${tail(output)}`);
}

async function main() {
  console.log(`Real install check: create-strapi@${strapiVersion}, work directory ${workDir}\n`);

  if (reusedApp) {
    rmSync(join(appDir, '.tmp'), { recursive: true, force: true }); // a fresh database
    console.log(`reusing the built app ${appDir} (IDENTITY_BRIDGE_INSTALL_APP)`);
  } else {
    await install();
  }
  await check();
}

async function install() {
  if (process.env.IDENTITY_BRIDGE_TEST_SKIP_BUILD === '1') {
    expect(existsSync(join(root, 'dist', 'server', 'index.js')), 'IDENTITY_BRIDGE_TEST_SKIP_BUILD=1 but there is no dist/ — build the plugin first');
  } else {
    await step('plugin build', () => exec('npm', ['run', 'build', '--silent'], { cwd: root, timeoutMs: 10 * MINUTE }));
  }

  const tarball = await step('npm pack', async () => {
    await exec('npm', ['pack', '--silent', '--pack-destination', workDir], { cwd: root, timeoutMs: 2 * MINUTE });
    // npm names the tarball <name>-<version>.tgz. Not read from `--json`: its file list outgrows the output tail
    // `exec` keeps, and npm's stderr warnings interleave with it.
    const path = join(workDir, `${rootPackage.name}-${rootPackage.version}.tgz`);
    if (!existsSync(path)) throw new StepError(`npm pack: no ${path}`);
    console.log(`${path}: ${(statSync(path).size / 1024).toFixed(0)} kB`);
    return path;
  });

  await step(`create-strapi@${strapiVersion}`, () =>
    exec(
      'npx',
      ['--yes', `create-strapi@${strapiVersion}`, appDir, '--non-interactive', '--skip-cloud', '--no-run', '--no-example', '--use-npm', '--ts', '--no-git-init'],
      { env: { STRAPI_TELEMETRY_DISABLED: 'true', npm_config_yes: 'true' }, timeoutMs: 20 * MINUTE }
    )
  );
  const installedStrapi = JSON.parse(readFileSync(join(appDir, 'node_modules', '@strapi', 'strapi', 'package.json'), 'utf8')).version;
  console.log(`the new app runs @strapi/strapi ${installedStrapi}`);

  await step('npm install <tarball>', () => exec('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: appDir, timeoutMs: 10 * MINUTE }));

  await step('enable in config/plugins.ts', () => {
    console.log(`added: ${enablePlugin()}`);
  });

  await step('strapi build (admin panel)', async () => {
    await exec('npm', ['run', 'build'], { cwd: appDir, env: { NODE_ENV: 'production', STRAPI_TELEMETRY_DISABLED: 'true' }, timeoutMs: 15 * MINUTE });
    // The plugin's admin pages are in the bundle: its translations/ids appear in the built files.
    const buildDir = join(appDir, 'dist', 'build');
    const bundled = existsSync(buildDir) && readdirSync(buildDir, { recursive: true }).some((file) => String(file).endsWith('.js') && readFileSync(join(buildDir, String(file)), 'utf8').includes('identity-bridge'));
    expect(bundled, `the built admin panel (${buildDir}) does not contain the plugin`);
  });

}

async function check() {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const app = await step(`start (npm run start on ${origin})`, () => startApp(port));
  try {
    // The owner registers first, as on any new app: Strapi's register-admin only works while there is no
    // admin user at all, and the SCIM user below is one.
    const adminToken = await step('POST /admin/register-admin (the first Super Admin)', async () => {
      const registered = await http('POST', `${origin}/admin/register-admin`, {
        body: { email: 'owner@example.com', password: 'Owner-Passw0rd!', firstname: 'Owner', lastname: 'Example' },
      });
      expect(registered.status === 200 || registered.status === 201, `register-admin: ${registered.status} ${registered.text}`);
      const token = registered.json?.data?.token ?? registered.json?.data?.accessToken;
      expect(typeof token === 'string', `register-admin returned no token: ${registered.text}`);
      return token;
    });

    const email = `ada.install-${randomBytes(3).toString('hex')}@example.com`;
    const scimUser = await step('SCIM POST /api/scim/v2/Users', async () => {
      const reply = await http('POST', `${origin}/api/scim/v2/Users`, {
        token: scimToken,
        body: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: email,
          externalId: 'install-check-1',
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          emails: [{ value: email, type: 'work', primary: true }],
          active: true,
        },
      });
      expect(reply.status === 201, `expected 201, got ${reply.status}: ${reply.text}`);
      expect(typeof reply.json?.id === 'string' && reply.json.userName === email, `unexpected SCIM resource: ${reply.text}`);
      console.log(`created SCIM user ${reply.json.id}`);
      return reply.json;
    });

    await step('SCIM GET /api/scim/v2/Users/{id} and filter', async () => {
      const byId = await http('GET', `${origin}/api/scim/v2/Users/${scimUser.id}`, { token: scimToken });
      expect(byId.status === 200 && byId.json?.userName === email && byId.json?.active === true, `GET by id: ${byId.status} ${byId.text}`);
      const filter = encodeURIComponent(`userName eq "${email}"`);
      const listed = await http('GET', `${origin}/api/scim/v2/Users?filter=${filter}`, { token: scimToken });
      expect(listed.status === 200 && listed.json?.totalResults === 1 && listed.json.Resources?.[0]?.id === scimUser.id, `filter: ${listed.status} ${listed.text}`);
      const refused = await http('GET', `${origin}/api/scim/v2/Users/${scimUser.id}`, { token: `${scimToken}x` });
      expect(refused.status === 401, `a wrong token must get 401, got ${refused.status}`);
    });

    await step('admin API: the SCIM user is an admin user', async () => {
      const found = await http('GET', `${origin}/admin/users?_q=${encodeURIComponent(email)}`, { token: adminToken });
      expect(found.status === 200, `GET /admin/users: ${found.status} ${found.text}`);
      const user = (found.json?.data?.results ?? []).find((candidate) => candidate.email === email);
      expect(user, `no admin user with email ${email}: ${found.text}`);
      const roles = (user.roles ?? []).map((role) => role.code);
      expect(user.isActive === true, `the admin user is not active: ${JSON.stringify(user)}`);
      expect(user.firstname === 'Ada' && user.lastname === 'Lovelace', `names not mapped: ${JSON.stringify(user)}`);
      expect(roles.includes('strapi-author'), `expected the default role strapi-author, got ${roles.join(', ') || 'none'}`);
      console.log(`admin user #${user.id} ${user.email}: active, roles ${roles.join(', ')}`);
      const status = await http('GET', `${origin}/identity-bridge/status?hours=1`, { token: adminToken });
      expect(status.status === 200, `GET /identity-bridge/status: ${status.status} ${status.text}`);
    });
  } catch (error) {
    error.serverOutput = app.output();
    throw error;
  } finally {
    await step('stop the app', async () => {
      killGroup(app.child);
      const deadline = Date.now() + 30_000;
      while (running.has(app.child) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 200));
      expect(!running.has(app.child), 'the app did not stop within 30 s');
    });
  }
}

function printTimings() {
  console.log('\nTimings:');
  for (const [name, seconds] of timings) console.log(`  ${name.padEnd(52)} ${seconds.toFixed(1).padStart(7)} s`);
  console.log(`  ${'total'.padEnd(52)} ${((Date.now() - started) / 1000).toFixed(1).padStart(7)} s`);
}

function cleanUp() {
  for (const child of running) killGroup(child);
  if (process.env.IDENTITY_BRIDGE_INSTALL_KEEP === '1' || reusedApp) console.log(`kept ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping`);
    cleanUp();
    process.exit(130);
  });
}

try {
  await main();
  printTimings();
  console.log('\nreal install: passed');
  cleanUp();
} catch (error) {
  printTimings();
  console.error(`\nreal install: FAILED at "${error.step ?? 'set-up'}": ${error.message}`);
  if (error.serverOutput) console.error(`\n--- app output (tail)\n${tail(error.serverOutput, 60)}`);
  cleanUp();
  process.exitCode = 1;
}

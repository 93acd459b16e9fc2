#!/usr/bin/env node
/**
 * `npm run demo`: on a fresh checkout, installs what is missing, builds the plugin and the playground's
 * admin panel when their sources changed, then starts the playground Strapi app with the plugin and
 * prints the admin URL, `SCIM base URL: …` and `SCIM token: …`.
 *
 * Honours HOST (default 127.0.0.1), PORT (default 1337), DATABASE_CLIENT and DATABASE_* (SQLite by
 * default), IDENTITY_BRIDGE_SCIM_TOKEN, IDENTITY_BRIDGE_CONFIG, DEMO_ADMIN_EMAIL / DEMO_ADMIN_PASSWORD.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const playground = join(root, 'playground');

const run = (command, args, cwd = root) => {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

/** Newest modification time below a folder (ignoring dependencies and build output). */
function newest(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path)
    .filter((name) => !['node_modules', 'dist', '.tmp', 'build', '.strapi'].includes(name))
    .reduce((latest, name) => Math.max(latest, newest(join(path, name))), stats.mtimeMs);
}

if (!existsSync(join(root, 'node_modules', '.bin', 'strapi'))) {
  console.log('Installing dependencies…');
  run('node', ['scripts/install.mjs']);
}

const pluginBuilt = newest(join(root, 'dist'));
if (pluginBuilt === 0 || newest(join(root, 'server')) > pluginBuilt || newest(join(root, 'admin')) > pluginBuilt) {
  console.log('Building the plugin…');
  run('npm', ['run', 'build', '--silent']);
}

const adminBuild = join(playground, 'dist', 'build');
const appSources = Math.max(newest(join(playground, 'config')), newest(join(playground, 'src')));
if (newest(adminBuild) === 0 || newest(join(root, 'dist')) > newest(adminBuild) || appSources > newest(adminBuild)) {
  console.log('Building the admin panel (about a minute)…');
  run(join(root, 'node_modules', '.bin', 'strapi'), ['build'], playground);
}

const env = {
  ...process.env,
  HOST: process.env.HOST ?? '127.0.0.1',
  PORT: process.env.PORT ?? '1337',
  IDENTITY_BRIDGE_DEMO: '1',
  STRAPI_TELEMETRY_DISABLED: 'true',
  BROWSER: 'none',
};
const child = spawn(join(root, 'node_modules', '.bin', 'strapi'), ['start'], { cwd: playground, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));

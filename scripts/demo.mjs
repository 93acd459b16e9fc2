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
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePlaygroundBuild, ensurePluginBuild, playground, root } from './build-admin.mjs';

if (!existsSync(join(root, 'node_modules', '.bin', 'strapi'))) {
  console.log('Installing dependencies…');
  const installed = spawnSync('node', ['scripts/install.mjs'], { cwd: root, stdio: 'inherit', env: process.env });
  if (installed.status !== 0) process.exit(installed.status ?? 1);
}
if (!ensurePluginBuild() || !ensurePlaygroundBuild()) process.exit(1);

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

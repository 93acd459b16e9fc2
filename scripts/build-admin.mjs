/**
 * Builds what the playground needs to serve its admin panel, when its inputs changed: the plugin (`dist/`)
 * and the playground's own build (`playground/dist/`, admin panel included — about a minute, ~2 GB). Shared by
 * `npm run demo` and the browser tests of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const playground = join(root, 'playground');

/** Newest modification time below a path (ignoring dependencies and build output). */
export function newest(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path)
    .filter((name) => !['node_modules', 'dist', '.tmp', 'build', '.strapi'].includes(name))
    .reduce((latest, name) => Math.max(latest, newest(join(path, name))), stats.mtimeMs);
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: process.env });
  return result.status === 0;
}

/** Builds the plugin if its sources are newer than `dist/`. Returns false when the build failed. */
export function ensurePluginBuild(log = console.log) {
  const built = newest(join(root, 'dist'));
  if (built !== 0 && newest(join(root, 'server')) <= built && newest(join(root, 'admin')) <= built) return true;
  log('Building the plugin…');
  return run('npm', ['run', 'build', '--silent'], root);
}

/** Builds the playground (and its admin panel) if the plugin or the app changed since the last build. */
export function ensurePlaygroundBuild(log = console.log) {
  const adminBuild = join(playground, 'dist', 'build');
  const appSources = Math.max(newest(join(playground, 'config')), newest(join(playground, 'src')));
  const built = newest(adminBuild);
  if (built !== 0 && newest(join(root, 'dist')) <= built && appSources <= built) return true;
  log('Building the admin panel (about a minute)…');
  return run(join(root, 'node_modules', '.bin', 'strapi'), ['build'], playground);
}

#!/usr/bin/env node
/**
 * Installs the locked dependencies: `npm ci`, and when npm refuses the lock because this registry does not
 * serve some other platform's optional binaries (e.g. @swc/core-darwin-arm64, which npm ci wants listed),
 * `npm install`, which resolves the same locked versions and skips optional packages it cannot fetch.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = (args) => spawnSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' }).status;

export function installDependencies() {
  if (npm(['ci']) === 0) return 0;
  console.log('npm ci refused the lock file; installing the locked versions with npm install instead.');
  return npm(['install']);
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(installDependencies());

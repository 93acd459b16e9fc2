/**
 * A throwaway PostgreSQL server for the test run, from the Debian `postgresql` package's binaries:
 * initdb into a temporary folder, listen on 127.0.0.1 at a free port, trust authentication, and stop
 * and delete it afterwards. `halt()` and `resume()` stop and start the same server (same data folder, same
 * port) without deleting anything, for tests of a database outage. As root (CI), the server runs as the `postgres` system user, since PostgreSQL
 * refuses to run as root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function findPostgresBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * `durableCommits`: keep synchronous_commit on, so that a commit the server acknowledged survives
 * `halt('immediate')` (the default trades that away for speed: a crash may lose the last commits).
 */
export async function startPostgres({ durableCommits = false } = {}) {
  const bin = findPostgresBin();
  if (!bin) return null;
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'ib-pg-'));
  chmodSync(dir, 0o777);
  const dataDir = join(dir, 'data');
  const run = (command, args) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  const port = await freePort();
  run('initdb', ['-D', dataDir, '-U', 'strapi', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const start = () =>
    run('pg_ctl', [
      '-D', dataDir, '-l', join(dir, 'server.log'), '-w', '-t', '60',
      '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=${durableCommits ? 'on' : 'off'} -c full_page_writes=off -c max_connections=200`,
      'start',
    ]);
  start();
  return {
    url: `postgres://strapi@127.0.0.1:${port}/postgres`,
    port,
    /**
     * Stops the server, keeping its data: `fast` disconnects every session (they see 57P01 admin_shutdown)
     * after a clean checkpoint; `immediate` kills it as a crash would (recovery replays the WAL on resume).
     */
    halt(mode = 'fast') {
      run('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    },
    /** Starts the halted server again on the same data folder and port. */
    resume() {
      start();
    },
    stop() {
      try {
        // A server left halted (a test that failed between halt and resume) has nothing to stop.
        if (existsSync(join(dataDir, 'postmaster.pid'))) run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

export const postgresAvailable = () => findPostgresBin() !== null || Boolean(process.env.IDENTITY_BRIDGE_TEST_PG_URL);
export { execFileSync };

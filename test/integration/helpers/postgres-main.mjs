/**
 * A dedicated throwaway PostgreSQL server in its own process, driven over IPC by test/integration/helpers/
 * own-postgres.ts (Jest runs tests as CommonJS and cannot import scripts/postgres.mjs itself).
 * Messages: { cmd: 'halt', mode } | { cmd: 'resume' } | { cmd: 'stop' }, each answered { ok, error? }.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { startPostgres } = await import(join(dirname(fileURLToPath(import.meta.url)), '../../../scripts/postgres.mjs'));
// Durable commits: the outage tests check that every acknowledged write survives an immediate stop (a crash).
// fsync can stay off: an immediate stop kills the server processes, not the machine, so the OS keeps the WAL.
const server = await startPostgres({ durableCommits: true });
if (!server) {
  process.send({ ready: false, error: 'no PostgreSQL binaries (install the postgresql package)' });
  process.exit(1);
}
process.send({ ready: true, url: server.url, port: server.port });
process.on('message', (message) => {
  try {
    if (message.cmd === 'halt') server.halt(message.mode);
    else if (message.cmd === 'resume') server.resume();
    else if (message.cmd === 'stop') server.stop();
    process.send({ ok: true });
  } catch (error) {
    process.send({ ok: false, error: String(error?.message ?? error) });
  }
  if (message.cmd === 'stop') process.exit(0);
});
// The test process died: do not leave a server behind.
process.on('disconnect', () => {
  try {
    server.stop();
  } finally {
    process.exit(0);
  }
});

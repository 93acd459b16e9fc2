/**
 * What bench/scim.mjs and bench/content.mjs share to run the playground app under load: a PostgreSQL server when
 * asked for, a fresh database per run, and the server process (bench/server.mjs) driven over IPC.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

export async function postgresServer() {
  if (process.env.IDENTITY_BRIDGE_TEST_PG_URL) return { url: process.env.IDENTITY_BRIDGE_TEST_PG_URL, stop() {} };
  const { startPostgres } = await import(join(root, 'scripts', 'postgres.mjs'));
  const server = await startPostgres();
  if (!server) throw new Error('--db postgres: set IDENTITY_BRIDGE_TEST_PG_URL or install the postgresql package');
  return server;
}

export async function freshDatabase(workDir, pg) {
  if (!pg) return { env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: join(workDir, 'data.db') }, async drop() {} };
  const { default: pgModule } = await import('pg');
  const name = `ib_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pgModule.Client({ connectionString: pg.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pg.url);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_CLIENT: 'postgres', DATABASE_URL: url.toString() },
    async drop() {
      const client = new pgModule.Client({ connectionString: pg.url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export function startServer(env) {
  return new Promise((resolveStart, reject) => {
    const child = fork(join(here, 'server.mjs'), [], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const pending = new Map();
    let sequence = 0;
    const call = (cmd, extra = {}) =>
      new Promise((done, fail) => {
        const id = ++sequence;
        pending.set(id, { done, fail });
        child.send({ id, cmd, ...extra });
      });
    child.on('message', (message) => {
      if (message.ready) return resolveStart({ child, port: message.port, client: message.client, pluginBuild: message.pluginBuild, call });
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.ok) waiter.done(message);
      else waiter.fail(new Error(`server: ${message.error}`));
    });
    child.on('exit', (code, signal) => {
      const error = new Error(`server process exited (${code ?? signal})`);
      for (const waiter of pending.values()) waiter.fail(error);
      pending.clear();
      reject(error);
    });
  });
}

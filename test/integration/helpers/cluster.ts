/**
 * Several Strapi instances of the playground app, each in its own process, on one PostgreSQL database — what a
 * company runs behind a load balancer. Tests send requests to the instances in turn, kill one with SIGKILL and
 * restart it on the same port.
 *
 * Instances boot one after another: the first creates the schema, so two schema syncs never race.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_TEST_TOKEN, freshPostgresDatabase } from './app';

export interface Instance {
  origin: string;
  scimUrl: string;
  /** The running process (replaced by `restart`). */
  process(): ChildProcess;
  /** False between `kill` and the end of `restart` (what a load balancer's health check would see). */
  alive(): boolean;
  /** SIGKILL: no shutdown, no flush — a crash. */
  kill(): Promise<void>;
  /** Starts the instance again on the same port. */
  restart(): Promise<void>;
}

export interface Cluster {
  instances: Instance[];
  /** A PostgreSQL URL, or `sqlite:<file>` for a single instance on SQLite. */
  databaseUrl: string;
  scimToken: string;
  /** Everything the instances wrote to stdout and stderr so far (when started with `captureOutput`). */
  output(): string;
  close(): Promise<void>;
}

export const usesPostgres = () => process.env.DATABASE_CLIENT === 'postgres';

const MAIN = resolve(__dirname, 'instance-main.js');

function spawnInstance(env: NodeJS.ProcessEnv, port: number, capture?: (text: string) => void): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((done, fail) => {
    const stdio = capture ? 'pipe' : 'inherit';
    const child = fork(MAIN, [], { env: { ...env, IB_INSTANCE_PORT: String(port) }, stdio: ['ignore', stdio, stdio, 'ipc'] });
    if (capture) {
      child.stdout?.on('data', (chunk: Buffer) => capture(chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => capture(chunk.toString('utf8')));
    }
    const onExit = (code: number | null) => fail(new Error(`a Strapi instance exited during boot (code ${code})`));
    child.once('exit', onExit);
    child.once('message', (message: { ready: boolean; port?: number; error?: string }) => {
      child.off('exit', onExit);
      if (message.ready && message.port) done({ child, port: message.port });
      else fail(new Error(`a Strapi instance failed to boot: ${message.error}`));
    });
  });
}

export interface ClusterOptions {
  size?: number;
  pluginConfig?: Record<string, unknown>;
  env?: Record<string, string>;
  /** Keep the instances' stdout and stderr (instead of passing them through) for `output()`. */
  captureOutput?: boolean;
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  // One instance in its own process may also run on SQLite (e.g. to capture its output); several need PostgreSQL.
  const sqlite = !usesPostgres() && (options.size ?? 2) === 1;
  if (!sqlite && !process.env.IDENTITY_BRIDGE_TEST_PG_URL) {
    throw new Error('a cluster needs PostgreSQL: set DATABASE_CLIENT=postgres and IDENTITY_BRIDGE_TEST_PG_URL (npm test does)');
  }
  const workDir = mkdtempSync(join(tmpdir(), 'ib-cluster-'));
  const configFile = join(workDir, 'identity-bridge.json');
  writeFileSync(configFile, JSON.stringify({ tokens: [{ name: 'Test token', secret: DEFAULT_TEST_TOKEN }], ...options.pluginConfig }));
  const sqliteFile = join(workDir, 'data.db');
  const database = sqlite ? { url: `sqlite:${sqliteFile}`, drop: async () => undefined } : await freshPostgresDatabase('ib_cluster');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(sqlite ? { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: sqliteFile } : { DATABASE_CLIENT: 'postgres', DATABASE_URL: database.url }),
    IDENTITY_BRIDGE_CONFIG: configFile,
    IDENTITY_BRIDGE_SCIM_TOKEN: '',
    IDENTITY_BRIDGE_DEMO: '',
    ...options.env,
  };

  const instances: Instance[] = [];
  const children: ChildProcess[] = [];
  const captured: string[] = [];
  const capture = options.captureOutput ? (text: string) => void captured.push(text) : undefined;
  try {
    for (let index = 0; index < (options.size ?? 2); index += 1) {
      let { child, port } = await spawnInstance(env, 0, capture);
      children[index] = child;
      let up = true;
      const origin = `http://127.0.0.1:${port}`;
      instances.push({
        origin,
        scimUrl: `${origin}/api/scim/v2`,
        process: () => children[index]!,
        alive: () => up,
        async kill() {
          const current = children[index]!;
          up = false;
          if (current.exitCode !== null || current.signalCode !== null) return;
          await new Promise<void>((done) => {
            current.once('exit', () => done());
            current.kill('SIGKILL');
          });
        },
        async restart() {
          ({ child } = await spawnInstance(env, port, capture));
          children[index] = child;
          up = true;
        },
      });
    }
  } catch (error) {
    for (const child of children) child?.kill('SIGKILL');
    await database.drop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }

  return {
    instances,
    databaseUrl: database.url,
    scimToken: DEFAULT_TEST_TOKEN,
    output: () => captured.join(''),
    async close() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((done) => {
              if (!child || child.exitCode !== null || child.signalCode !== null) return done();
              const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
              child.once('exit', () => {
                clearTimeout(timer);
                done();
              });
              child.send({ cmd: 'stop' });
            })
        )
      );
      await database.drop().catch(() => undefined);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

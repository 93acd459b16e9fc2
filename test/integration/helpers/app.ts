/**
 * Boots the real playground Strapi app (from ../../../playground, plugin loaded from this repository's
 * build) on a fresh database: a new SQLite file, or a new PostgreSQL database on the test server when
 * DATABASE_CLIENT=postgres. Listens on 127.0.0.1 at a free port.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';

const appDir = resolve(__dirname, '../../../playground');

export interface TestApp {
  strapi: any;
  origin: string;
  scimUrl: string;
  /** A SCIM token of the default directory, declared in the plugin config. */
  scimToken: string;
  close(): Promise<void>;
}

export interface BootOptions {
  /** Merged into the plugin config (as the demo's IDENTITY_BRIDGE_CONFIG file would be). */
  pluginConfig?: Record<string, unknown>;
  /** Extra environment for this boot (e.g. IDENTITY_BRIDGE_DEMO). */
  env?: Record<string, string>;
  /**
   * Serve the built admin panel (browser tests): the app then runs from `playground/dist`, which
   * `strapi build` fills (scripts/build-admin.mjs builds it when stale).
   */
  adminPanel?: boolean;
}

/** A throwaway database on the PostgreSQL test server (`IDENTITY_BRIDGE_TEST_PG_URL`), dropped by `drop()`. */
export async function freshPostgresDatabase(prefix = 'ib_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.IDENTITY_BRIDGE_TEST_PG_URL;
  if (!serverUrl) throw new Error('DATABASE_CLIENT=postgres needs IDENTITY_BRIDGE_TEST_PG_URL (npm test sets it)');
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export const DEFAULT_TEST_TOKEN = `test-token-${'x'.repeat(32)}`;

export async function bootApp(options: BootOptions = {}): Promise<TestApp> {
  const workDir = mkdtempSync(join(tmpdir(), 'ib-app-'));
  const client = process.env.DATABASE_CLIENT === 'postgres' ? 'postgres' : 'sqlite';
  const database = client === 'postgres' ? await freshPostgresDatabase() : null;

  const pluginConfig = {
    tokens: [{ name: 'Test token', secret: DEFAULT_TEST_TOKEN }],
    ...options.pluginConfig,
  };
  const configFile = join(workDir, 'identity-bridge.json');
  writeFileSync(configFile, JSON.stringify(pluginConfig));

  Object.assign(process.env, {
    NODE_ENV: 'test',
    STRAPI_TELEMETRY_DISABLED: 'true',
    STRAPI_LOG_LEVEL: process.env.IB_TEST_LOG_LEVEL ?? 'error',
    BROWSER: 'none',
    IDENTITY_BRIDGE_CONFIG: configFile,
    DATABASE_FILENAME: join(workDir, 'data.db'),
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
  delete process.env.IDENTITY_BRIDGE_SCIM_TOKEN;
  delete process.env.IDENTITY_BRIDGE_DEMO;
  Object.assign(process.env, options.env);

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi');
  const distDir = options.adminPanel ? join(appDir, 'dist') : appDir;
  const instance = createStrapi({ appDir, distDir, autoReload: false, serveAdminPanel: Boolean(options.adminPanel) });
  let strapi: any;
  try {
    strapi = await instance.load();
  } catch (error) {
    // A boot that fails (on purpose, in some tests) must not leave its database and connections behind.
    await instance.destroy().catch(() => undefined);
    await database?.drop().catch(() => undefined);
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  await new Promise<void>((done) => strapi.server.listen(0, '127.0.0.1', () => done()));
  const { port } = strapi.server.httpServer.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    strapi,
    origin,
    scimUrl: `${origin}/api/scim/v2`,
    scimToken: DEFAULT_TEST_TOKEN,
    async close() {
      await strapi.destroy();
      await database?.drop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/**
 * One Strapi instance of the playground app in its own process, for tests that need several instances on one
 * database (test/integration/helpers/cluster.ts forks this file). Everything comes from the environment the
 * parent sets: IDENTITY_BRIDGE_CONFIG, DATABASE_CLIENT, DATABASE_URL or DATABASE_FILENAME, IB_INSTANCE_PORT.
 * Tells the parent `{ ready: true, port }` over IPC once it listens; `{ cmd: 'stop' }` shuts it down cleanly.
 */
const { resolve } = require('node:path');

const appDir = resolve(__dirname, '../../../playground');

Object.assign(process.env, {
  NODE_ENV: 'test',
  STRAPI_TELEMETRY_DISABLED: 'true',
  STRAPI_LOG_LEVEL: process.env.IB_TEST_LOG_LEVEL || 'error',
  BROWSER: 'none',
});

async function main() {
  const { createStrapi } = require('@strapi/strapi');
  const strapi = await createStrapi({ appDir, distDir: appDir, autoReload: false, serveAdminPanel: false }).load();
  const port = Number(process.env.IB_INSTANCE_PORT || 0);
  await new Promise((done) => strapi.server.listen(port, '127.0.0.1', done));
  process.send({ ready: true, port: strapi.server.httpServer.address().port });
  process.on('message', async (message) => {
    if (message && message.cmd === 'stop') {
      await strapi.destroy().catch(() => undefined);
      process.exit(0);
    }
  });
}

main().catch((error) => {
  process.send?.({ ready: false, error: String(error && error.stack ? error.stack : error) });
  process.exit(1);
});

'use strict';

/**
 * Playground lifecycle. With IDENTITY_BRIDGE_DEMO=1 (set by `npm run demo`) it makes a fresh checkout
 * usable at once: a first Super Admin if none exists, a SCIM token, and the lines an IdP set-up needs (the
 * SCIM base URL and token; each SSO connection's sign-in, redirect or ACS, and metadata URLs).
 */
const DEMO_ADMIN = {
  email: process.env.DEMO_ADMIN_EMAIL || 'admin@example.com',
  password: process.env.DEMO_ADMIN_PASSWORD || 'Admin-Passw0rd!',
  firstname: 'Demo',
  lastname: 'Admin',
};

async function ensureSuperAdmin(strapi) {
  const users = strapi.service('admin::user');
  if (await users.exists()) return null;
  const superAdminRole = await strapi.service('admin::role').getSuperAdmin();
  await users.create({ ...DEMO_ADMIN, isActive: true, registrationToken: null, roles: [superAdminRole.id] });
  return DEMO_ADMIN;
}

async function demoToken(strapi) {
  const fixed = process.env.IDENTITY_BRIDGE_SCIM_TOKEN;
  if (fixed) return fixed; // registered by the plugin from its config at bootstrap
  const tokens = strapi.plugin('identity-bridge').service('admin');
  const directory = await tokens.defaultDirectory();
  const { secret } = await tokens.createToken({ name: `Demo ${new Date().toISOString()}`, directoryId: directory.id });
  return secret;
}

module.exports = {
  register() {},

  async bootstrap({ strapi }) {
    if (process.env.IDENTITY_BRIDGE_DEMO !== '1') return;
    const createdAdmin = await ensureSuperAdmin(strapi);
    const token = await demoToken(strapi);
    const scimPath = strapi.plugin('identity-bridge').service('admin').scimBasePath();
    const connections = await strapi.plugin('identity-bridge').service('sso').listConnections();

    strapi.server.httpServer.once('listening', () => {
      const address = strapi.server.httpServer.address();
      const configuredHost = strapi.config.get('server.host');
      const host = !configuredHost || configuredHost === '0.0.0.0' || configuredHost === '::' ? '127.0.0.1' : configuredHost;
      const port = typeof address === 'object' && address ? address.port : strapi.config.get('server.port');
      const lines = [];
      if (createdAdmin) {
        lines.push(`Admin panel: http://${host}:${port}/admin (${createdAdmin.email} / ${createdAdmin.password})`);
      } else {
        lines.push(`Admin panel: http://${host}:${port}/admin`);
      }
      lines.push(`SCIM base URL: http://${host}:${port}${scimPath}`);
      lines.push(`SCIM token: ${token}`);
      // Each SSO connection's fixed URLs, as an IdP set-up asks for them.
      const base = `http://${host}:${port}/api/sso`;
      for (const connection of connections) {
        const at = (step) => `${base}/${connection.id}/${step}`;
        const urls =
          connection.type === 'saml'
            ? `sign-in ${at('login')}  ACS ${at('acs')}  SP metadata ${at('metadata')}`
            : `sign-in ${at('login')}  redirect URI ${at('callback')}`;
        lines.push(`SSO ${connection.id} (${connection.type}${connection.enabled ? '' : ', disabled'}): ${urls}`);
      }
      process.stdout.write(`\n${lines.join('\n')}\n\n`);
    });
  },
};

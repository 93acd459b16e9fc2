/**
 * strapi-plugin-identity-bridge — server entry.
 *
 * register: mounts the SCIM API ahead of Strapi's middleware stack.
 * bootstrap: registers RBAC actions, the default and declared directories, declared tokens, and the
 * provisioning-log retention job.
 */
import config, { PLUGIN_ID } from './config';
import contentTypes from './content-types';
import controllers from './controllers';
import routes from './routes';
import services from './services';
import { registerActions } from './permissions';
import { registerAccessConditions } from './access/conditions';
import { registerMediaLibraryScope } from './access/media-library-scope';
import { pluginContext } from './plugin-context';
import { registerAdminEmailIndex } from './strapi/admin-users';
import { guardPasswordRoutes } from './strapi/admin-session';
import { createScimMiddleware } from './scim-http';
import { createAcsMiddleware } from './sso/acs-body';
import type { Strapi } from './strapi/types';

const RETENTION_SWEEP_MS = 6 * 60 * 60 * 1000;
const sweeps = new WeakMap<object, NodeJS.Timeout>();

async function registerDeclaredTokens(strapi: Strapi) {
  const { config: pluginConfig, store } = pluginContext(strapi);
  const fallback = await store.directories.ensureDefault();
  for (const declared of pluginConfig.directories) await store.directories.ensureNamed(declared.name, declared.description);
  for (const declared of pluginConfig.tokens) {
    const directory = declared.directory ? await store.directories.ensureNamed(declared.directory) : fallback;
    await store.tokens.registerSecret({
      name: declared.name,
      description: declared.description ?? 'Declared in the plugin configuration.',
      directoryId: directory.id,
      secret: declared.secret,
      source: 'config',
    });
  }
}

/**
 * Rules declared in configuration were checked for shape at register; now that the database is up, check
 * that the roles they grant exist — failing closed, as a typo in a role code would silently grant nothing.
 */
async function checkDeclaredMapping(strapi: Strapi) {
  const { config: pluginConfig } = pluginContext(strapi);
  if (!pluginConfig.mapping) return;
  const admin = strapi.plugin(PLUGIN_ID).service('admin') as { validateMapping(input: unknown): Promise<unknown> };
  try {
    await admin.validateMapping(pluginConfig.mapping);
  } catch (error) {
    throw new Error(`[${PLUGIN_ID}] invalid mapping in the plugin configuration — ${(error as Error).message}`);
  }
}

async function pruneProvisioningLog(strapi: Strapi) {
  const admin = strapi.plugin(PLUGIN_ID).service('admin') as { pruneProvisioningLog(): Promise<number> };
  const removed = await admin.pruneProvisioningLog();
  if (removed > 0) strapi.log.info(`[${PLUGIN_ID}] pruned ${removed} provisioning-log entries past their retention`);
}

export default {
  register({ strapi }: { strapi: Strapi }) {
    registerAdminEmailIndex(strapi);
    const context = pluginContext(strapi);
    registerMediaLibraryScope(strapi, context.access);
    strapi.server.use(
      createScimMiddleware({
        strapi,
        store: context.store,
        deps: { users: context.users, groups: context.groups, config: context.config.scim },
        basePath: context.config.scim.basePath,
      })
    );
    // The SAML ACS reads its own size-capped body ahead of Strapi's body parser (see sso/acs-body.ts).
    strapi.server.use(createAcsMiddleware(strapi, () => pluginContext(strapi).sso.connections));
    // Login method policy: SSO-only admin users cannot use Strapi's password routes.
    guardPasswordRoutes(strapi, (ctx, next, route) => context.sso.guardPasswordRoute(ctx, next, route));
  },

  async bootstrap({ strapi }: { strapi: Strapi }) {
    await registerActions(strapi);
    await registerAccessConditions(strapi, pluginContext(strapi).access);
    await registerDeclaredTokens(strapi);
    await checkDeclaredMapping(strapi);
    pluginContext(strapi).remapWorker.start();
    await pruneProvisioningLog(strapi);
    await pluginContext(strapi).superAdminWatch.check();
    try {
      await pluginContext(strapi).sso.checkDeclaredLoginPolicy();
    } catch (error) {
      throw new Error(`[${PLUGIN_ID}] invalid plugin configuration — ${(error as Error).message}`);
    }
    await pluginContext(strapi).sso.ssoStore.loginStates.prune();
    const timer = setInterval(() => {
      pruneProvisioningLog(strapi).catch((error: Error) => strapi.log.warn(`[${PLUGIN_ID}] log pruning failed: ${error.message}`));
      // Sign-ins started and never finished (expired states are refused anyway; this only frees the rows).
      pluginContext(strapi)
        .sso.ssoStore.loginStates.prune()
        .catch((error: Error) => strapi.log.warn(`[${PLUGIN_ID}] SSO state pruning failed: ${error.message}`));
    }, RETENTION_SWEEP_MS);
    timer.unref();
    sweeps.set(strapi, timer);
  },

  async destroy({ strapi }: { strapi: Strapi }) {
    const timer = sweeps.get(strapi);
    if (timer) clearInterval(timer);
    await pluginContext(strapi).remapWorker.stop();
  },

  config,
  contentTypes,
  controllers,
  routes,
  services,
  policies: {},
  middlewares: {},
};

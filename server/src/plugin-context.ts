/**
 * Wires the plugin's parts together once per Strapi instance: storage, the admin-user binding and the
 * provisioning services. Everything downstream receives what it needs explicitly.
 */
import { readConfig, PLUGIN_ID, type PluginConfig } from './config';
import { createDirectoryStore, type DirectoryStore } from './directory';
import { createGroupProvisioning } from './provisioning/groups';
import { createUserProvisioning } from './provisioning/users';
import { createAdminUsersAdapter } from './strapi/admin-users';
import type { Strapi } from './strapi/types';
import { createAdminUserBinding } from './sync/admin-user-binding';

export function createPluginContext(strapi: Strapi) {
  const config: PluginConfig = readConfig(strapi.config.get(`plugin::${PLUGIN_ID}`));
  const store: DirectoryStore = createDirectoryStore(strapi);
  const adminUsers = createAdminUsersAdapter(strapi);
  const binding = createAdminUserBinding(adminUsers, {
    defaultRole: config.scim.defaultRole,
    async boundElsewhere(adminUserId) {
      const identity = await store.identities.findByAdminUserId(adminUserId);
      if (!identity) return null;
      const directory = await store.directories.findById(identity.directoryId);
      return { directoryName: directory?.name ?? `#${identity.directoryId}`, userName: identity.userName };
    },
  });
  return {
    config,
    store,
    adminUsers,
    users: createUserProvisioning(strapi, store, binding, config.scim),
    groups: createGroupProvisioning(strapi, store, config.scim),
  };
}

export type PluginContext = ReturnType<typeof createPluginContext>;

const contexts = new WeakMap<object, PluginContext>();

/** The context of this Strapi instance (tests boot several instances in one process). */
export function pluginContext(strapi: Strapi): PluginContext {
  let context = contexts.get(strapi);
  if (!context) {
    context = createPluginContext(strapi);
    contexts.set(strapi, context);
  }
  return context;
}

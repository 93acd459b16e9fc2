/**
 * Wires the plugin's parts together once per Strapi instance: storage, the admin-user binding and the
 * provisioning services. Everything downstream receives what it needs explicitly.
 */
import { readConfig, PLUGIN_ID, type PluginConfig } from './config';
import { createDirectoryStore, type DirectoryStore } from './directory';
import { createGroupProvisioning } from './provisioning/groups';
import { createUserProvisioning } from './provisioning/users';
import { createAdminUsersAdapter } from './strapi/admin-users';
import { createSuperAdminWatch } from './strapi/super-admin-watch';
import type { Strapi } from './strapi/types';
import { createAdminUserBinding } from './sync/admin-user-binding';
import { createMappingRules, validateMappingSettings } from './sync/mapping-rules';
import { createReconciler } from './sync/reconcile';
import { createMediaFolders } from './sync/media-folders';
import { createAccessConditions } from './access/conditions';
import { createDeprovisionGuard } from './sync/deprovision-guard';
import { createRemapWorker, SYNCHRONOUS_REMAP_LIMIT } from './sync/remap-worker';
import type { ActiveMapping } from './sync/mapping-rules';
import { createStrapiInvitations, ssoInvitationUrl } from './lifecycle';
import { createSso } from './sso';

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
  // Declared mapping rules fail closed: a broken rule stops Strapi at start-up instead of mis-assigning roles.
  const fromConfig = config.mapping ? validateMappingSettings(config.mapping) : undefined;
  const rules = createMappingRules(store, { ...(fromConfig ? { fromConfig } : {}), defaultRole: config.scim.defaultRole });
  const access = createAccessConditions(strapi, store, rules);
  const guard = createDeprovisionGuard(store, config.deprovisionSafety);
  const reconciler = createReconciler(store, binding, {
    guard,
    // New folders must be visible to the access condition at once, not after its cache expires.
    mediaFolders: createMediaFolders(strapi, () => access.forgetFolders()),
    onReconciled: (adminUserId) => access.forget(adminUserId),
  });
  const remapWorker = createRemapWorker(strapi, store, rules, reconciler);
  const sso = createSso(strapi, { config, store, adminUsers, binding, rules });
  const invitations = createStrapiInvitations(strapi, {
    config: config.invitations,
    adminUsers,
    // With an SSO connection, invitations carry its sign-in link instead of Strapi's registration link.
    ssoLoginUrl: async () =>
      ssoInvitationUrl({
        publicUrl: publicUrlOf(strapi),
        enabledConnections: (await sso.connections.list()).filter((connection) => connection.enabled).map((connection) => connection.id),
        ...(config.invitations.ssoConnection ? { preferred: config.invitations.ssoConnection } : {}),
      }),
  });
  const superAdminWatch = createSuperAdminWatch(strapi);
  const groupsMatter = async () => rulesReadGroups(await rules.current());
  const membershipEffects = {
    async mark(identityIds: number[]) {
      if (identityIds.length > 0 && (await groupsMatter())) await store.identities.markStale(identityIds);
    },
    async process(identityIds: number[]) {
      if (identityIds.length === 0 || !(await groupsMatter())) return;
      if (identityIds.length <= SYNCHRONOUS_REMAP_LIMIT) await remapWorker.remapNow(identityIds);
      else void remapWorker.kick();
    },
  };
  return {
    config,
    store,
    adminUsers,
    rules,
    reconciler,
    users: createUserProvisioning({
      strapi,
      store,
      guard,
      rules,
      reconciler,
      binding,
      config: config.scim,
      invite: invitations.inviteAdminUser,
      afterCreate: superAdminWatch.afterCreate,
    }),
    groups: createGroupProvisioning(strapi, store, config.scim, membershipEffects),
    remapWorker,
    superAdminWatch,
    access,
    invitations,
    /** Single sign-on (OIDC; SAML plugs into the same core). */
    sso,
  };
}

/**
 * Where people's browsers reach Strapi: `server.url` when it is absolute (behind a proxy it must be), else the
 * origin of `admin.absoluteUrl`.
 */
function publicUrlOf(strapi: Strapi): string {
  const configured = String(strapi.config.get('server.url') ?? '');
  if (/^https?:\/\//.test(configured)) return configured;
  try {
    return new URL(String(strapi.config.get('admin.absoluteUrl') ?? '')).origin;
  } catch {
    return '';
  }
}

/** Whether any role rule looks at group membership (otherwise group changes cannot change anyone's roles). */
const rulesReadGroups = (mapping: ActiveMapping): boolean =>
  mapping.policy.roleRules.some((rule) => rule.when.some((condition) => condition.source.type === 'group'));

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

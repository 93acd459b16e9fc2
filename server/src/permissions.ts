/** The plugin's own RBAC actions, registered with Strapi so roles can be granted them. */
import { PLUGIN_ID } from './config';
import type { Strapi } from './strapi/types';

export const ACTIONS = {
  read: `plugin::${PLUGIN_ID}.read`,
  update: `plugin::${PLUGIN_ID}.update`,
} as const;

export async function registerActions(strapi: Strapi) {
  const actionProvider = (strapi as unknown as {
    admin: { services: { permission: { actionProvider: { registerMany(actions: unknown[]): Promise<void> } } } };
  }).admin.services.permission.actionProvider;
  await actionProvider.registerMany([
    { section: 'plugins', displayName: 'Read provisioning, tokens and logs', uid: 'read', pluginName: PLUGIN_ID },
    { section: 'plugins', displayName: 'Manage directories and tokens', uid: 'update', pluginName: PLUGIN_ID },
  ]);
}

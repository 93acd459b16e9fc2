/** The plugin's RBAC actions (server/src/permissions.ts), as the admin panel checks them. */
import { PLUGIN_ID } from './pluginId';

export const PERMISSIONS = {
  read: [{ action: `plugin::${PLUGIN_ID}.read`, subject: null }],
  update: [{ action: `plugin::${PLUGIN_ID}.update`, subject: null }],
};

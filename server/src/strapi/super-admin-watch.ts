/**
 * Strapi offers its "create the first administrator" page only while there is no admin user at all, and
 * SCIM-provisioned people count. An identity provider that provisions into a new app before anyone registered
 * leaves it with admin users and no Super Admin, and the page then refuses ("You cannot register a new super
 * admin"). Nothing in the panel can fix that, so the server log says how, at boot and after SCIM creates.
 */
import type { Strapi } from './types';
import { SUPER_ADMIN_CODE } from './admin-users';

/** After a warning, the next look waits this long (a create is the hottest write). */
const RECHECK_MS = 60_000;

export const NO_SUPER_ADMIN_WARNING =
  '[identity-bridge] there are admin users but no Super Admin, and Strapi opens its "create the first administrator" ' +
  'page only while there is no admin user at all (people provisioned through SCIM count). Create a Super Admin with ' +
  '`npx strapi admin:create-user --email=… --firstname=… --lastname=… --password=…` in the app folder.';

export function createSuperAdminWatch(strapi: Strapi) {
  let superAdminSeen = false;
  let lastWarning = Number.NEGATIVE_INFINITY;

  /** Warns when admin users exist and none is a Super Admin; stops looking once one is seen. */
  async function check(now = Date.now()): Promise<void> {
    if (superAdminSeen || now - lastWarning < RECHECK_MS) return;
    const users = strapi.db.query('admin::user');
    if ((await users.count({ where: { roles: { code: SUPER_ADMIN_CODE } } })) > 0) {
      superAdminSeen = true;
      return;
    }
    // No admin user at all (a new app) is fine, and lasts until the first create: only a warning starts the wait.
    if ((await users.count({})) === 0) return;
    lastWarning = now;
    strapi.log.warn(NO_SUPER_ADMIN_WARNING);
  }

  return {
    check,
    /** For the create path: never throws, never delays the answer. */
    afterCreate(): void {
      if (superAdminSeen) return;
      check().catch((error: Error) => strapi.log.warn(`[identity-bridge] Super Admin check failed: ${error.message}`));
    },
  };
}

export type SuperAdminWatch = ReturnType<typeof createSuperAdminWatch>;

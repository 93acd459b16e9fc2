/**
 * The one module that touches Strapi's admin internals (admin users, roles and sessions).
 *
 * Strapi changed its admin token/session API twice in 2025 (5.24 replaced `token.createJwtToken` with the
 * session manager); every such call lives here so an upgrade is a change to one file.
 */
import type { AdminRole, AdminUser, Strapi } from './types';

export const SUPER_ADMIN_CODE = 'strapi-super-admin';
const ADMIN_USER_UID = 'admin::user';
const ADMIN_ROLE_UID = 'admin::role';
const ROLE_CACHE_MS = 5_000;

/**
 * Strapi declares `admin::user.email` unique but creates no index for it, so every look-up by email
 * scans the admin users. Provisioning looks admin users up by email on every create; with 100k people
 * that scan dominates. This adds the index to Strapi's model during `register`, before the schema sync,
 * so Strapi itself creates and owns it. (Strapi's own login benefits too.)
 */
export function registerAdminEmailIndex(strapi: Strapi): void {
  const contentType = strapi.contentType(ADMIN_USER_UID as never) as unknown as { indexes?: { name: string; columns: string[] }[] } | undefined;
  if (!contentType) return;
  const indexes = contentType.indexes ?? [];
  if (indexes.some((index) => index.name === 'ib_admin_users_email_idx')) return;
  contentType.indexes = [...indexes, { name: 'ib_admin_users_email_idx', columns: ['email'] }];
}

export interface AdminUserAttributes {
  email: string;
  firstname: string | null;
  lastname: string | null;
  isActive: boolean;
}

export const isSuperAdmin = (user: Pick<AdminUser, 'roles'>): boolean =>
  (user.roles ?? []).some((role) => role.code === SUPER_ADMIN_CODE);

export function createAdminUsersAdapter(strapi: Strapi) {
  const userService = () => strapi.service('admin::user') as unknown as {
    create(attributes: Record<string, unknown>): Promise<AdminUser>;
    updateById(id: number, attributes: Record<string, unknown>): Promise<AdminUser>;
    deleteById(id: number): Promise<AdminUser | null>;
  };

  const findById = (id: number): Promise<AdminUser | null> =>
    strapi.db.query(ADMIN_USER_UID).findOne({ where: { id }, populate: ['roles'] }) as Promise<AdminUser | null>;

  /**
   * Admin emails are stored lower-case (Strapi's admin API lower-cases them, and so do we), so an exact
   * match on the lower-cased address finds them through the email index registered below — a
   * case-insensitive `$eqi` would scan every admin user on each provisioning request.
   */
  const findByEmail = (email: string): Promise<AdminUser | null> =>
    strapi.db
      .query(ADMIN_USER_UID)
      .findOne({ where: { email: email.toLowerCase() }, populate: ['roles'] }) as Promise<AdminUser | null>;

  /** Roles change rarely and are looked up on every create: keep them for a few seconds. */
  const roleCache = new Map<string, { role: AdminRole | null; until: number }>();
  const findRole = async (codeOrName: string): Promise<AdminRole | null> => {
    const cached = roleCache.get(codeOrName);
    if (cached && cached.until > Date.now()) return cached.role;
    const role = ((await strapi.db.query(ADMIN_ROLE_UID).findOne({ where: { code: codeOrName } })) ??
      (await strapi.db.query(ADMIN_ROLE_UID).findOne({ where: { name: codeOrName } }))) as AdminRole | null;
    roleCache.set(codeOrName, { role, until: Date.now() + ROLE_CACHE_MS });
    return role;
  };

  const countActiveSuperAdmins = async (): Promise<number> =>
    strapi.db.query(ADMIN_USER_UID).count({ where: { isActive: true, roles: { code: SUPER_ADMIN_CODE } } });

  /**
   * Revokes every admin session of the user. Strapi checks `isActive` on each request, but refresh tokens
   * stay valid until revoked, so deactivation must do both.
   */
  const revokeSessions = async (userId: number): Promise<void> => {
    const manager = (strapi as unknown as { sessionManager?: SessionManager }).sessionManager;
    if (manager && (!manager.hasOrigin || manager.hasOrigin('admin'))) {
      await manager('admin').invalidateRefreshToken(String(userId));
    }
  };

  return {
    findById,
    findByEmail,
    findRole,
    countActiveSuperAdmins,
    revokeSessions,
    /** Creates an admin user without a password: they sign in through SSO or the registration link. */
    create: (attributes: AdminUserAttributes & { roles: number[] }) => userService().create({ ...attributes }),
    update: (id: number, attributes: Partial<AdminUserAttributes> & { roles?: number[] }) =>
      userService().updateById(id, attributes),
    delete: (id: number) => userService().deleteById(id),
  };
}

interface SessionManager {
  (origin: string): { invalidateRefreshToken(userId: string, deviceId?: string): Promise<void> };
  hasOrigin?: (origin: string) => boolean;
}

export type AdminUsersAdapter = ReturnType<typeof createAdminUsersAdapter>;

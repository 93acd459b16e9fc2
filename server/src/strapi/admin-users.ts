/**
 * The one module that touches Strapi's admin internals (admin users, roles and sessions).
 *
 * Strapi changed its admin token/session API twice in 2025 (5.24 replaced `token.createJwtToken` with the
 * session manager); every such call lives here so an upgrade is a change to one file.
 */
import { insertRows } from './insert-rows';
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
    updateById(id: number, attributes: Record<string, unknown>): Promise<AdminUser>;
    deleteById(id: number): Promise<AdminUser | null>;
  };

  const tokenService = () => strapi.service('admin::token') as unknown as { createToken(): string };

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

  /**
   * Creates an admin user without a password (they sign in through SSO or the registration link) and
   * returns its id. It writes what Strapi's `admin::user` service `create` writes — the row with a
   * registration token, its role links — and emits the same `user.create` event, but not through that
   * service, for two measured reasons (bench/RESULTS.md):
   * - Strapi's `afterCreate` hook on admin users only collects telemetry, and it does so by reading the
   *   language of every admin user (79 ms at 100k users, on every create). A plain insert (`insertRows`)
   *   runs no lifecycle hook; that telemetry (languages in use, user count) is all that is skipped.
   * - Linking a role through the query engine reads `max(user_ord)` over every user of that role (18 ms at
   *   100k, no index covers it). The link's `user_ord` is the new user's id instead: ids only grow and every
   *   order value Strapi assigns is at most its user's id, so the new user still sorts last, as with max + 1.
   */
  async function createAdminUser(attributes: AdminUserAttributes & { roles: number[] }): Promise<AdminUser> {
    const registrationToken = tokenService().createToken();
    const { roles: roleIds, ...profile } = attributes;
    const [id] = await insertRows(strapi, ADMIN_USER_UID, [{ ...profile, username: null, registrationToken }]);
    if (id === undefined || !Number.isInteger(id)) throw new Error('identity-bridge: the database returned no id for a new admin user');
    if (roleIds.length > 0) await insertRows(strapi, rolesJoinTable().name, roleLinkRows(id, roleIds, 1));
    const roles = (await Promise.all(attributes.roles.map((roleId) => findRoleById(roleId)))).flatMap((role) => (role ? [role] : []));
    const user: AdminUser = { id, ...attributes, username: null, blocked: false, registrationToken, roles };
    const { registrationToken: _secret, ...publicUser } = user;
    strapi.eventHub.emit('user.create', { user: publicUser });
    return user;
  }

  /**
   * Gives a user exactly `roleIds`, by writing that user's own role links — not through the query engine's
   * relation update, which after any change renumbers `user_ord` over every user of each role concerned
   * (`UPDATE admin_users_roles_lnk … row_number() over (partition by role_id)`): a write of every link row
   * of the role for each person whose roles change (100k rows per change at 100k users in one role), and a
   * lock on all of them, so two instances changing roles of different people deadlocked (bench/cluster-sync.mjs
   * --kill, PostgreSQL log). New links get `user_ord` = the user's id, as in createAdminUser (it sorts last);
   * removed links leave a gap in `user_ord`, which orders as before.
   *
   * Strapi's own rule is kept: the last user with the Super Admin role does not lose it. Emits `user.update`
   * as Strapi's updateById does.
   */
  async function replaceRoles(userId: number, roleIds: number[]): Promise<void> {
    const links = rolesJoinTable();
    const user = links.joinColumn.name;
    const role = links.inverseJoinColumn.name;
    const wanted = [...new Set(roleIds)];
    await strapi.db.transaction(async ({ trx }: { trx: any }) => {
      const current = (await trx(links.name).select(role, ...(links.orderColumnName ? [links.orderColumnName] : [])).where(user, userId)) as Record<string, number>[];
      const have = new Set(current.map((row) => Number(row[role])));
      const removed = [...have].filter((id) => !wanted.includes(id));
      const added = wanted.filter((id) => !have.has(id));
      if (removed.length === 0 && added.length === 0) return;
      const superAdmin = await findRole(SUPER_ADMIN_CODE);
      if (superAdmin && removed.includes(superAdmin.id)) {
        const holders = (await trx(links.name).count({ n: '*' }).where(role, superAdmin.id)) as { n: number | string }[];
        if (Number(holders[0]?.n ?? 0) <= 1) throw new Error('You must have at least one user with super admin role.');
      }
      if (removed.length > 0) await trx(links.name).where(user, userId).whereIn(role, removed).del();
      if (added.length > 0) {
        const lastOrder = links.orderColumnName ? Math.max(0, ...current.map((row) => Number(row[links.orderColumnName!] ?? 0))) : 0;
        await insertRows(strapi, links.name, roleLinkRows(userId, added, lastOrder + 1));
      }
    });
    const updated = (await strapi.db.query(ADMIN_USER_UID).findOne({ where: { id: userId }, populate: ['roles'] })) as (AdminUser & Record<string, unknown>) | null;
    if (updated) strapi.eventHub.emit('user.update', { user: publicUserOf(updated) });
  }

  /**
   * Role link rows of one user, its roles ordered from `firstOrder` on; the link's `user_ord` (its place among the
   * role's users) is the user's id: ids only grow and every order value Strapi assigns is at most its user's id,
   * so the user sorts last among the role's users without reading them all.
   */
  const roleLinkRows = (userId: number, roleIds: number[], firstOrder: number): Record<string, unknown>[] => {
    const links = rolesJoinTable();
    return roleIds.map((roleId, index) => ({
      [links.joinColumn.name]: userId,
      [links.inverseJoinColumn.name]: roleId,
      ...(links.orderColumnName ? { [links.orderColumnName]: firstOrder + index } : {}),
      ...(links.inverseOrderColumnName ? { [links.inverseOrderColumnName]: userId } : {}),
    }));
  };

  /** Where Strapi keeps admin users' role links; read from its metadata so a renamed table follows. */
  const rolesJoinTable = (): JoinTable => {
    const attribute = strapi.db.metadata.get(ADMIN_USER_UID).attributes.roles as { joinTable?: JoinTable } | undefined;
    if (!attribute?.joinTable) throw new Error('identity-bridge: Strapi no longer describes admin::user.roles as a join table');
    return attribute.joinTable;
  };

  const findRoleById = async (id: number): Promise<AdminRole | null> => {
    const key = `#${id}`;
    const cached = roleCache.get(key);
    if (cached && cached.until > Date.now()) return cached.role;
    const role = (await strapi.db.query(ADMIN_ROLE_UID).findOne({ where: { id }, select: ['id', 'name', 'code'] })) as AdminRole | null;
    roleCache.set(key, { role, until: Date.now() + ROLE_CACHE_MS });
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

  /** Several admin users with their roles (for lists in the admin pages); never the password or tokens. */
  const findManyByIds = async (ids: number[]): Promise<AdminUser[]> =>
    ids.length === 0
      ? []
      : ((await strapi.db.query(ADMIN_USER_UID).findMany({
          where: { id: { $in: ids } },
          select: ['id', 'email', 'firstname', 'lastname', 'isActive', 'blocked'],
          populate: { roles: { select: ['id', 'name', 'code'] } },
        })) as AdminUser[]);

  return {
    findById,
    findManyByIds,
    findByEmail,
    findRole,
    countActiveSuperAdmins,
    revokeSessions,
    create: (attributes: AdminUserAttributes & { roles: number[] }) => createAdminUser(attributes),
    /** Profile fields through Strapi's updateById (its checks and event); roles through replaceRoles. */
    async update(id: number, attributes: Partial<AdminUserAttributes> & { roles?: number[] }): Promise<void> {
      const { roles, ...profile } = attributes;
      if (roles) await replaceRoles(id, roles);
      if (Object.keys(profile).length > 0) await userService().updateById(id, profile);
    },
    delete: (id: number) => userService().deleteById(id),
  };
}

/** What Strapi's `sanitizeUser` leaves of an admin user for its `user.*` events: no password or tokens. */
function publicUserOf(user: AdminUser & Record<string, unknown>): Record<string, unknown> {
  const { password: _password, resetPasswordToken: _reset, resetPasswordTokenExpiresAt: _expires, registrationToken: _registration, roles, ...rest } = user;
  return { ...rest, roles: (roles ?? []).map((role) => ({ id: role.id, name: role.name, code: role.code, ...('description' in role ? { description: (role as { description?: unknown }).description } : {}) })) };
}

interface JoinTable {
  name: string;
  joinColumn: { name: string };
  inverseJoinColumn: { name: string };
  orderColumnName?: string;
  inverseOrderColumnName?: string;
}

interface SessionManager {
  (origin: string): { invalidateRefreshToken(userId: string, deviceId?: string): Promise<void> };
  hasOrigin?: (origin: string) => boolean;
}

export type AdminUsersAdapter = ReturnType<typeof createAdminUsersAdapter>;

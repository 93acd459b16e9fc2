/**
 * Keeps the Strapi admin user bound to a SCIM identity in step with it: who they are (email, names) and
 * whether they may sign in (active). Idempotent: applying the same identity twice writes nothing the
 * second time. Roles come from the mapping engine when it manages them (`roles` given); otherwise a new
 * admin user gets the configured default role and its roles are never touched again.
 *
 * Super Admins are out of SCIM's reach on purpose: an IdP mistake must never lock the owners out of
 * Strapi, so deactivating, deleting or re-roling one is refused with a SCIM error.
 */
import { scimErrors } from '../scim/errors';
import { isSuperAdmin, type AdminUsersAdapter } from '../strapi/admin-users';
import type { AdminUser } from '../strapi/types';

export interface AdminProfile {
  email: string;
  firstname: string | null;
  lastname: string | null;
  active: boolean;
}

export interface BindingOptions {
  /** Role code or name given to admin users that SCIM creates. */
  defaultRole: string;
  /** Tells whether an admin user is already bound to another identity, and to which directory. */
  boundElsewhere(adminUserId: number): Promise<{ directoryName: string; userName: string } | null>;
}

export function createAdminUserBinding(adminUsers: AdminUsersAdapter, options: BindingOptions) {
  async function defaultRoleId(): Promise<number> {
    const role = await adminUsers.findRole(options.defaultRole);
    if (!role) throw new Error(`identity-bridge: default role "${options.defaultRole}" does not exist`);
    return role.id;
  }

  /** Role ids for role codes (or names); codes that match no role are skipped — rules are validated on save. */
  async function roleIds(codes: string[]): Promise<number[]> {
    const roles = await Promise.all(codes.map((code) => adminUsers.findRole(code)));
    return roles.flatMap((role) => (role ? [role.id] : [])).sort((a, b) => a - b);
  }

  /**
   * Gives the user exactly `codes`. Never for a Super Admin (an IdP must not be able to demote the owners),
   * and never to "no roles": an empty result comes with deactivation, and keeping the last roles means a
   * reactivated person is whole again at once.
   */
  async function setRoles(user: AdminUser, codes: string[]) {
    if (isSuperAdmin(user) || codes.length === 0) return;
    const wanted = await roleIds(codes);
    if (wanted.length === 0) return;
    const current = (user.roles ?? []).map((role) => role.id).sort((a, b) => a - b);
    if (current.length === wanted.length && current.every((id, index) => id === wanted[index])) return;
    await adminUsers.update(user.id, { roles: wanted });
  }

  async function refuseIfSuperAdmin(user: AdminUser, what: string) {
    if (isSuperAdmin(user)) {
      throw scimErrors.mutability(`${user.email} is a Strapi Super Admin: SCIM cannot ${what} a Super Admin.`);
    }
  }

  async function assertEmailFree(email: string, ownerId: number | null) {
    const holder = await adminUsers.findByEmail(email);
    if (holder && holder.id !== ownerId) {
      const bound = await options.boundElsewhere(holder.id);
      throw scimErrors.uniqueness(
        bound
          ? `email ${email} is already provisioned by directory "${bound.directoryName}" (userName ${bound.userName})`
          : `email ${email} already belongs to another Strapi admin user`
      );
    }
  }

  async function setActive(user: AdminUser, active: boolean) {
    if (user.isActive === active) return;
    if (!active) {
      await refuseIfSuperAdmin(user, 'deactivate');
      await adminUsers.update(user.id, { isActive: false });
      await adminUsers.revokeSessions(user.id);
    } else {
      await adminUsers.update(user.id, { isActive: true });
    }
  }

  return {
    /**
     * Finds or creates the admin user for a new identity. An existing admin user with the same email is
     * linked, not duplicated — unless another identity already holds it (409, naming the holder).
     */
    async bind(profile: AdminProfile, roles?: string[]): Promise<number> {
      const existing = await adminUsers.findByEmail(profile.email);
      if (!existing) {
        const mapped = roles && roles.length > 0 ? await roleIds(roles) : [];
        const created = await adminUsers.create({
          email: profile.email.toLowerCase(),
          firstname: profile.firstname,
          lastname: profile.lastname,
          isActive: profile.active,
          roles: mapped.length > 0 ? mapped : [await defaultRoleId()],
        });
        return created.id;
      }
      const bound = await options.boundElsewhere(existing.id);
      if (bound) {
        throw scimErrors.uniqueness(
          `email ${profile.email} is already provisioned by directory "${bound.directoryName}" (userName ${bound.userName})`
        );
      }
      await this.sync(existing.id, profile, roles);
      return existing.id;
    },

    /** Applies a changed identity to its admin user; re-creates the admin user if someone deleted it. */
    async sync(adminUserId: number, profile: AdminProfile, roles?: string[]): Promise<number> {
      const user = await adminUsers.findById(adminUserId);
      if (!user) return this.bind(profile, roles);
      const changes: { email?: string; firstname?: string | null; lastname?: string | null } = {};
      const email = profile.email.toLowerCase();
      if (user.email.toLowerCase() !== email) {
        await assertEmailFree(email, user.id);
        changes.email = email;
      }
      if (!isSuperAdmin(user)) {
        if ((user.firstname ?? null) !== profile.firstname) changes.firstname = profile.firstname;
        if ((user.lastname ?? null) !== profile.lastname) changes.lastname = profile.lastname;
      }
      if (Object.keys(changes).length > 0) await adminUsers.update(user.id, changes);
      if (roles) await setRoles(user, roles);
      await setActive(user, profile.active);
      return user.id;
    },

    /** SCIM DELETE: deactivate and revoke sessions (keeps the user and their content), or delete. */
    async release(adminUserId: number, mode: 'deactivate' | 'delete'): Promise<void> {
      const user = await adminUsers.findById(adminUserId);
      if (!user) return;
      if (mode === 'delete') {
        await refuseIfSuperAdmin(user, 'delete');
        await adminUsers.delete(user.id);
        return;
      }
      await setActive(user, false);
    },
  };
}

export type AdminUserBinding = ReturnType<typeof createAdminUserBinding>;

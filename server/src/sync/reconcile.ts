/**
 * Brings one person's Strapi admin user in line with their identity and the rules in force: profile,
 * activation and (when the rules manage them) roles, and records what the engine gave them. The same
 * function serves SCIM writes, group changes and rule changes, so every path gives the same answer.
 */
import { evaluateMapping, factsFromScim, type MappingResult } from '../mapping';
import { displayNameParts, primaryEmail } from '../scim/resources/user';
import { scimErrors } from '../scim/errors';
import type { DirectoryStore, IdentityRecord, MappingSnapshot } from '../directory';
import type { AdminProfile, AdminUserBinding } from './admin-user-binding';
import type { ActiveMapping } from './mapping-rules';

/** The admin-user profile an identity's SCIM data describes. */
export function adminProfileOf(data: Record<string, unknown>): AdminProfile {
  const email = primaryEmail(data);
  if (!email) {
    throw scimErrors.invalidValue(
      'the user has no email: send emails (primary or work) or a userName that is an email address — Strapi admin users are identified by email'
    );
  }
  const { firstname, lastname } = displayNameParts(data);
  return { email, firstname: firstname ?? null, lastname: lastname ?? null, active: data.active !== false };
}

export const snapshotOf = (result: MappingResult, rulesVersion: number): MappingSnapshot => ({
  roles: result.roles,
  folders: result.folders,
  metadata: result.metadata,
  active: result.active,
  rulesVersion,
});

export function createReconciler(store: DirectoryStore, binding: AdminUserBinding, onReconciled?: (adminUserId: number) => void) {
  async function evaluate(identity: Pick<IdentityRecord, 'id' | 'data'>, mapping: ActiveMapping): Promise<MappingResult> {
    const memberOf = (await store.groups.groupsOfIdentities([identity.id])).get(identity.id) ?? [];
    const facts = factsFromScim(identity.data ?? {}, memberOf, mapping.attributes);
    return evaluateMapping(facts, mapping.policy, mapping.attributes);
  }

  return {
    evaluate,

    /**
     * The admin user of an identity about to be created (call inside the create's transaction, before the
     * identity row is written): binds or creates it and returns what to store as the identity's bookkeeping.
     * A new identity belongs to no group yet, so its facts come from its SCIM data alone.
     */
    async bindNew(data: Record<string, unknown>, mapping: ActiveMapping): Promise<{ adminUserId: number; mapping: MappingSnapshot }> {
      const result = evaluateMapping(factsFromScim(data, [], mapping.attributes), mapping.policy, mapping.attributes);
      const profile = { ...adminProfileOf(data), active: result.active };
      const adminUserId = await binding.bind(profile, mapping.managesRoles ? result.roles : undefined);
      onReconciled?.(adminUserId);
      return { adminUserId, mapping: snapshotOf(result, mapping.version) };
    },

    /** Call inside the request's transaction. Returns the admin user id the identity is bound to. */
    async reconcile(identity: IdentityRecord, mapping: ActiveMapping): Promise<{ adminUserId: number; result: MappingResult }> {
      const result = await evaluate(identity, mapping);
      const profile = { ...adminProfileOf(identity.data ?? {}), active: result.active };
      const roles = mapping.managesRoles ? result.roles : undefined;
      const adminUserId = identity.adminUserId
        ? await binding.sync(identity.adminUserId, profile, roles)
        : await binding.bind(profile, roles);
      await store.identities.setBookkeeping(identity.id, {
        adminUserId,
        mapping: snapshotOf(result, mapping.version),
        mappingStale: false,
      });
      onReconciled?.(adminUserId);
      return { adminUserId, result };
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;

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
import type { DeprovisionGuard } from './deprovision-guard';
import type { MediaFolders } from './media-folders';

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

export const snapshotOf = (result: MappingResult, rulesVersion: number, held = false): MappingSnapshot => ({
  roles: result.roles,
  folders: result.folders,
  metadata: result.metadata,
  active: result.active,
  ...(held ? { held: true } : {}),
  rulesVersion,
});

export interface ReconcileOptions {
  /** Name of the SCIM token whose request caused this (for the deprovisioning record). */
  tokenName?: string | null;
  /** An admin approved this person's held rule-driven deactivation: apply it without asking again. */
  deactivationApproved?: boolean;
}

/**
 * The rules — not the IdP — take away access someone had: the IdP still sends them active, no rule lets
 * them in any more, and the last mapping applied let them in. (A person the IdP deactivates goes through
 * deprovision safety in the SCIM write itself; a new person no rule admits never had access to lose.)
 */
const rulesDeactivate = (identity: IdentityRecord, result: MappingResult): boolean =>
  identity.data?.active !== false && !result.active && (identity.mapping?.active ?? true);

export interface ReconcilerParts {
  /** Deprovision safety for deactivations the rules cause. */
  guard?: DeprovisionGuard;
  /** Creates missing Media Library folders when the policy asks for it. */
  mediaFolders?: MediaFolders;
  /** Told each time a person's admin user was brought in line (to drop cached access data). */
  onReconciled?: (adminUserId: number) => void;
}

export function createReconciler(store: DirectoryStore, binding: AdminUserBinding, { guard, mediaFolders, onReconciled }: ReconcilerParts = {}) {
  /** The person's folders exist afterwards, if the owner asked for missing ones to be created. */
  async function provideFolders(result: MappingResult, mapping: ActiveMapping) {
    if (mapping.policy.createMissingFolders && mediaFolders && result.active) await mediaFolders.ensure(result.folders);
  }

  async function evaluate(identity: Pick<IdentityRecord, 'id' | 'data'>, mapping: ActiveMapping): Promise<MappingResult> {
    const memberOf = (await store.groups.groupsOfIdentities([identity.id])).get(identity.id) ?? [];
    const facts = factsFromScim(identity.data ?? {}, memberOf, mapping.attributes);
    return evaluateMapping(facts, mapping.policy, mapping.attributes);
  }

  /**
   * Whether deprovision safety holds a deactivation the rules cause. A mass rule change or an emptied group
   * in the IdP must not lock out hundreds of people at once any more than a mass SCIM deactivation may.
   */
  async function holdsRuleDeactivation(identity: IdentityRecord, result: MappingResult, options: ReconcileOptions): Promise<boolean> {
    if (!guard) return false;
    if (rulesDeactivate(identity, result)) {
      if (options.deactivationApproved) return false;
      const decision = await guard.decide(
        { directoryId: identity.directoryId, identityId: identity.id, userName: identity.userName, tokenName: options.tokenName ?? null, cause: 'mapping-rules' },
        'deactivate'
      );
      return decision === 'stage';
    }
    // Held before, and the rules let the person in again (or the IdP deactivated them itself): moot.
    if (identity.mapping?.held) await guard.withdraw(identity.id, 'deactivate', 'mapping-rules');
    return false;
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
      await provideFolders(result, mapping);
      onReconciled?.(adminUserId);
      return { adminUserId, mapping: snapshotOf(result, mapping.version) };
    },

    /**
     * Call inside the request's transaction. Returns the admin user id the identity is bound to, what the
     * rules gave, and whether a deactivation they cause is held for approval (`held`).
     */
    async reconcile(
      identity: IdentityRecord,
      mapping: ActiveMapping,
      options: ReconcileOptions = {}
    ): Promise<{ adminUserId: number; result: MappingResult; held: boolean }> {
      const evaluated = await evaluate(identity, mapping);
      const held = await holdsRuleDeactivation(identity, evaluated, options);
      // Held: everything else applies; the person keeps access until an admin decides.
      const result = held ? { ...evaluated, active: true } : evaluated;
      const profile = { ...adminProfileOf(identity.data ?? {}), active: result.active };
      const roles = mapping.managesRoles ? result.roles : undefined;
      const adminUserId = identity.adminUserId
        ? await binding.sync(identity.adminUserId, profile, roles)
        : await binding.bind(profile, roles);
      await provideFolders(result, mapping);
      await store.identities.setBookkeeping(identity.id, {
        adminUserId,
        mapping: snapshotOf(result, mapping.version, held),
        mappingStale: false,
      });
      onReconciled?.(adminUserId);
      return { adminUserId, result, held };
    },
  };
}

export type Reconciler = ReturnType<typeof createReconciler>;

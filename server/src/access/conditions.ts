/**
 * RBAC conditions that limit an editor to the entries matching their identity attributes. Strapi accepts
 * conditions only while it boots, so there is one generic condition whose behaviour comes from data: the
 * content bindings of the mapping rules, and each person's last mapping result.
 *
 * Conditions run on every admin request, so what they read is cached briefly per admin user; a person's
 * cache entry is dropped on this instance as soon as their mapping changes.
 */
import { PLUGIN_ID } from '../config';
import type { DirectoryStore, MappingSnapshot } from '../directory';
import type { Strapi } from '../strapi/types';
import type { MappingRules } from '../sync/mapping-rules';
import { entryConstraint } from './content-bindings';

export const MATCHES_MY_ATTRIBUTES = 'matches-my-attributes';
const CACHE_MS = 5_000;

interface ConditionUser {
  id: number;
  permission?: { subject?: string | null };
}

export function createAccessConditions(store: DirectoryStore, rules: MappingRules) {
  const snapshots = new Map<number, { snapshot: MappingSnapshot | null; until: number }>();

  async function snapshotOf(adminUserId: number): Promise<MappingSnapshot | null> {
    const cached = snapshots.get(adminUserId);
    if (cached && cached.until > Date.now()) return cached.snapshot;
    const identity = await store.identities.findByAdminUserId(adminUserId);
    const snapshot = identity?.mapping ?? null;
    if (snapshots.size > 10_000) snapshots.clear();
    snapshots.set(adminUserId, { snapshot, until: Date.now() + CACHE_MS });
    return snapshot;
  }

  return {
    forget(adminUserId: number) {
      snapshots.delete(adminUserId);
    },

    /** The condition handler: a query on the entry's bound fields, or false. */
    async handler(user: ConditionUser): Promise<false | Record<string, unknown>> {
      const subject = user.permission?.subject;
      if (!subject) return false;
      const mapping = await rules.current();
      const bindings = (mapping.content ?? []).filter((binding) => binding.uid === subject);
      const snapshot = await snapshotOf(user.id);
      if (!snapshot || !snapshot.active) return false;
      const folders = mapping.policy.foldersAttribute;
      return entryConstraint(bindings, (attribute) =>
        attribute === folders ? snapshot.folders : (snapshot.metadata[attribute] ?? [])
      );
    },
  };
}

export type AccessConditions = ReturnType<typeof createAccessConditions>;

/** Registers the condition with Strapi (during register or bootstrap only). */
export async function registerAccessConditions(strapi: Strapi, conditions: AccessConditions) {
  const provider = (strapi as unknown as {
    admin: { services: { permission: { conditionProvider: { register(condition: unknown): Promise<unknown> } } } };
  }).admin.services.permission.conditionProvider;
  await provider.register({
    displayName: 'Entry matches my identity attributes (Identity bridge)',
    name: MATCHES_MY_ATTRIBUTES,
    plugin: PLUGIN_ID,
    category: 'Identity bridge',
    handler: (user: ConditionUser) => conditions.handler(user),
  });
}

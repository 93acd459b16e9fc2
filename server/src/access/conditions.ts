/**
 * Conditions must use only operators Strapi can also match in memory: $or, $and, $eq, $ne, $in, $nin,
 * $lt, $lte, $gt, $gte, $exists, $elemMatch.
 *
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
export const IN_MY_FOLDERS = 'in-my-folders';
const UPLOAD_FOLDER_UID = 'plugin::upload.folder';
const CACHE_MS = 5_000;

interface ConditionUser {
  id: number;
  permission?: { subject?: string | null };
}

export function createAccessConditions(strapi: Strapi, store: DirectoryStore, rules: MappingRules) {
  const snapshots = new Map<number, { snapshot: MappingSnapshot | null; until: number }>();
  let folderPaths: { byName: Map<string, string>; until: number } | undefined;

  /**
   * Media Library folders by their name path (`Marketing/Campaigns`) → Strapi's id path (`/1/3`), which is
   * what files carry in `folderPath`. Names in the person's folders that match no folder are ignored.
   */
  async function folderIdPaths(): Promise<Map<string, string>> {
    if (folderPaths && folderPaths.until > Date.now()) return folderPaths.byName;
    const folders = (await strapi.db.query(UPLOAD_FOLDER_UID).findMany({ select: ['pathId', 'name', 'path'] })) as {
      pathId: number;
      name: string;
      path: string;
    }[];
    const nameOf = new Map(folders.map((folder) => [String(folder.pathId), folder.name]));
    const byName = new Map<string, string>();
    for (const folder of folders) {
      const names = folder.path.split('/').filter(Boolean).map((id) => nameOf.get(id));
      if (names.every((name): name is string => typeof name === 'string')) byName.set(names.join('/'), folder.path);
    }
    folderPaths = { byName, until: Date.now() + CACHE_MS };
    return byName;
  }

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

    /** Files in the person's folders and their sub-folders (upload actions have no subject). */
    async folderHandler(user: ConditionUser): Promise<false | Record<string, unknown>> {
      const snapshot = await snapshotOf(user.id);
      if (!snapshot || !snapshot.active || snapshot.folders.length === 0) return false;
      const paths = await folderIdPaths();
      const roots = snapshot.folders.flatMap((name) => {
        const path = paths.get(name);
        return path ? [path] : [];
      });
      // Strapi also matches conditions in memory (CASL), which knows no `$startsWith`: sub-folders are
      // listed explicitly instead.
      const allowed = [...paths.values()].filter((path) => roots.some((root) => path === root || path.startsWith(`${root}/`)));
      if (allowed.length === 0) return false;
      return { folderPath: { $in: allowed } };
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
  await provider.register({
    displayName: 'File is in one of my folders (Identity bridge)',
    name: IN_MY_FOLDERS,
    plugin: PLUGIN_ID,
    category: 'Identity bridge',
    handler: (user: ConditionUser) => conditions.folderHandler(user),
  });
}

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

export interface ConditionUser {
  id: number;
  permission?: { subject?: string | null };
}

/** A Media Library folder: its database id and Strapi's id path (`/1/3`, built from `pathId`s). */
export interface FolderRow {
  id: number;
  path: string;
}

/** One RBAC permission of a person, as Strapi stores it (condition names such as `admin::is-creator`). */
export interface GrantedPermission {
  action: string;
  conditions?: string[] | null;
}

interface FolderTree {
  rows: FolderRow[];
  /** Lower-cased name path (`marketing/campaigns`) → the id paths of the folders it names. */
  byName: Map<string, string[]>;
  until: number;
}

/**
 * Folders by lower-cased name path. Names match ignoring case, as the folder creation of
 * `policy.createMissingFolders` does: "press" in the IdP means the existing folder "Press". Strapi allows
 * "Press" and "press" side by side; a value then names both, as it cannot tell them apart.
 */
function indexByNamePath(folders: (FolderRow & { pathId: number; name: string })[]): Map<string, string[]> {
  const nameOf = new Map(folders.map((folder) => [String(folder.pathId), folder.name]));
  const byName = new Map<string, string[]>();
  for (const folder of folders) {
    const names = folder.path.split('/').filter(Boolean).map((pathId) => nameOf.get(pathId));
    if (!names.every((name): name is string => typeof name === 'string')) continue;
    const key = names.join('/').toLowerCase();
    byName.set(key, [...(byName.get(key) ?? []), folder.path]);
  }
  return byName;
}

export function createAccessConditions(strapi: Strapi, store: DirectoryStore, rules: MappingRules) {
  const snapshots = new Map<number, { snapshot: MappingSnapshot | null; until: number }>();
  const permissions = new Map<number, { granted: GrantedPermission[]; until: number }>();
  let folderTree: FolderTree | undefined;

  async function currentFolderTree(): Promise<FolderTree> {
    if (folderTree && folderTree.until > Date.now()) return folderTree;
    const folders = (await strapi.db.query(UPLOAD_FOLDER_UID).findMany({ select: ['id', 'pathId', 'name', 'path'] })) as (FolderRow & {
      pathId: number;
      name: string;
    })[];
    folderTree = {
      rows: folders.map(({ id, path }) => ({ id, path })),
      byName: indexByNamePath(folders),
      until: Date.now() + CACHE_MS,
    };
    return folderTree;
  }

  /**
   * Media Library folders by their lower-cased name path (`marketing/campaigns`) → Strapi's id paths
   * (`/1/3`), which is what files carry in `folderPath`.
   */
  async function folderIdPaths(): Promise<Map<string, string[]>> {
    return (await currentFolderTree()).byName;
  }

  /**
   * The id paths of the person's folders and all their sub-folders; null when they have no folders (no
   * identity, inactive, or no folder values). Values that name no folder are ignored.
   */
  async function allowedFolderPaths(adminUserId: number): Promise<string[] | null> {
    const snapshot = await snapshotOf(adminUserId);
    if (!snapshot || !snapshot.active || snapshot.folders.length === 0) return null;
    const paths = await folderIdPaths();
    const roots = snapshot.folders.flatMap((name) => paths.get(name.toLowerCase()) ?? []);
    // Strapi also matches conditions in memory (CASL), which knows no `$startsWith`: sub-folders are
    // listed explicitly instead.
    return [...paths.values()].flat().filter((path) => roots.some((root) => path === root || path.startsWith(`${root}/`)));
  }

  /** Reads in flight, so concurrent requests of one person share one read (each would wait for a connection). */
  const snapshotReads = new Map<number, Promise<MappingSnapshot | null>>();

  async function snapshotOf(adminUserId: number): Promise<MappingSnapshot | null> {
    const cached = snapshots.get(adminUserId);
    if (cached && cached.until > Date.now()) return cached.snapshot;
    const inFlight = snapshotReads.get(adminUserId);
    if (inFlight) return inFlight;
    const read: Promise<MappingSnapshot | null> = store.identities
      .findByAdminUserId(adminUserId)
      .then((identity) => {
        const snapshot = identity?.mapping ?? null;
        // Forgotten meanwhile (the mapping changed while this read ran): answer, but do not cache what may be stale.
        if (snapshotReads.get(adminUserId) === read) {
          if (snapshots.size > 10_000) snapshots.clear();
          snapshots.set(adminUserId, { snapshot, until: Date.now() + CACHE_MS });
        }
        return snapshot;
      })
      .finally(() => {
        if (snapshotReads.get(adminUserId) === read) snapshotReads.delete(adminUserId);
      });
    snapshotReads.set(adminUserId, read);
    return read;
  }

  return {
    forget(adminUserId: number) {
      snapshots.delete(adminUserId);
      snapshotReads.delete(adminUserId);
      permissions.delete(adminUserId);
    },

    /** Drops the folder tree read from the database (call after folders are created, moved or deleted). */
    forgetFolders() {
      folderTree = undefined;
    },

    allowedFolderPaths,

    /** Every Media Library folder's id and id path (cached as briefly as the condition's folder look-ups). */
    async folders(): Promise<FolderRow[]> {
      return (await currentFolderTree()).rows;
    },

    /** The person's RBAC permissions, from all their roles (cached briefly; dropped by `forget`). */
    async permissionsOf(adminUserId: number): Promise<GrantedPermission[]> {
      const cached = permissions.get(adminUserId);
      if (cached && cached.until > Date.now()) return cached.granted;
      const service = strapi.service('admin::permission') as unknown as {
        findUserPermissions(user: { id: number }): Promise<GrantedPermission[]>;
      };
      const granted = await service.findUserPermissions({ id: adminUserId });
      if (permissions.size > 10_000) permissions.clear();
      permissions.set(adminUserId, { granted, until: Date.now() + CACHE_MS });
      return granted;
    },

    /** Files in the person's folders and their sub-folders (upload actions have no subject). */
    async folderHandler(user: ConditionUser): Promise<false | Record<string, unknown>> {
      const allowed = await allowedFolderPaths(user.id);
      if (!allowed || allowed.length === 0) return false;
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

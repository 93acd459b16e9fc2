/**
 * What the Attribute mapping page offers to pick from, and the narrow person look-up of its "explain" box:
 * - the admin roles (code + name) rules can grant,
 * - the content types with the fields a content condition can compare (scalar text fields),
 * - the Media Library folders by name path (`Marketing/Campaigns`), as folder values name them.
 * Each list is one bounded query; nothing here lists identities.
 */
import type { Strapi } from '../strapi/types';
import { pluginContext } from '../plugin-context';
import { UID } from '../content-types';

const FOLDER_UID = 'plugin::upload.folder';
/** More folders than a person can scan in a picker; the page says the list is cut. */
export const FOLDER_LIMIT = 500;
/** Field types whose values compare with identity attribute values (strings) in a content condition. */
const COMPARABLE_FIELD_TYPES = new Set(['string', 'text', 'enumeration', 'email', 'uid']);

export interface MappingOptions {
  roles: { code: string; name: string }[];
  contentTypes: { uid: string; displayName: string; fields: string[] }[];
  folders: string[];
  foldersTruncated: boolean;
}

interface FolderRow {
  id: number;
  name: string;
  pathId: number;
  path: string;
}

/** Name paths of folders from Strapi's id paths (`/1/3` → `Marketing/Campaigns`), sorted. */
export function folderNamePaths(folders: FolderRow[]): string[] {
  const byPathId = new Map(folders.map((folder) => [String(folder.pathId), folder.name]));
  const paths: string[] = [];
  for (const folder of folders) {
    const names = folder.path.split('/').filter(Boolean).map((pathId) => byPathId.get(pathId));
    if (names.every((name): name is string => typeof name === 'string')) paths.push(names.join('/'));
  }
  return paths.sort((a, b) => a.localeCompare(b));
}

export default ({ strapi }: { strapi: Strapi }) => ({
  async options(): Promise<MappingOptions> {
    const roles = (await strapi.db.query('admin::role').findMany({ select: ['code', 'name'], orderBy: { name: 'asc' } })) as { code: string; name: string }[];
    const contentTypes = Object.entries(strapi.contentTypes as unknown as Record<string, { info?: { displayName?: string }; attributes?: Record<string, { type?: string; visible?: boolean }> }>)
      .filter(([uid]) => uid.startsWith('api::'))
      .map(([uid, contentType]) => ({
        uid,
        displayName: contentType.info?.displayName ?? uid,
        fields: Object.entries(contentType.attributes ?? {})
          .filter(([, attribute]) => COMPARABLE_FIELD_TYPES.has(attribute.type ?? '') && attribute.visible !== false) // not i18n's hidden `locale`
          .map(([name]) => name)
          .sort(),
      }))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    let folders: string[] = [];
    let foldersTruncated = false;
    if ((strapi.contentTypes as unknown as Record<string, unknown>)[FOLDER_UID]) {
      const rows = (await strapi.db.query(FOLDER_UID).findMany({
        select: ['id', 'name', 'pathId', 'path'],
        orderBy: { id: 'asc' },
        limit: FOLDER_LIMIT + 1,
      })) as FolderRow[];
      foldersTruncated = rows.length > FOLDER_LIMIT;
      folders = folderNamePaths(rows.slice(0, FOLDER_LIMIT));
    }
    return { roles: roles.map(({ code, name }) => ({ code, name })), contentTypes, folders, foldersTruncated };
  },

  /**
   * The identity whose userName (in any directory) or email is `user`, ignoring case; null when none.
   * One indexed look-up per directory (unique directory + userName), then one on the email index.
   */
  async findIdentityId(user: string): Promise<number | null> {
    const { store } = pluginContext(strapi);
    const wanted = user.trim();
    if (wanted === '') return null;
    for (const directory of await store.directories.list()) {
      const identity = await store.identities.findByUserName(directory.id, wanted);
      if (identity) return identity.id;
    }
    const byEmail = (await strapi.db.query(UID.identity).findOne({ where: { emailLower: wanted.toLowerCase() }, select: ['id'] })) as { id: number } | null;
    return byEmail?.id ?? null;
  },
});

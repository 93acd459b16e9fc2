/**
 * Creates the Media Library folders a person's folder values name when the owner asked for it
 * (`policy.createMissingFolders`): `Marketing/Campaigns` becomes the folder Campaigns inside Marketing,
 * each created through the upload plugin's own folder service so Strapi computes its path as for a folder
 * made in the Media Library.
 *
 * Nothing is remembered between calls: the write's transaction may roll back, taking a new folder with it,
 * and folders are renamed and deleted in the Media Library at any time. One query reads the folder names.
 */
import type { Strapi } from '../strapi/types';

const FOLDER_UID = 'plugin::upload.folder';

interface FolderRow {
  id: number;
  name: string;
  pathId: number;
  path: string;
}

interface FolderService {
  create(data: { name: string; parent: number | null }): Promise<{ id: number }>;
}

/**
 * Folder ids by lower-cased name path (`marketing/campaigns`), from Strapi's id paths (`/1/3`). Names are
 * matched ignoring case, as the access condition does: "press" in the IdP means the existing "Press", not a
 * second folder beside it.
 */
function idsByNamePath(folders: FolderRow[]): Map<string, number> {
  const byPathId = new Map(folders.map((folder) => [String(folder.pathId), folder]));
  const result = new Map<string, number>();
  for (const folder of folders) {
    const names = folder.path.split('/').filter(Boolean).map((pathId) => byPathId.get(pathId)?.name);
    if (names.every((name): name is string => typeof name === 'string')) result.set(names.join('/').toLowerCase(), folder.id);
  }
  return result;
}

export function createMediaFolders(strapi: Strapi, onCreated?: () => void) {
  return {
    /**
     * Makes sure each normalised folder path exists, creating missing folders and parents. Call inside the
     * write's transaction: a rolled-back write leaves no folder behind.
     */
    async ensure(paths: string[]): Promise<string[]> {
      if (paths.length === 0) return [];
      const folders = (await strapi.db.query(FOLDER_UID).findMany({ select: ['id', 'name', 'pathId', 'path'] })) as FolderRow[];
      const existing = idsByNamePath(folders);
      const created: string[] = [];
      const service = strapi.plugin('upload').service('folder') as unknown as FolderService;
      for (const path of paths) {
        const segments = path.split('/');
        let parentId: number | null = null;
        for (let depth = 1; depth <= segments.length; depth += 1) {
          const prefix = segments.slice(0, depth).join('/');
          let id = existing.get(prefix.toLowerCase());
          if (id === undefined) {
            id = (await service.create({ name: segments[depth - 1]!, parent: parentId })).id;
            existing.set(prefix.toLowerCase(), id);
            created.push(prefix);
          }
          parentId = id;
        }
      }
      if (created.length > 0) onCreated?.();
      return created;
    },
  };
}

export type MediaFolders = ReturnType<typeof createMediaFolders>;

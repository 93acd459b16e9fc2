/** Directories: one per provisioning source; every token, identity and group belongs to one. */
import { UID } from '../content-types';
import { DEFAULT_DIRECTORY_NAME } from '../config';
import type { Strapi } from '../strapi/types';

export interface DirectoryRecord {
  id: number;
  name: string;
  description: string | null;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

const FIELDS = ['id', 'name', 'description', 'isDefault', 'createdAt', 'updatedAt'];

export function createDirectoryRepository(strapi: Strapi) {
  const query = () => strapi.db.query(UID.directory);

  /** Directories are read on every SCIM request (by the token's directory id) and change rarely. */
  const recent = new Map<number, { directory: DirectoryRecord | null; until: number }>();
  const findById = async (id: number): Promise<DirectoryRecord | null> => {
    const cached = recent.get(id);
    if (cached && cached.until > Date.now()) return cached.directory;
    const directory = (await query().findOne({ where: { id }, select: FIELDS })) as DirectoryRecord | null;
    recent.set(id, { directory, until: Date.now() + 5_000 });
    return directory;
  };
  const findByName = (name: string) =>
    query().findOne({ where: { name: { $eqi: name } }, select: FIELDS }) as Promise<DirectoryRecord | null>;

  return {
    findById,
    findByName,
    list: () => query().findMany({ select: FIELDS, orderBy: { id: 'asc' } }) as Promise<DirectoryRecord[]>,
    create: (data: { name: string; description?: string | null; isDefault?: boolean }) =>
      query().create({ data: { isDefault: false, ...data }, select: FIELDS }) as Promise<DirectoryRecord>,
    update: (id: number, data: { name?: string; description?: string | null }) => {
      recent.delete(id);
      return query().update({ where: { id }, data, select: FIELDS }) as Promise<DirectoryRecord | null>;
    },
    delete: (id: number) => {
      recent.delete(id);
      return query().delete({ where: { id } });
    },

    /** The directory that tokens without an explicit directory belong to; created on first start. */
    async ensureDefault(): Promise<DirectoryRecord> {
      const existing = (await query().findOne({ where: { isDefault: true }, select: FIELDS })) as DirectoryRecord | null;
      if (existing) return existing;
      return (await findByName(DEFAULT_DIRECTORY_NAME)) ??
        ((await query().create({
          data: { name: DEFAULT_DIRECTORY_NAME, description: 'Created automatically.', isDefault: true },
          select: FIELDS,
        })) as DirectoryRecord);
    },

    /** Finds a directory by name, creating it when the config declares one that does not exist yet. */
    async ensureNamed(name: string, description?: string): Promise<DirectoryRecord> {
      return (
        (await findByName(name)) ??
        ((await query().create({ data: { name, description: description ?? null, isDefault: false }, select: FIELDS })) as DirectoryRecord)
      );
    },
  };
}

export type DirectoryRepository = ReturnType<typeof createDirectoryRepository>;

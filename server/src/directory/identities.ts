/**
 * Storage of SCIM Users ("identities"). Each row keeps the canonical SCIM data as JSON plus the indexed
 * columns filters and look-ups run on; `identity-value` rows index multi-valued attributes (emails).
 */
import { UID } from '../content-types';
import type { Strapi } from '../strapi/types';
import { findInChunks, insertRows, lockRows, newDocumentId } from './database';

export interface IdentityColumns {
  userName: string;
  userNameLower: string;
  externalId: string | null;
  displayNameLower: string | null;
  emailLower: string | null;
  active: boolean;
}

export interface IdentityRecord extends IdentityColumns {
  id: number;
  directoryId: number;
  scimId: string;
  data: Record<string, unknown>;
  version: number;
  adminUserId: number | null;
  mapping: MappingSnapshot | null;
  mappingStale: boolean;
  createdAt: string;
  updatedAt: string;
}

/** What the mapping engine last gave a person, kept so previews can diff and conditions can read it. */
export interface MappingSnapshot {
  roles: string[];
  folders: string[];
  metadata: Record<string, string[]>;
  active: boolean;
  /**
   * The rules would deactivate the person, but deprovision safety holds that for an admin's approval:
   * `active` is still true meanwhile.
   */
  held?: boolean;
  /** Version of the mapping rules it was computed with. */
  rulesVersion: number;
}

export interface GroupReference {
  value: string;
  display: string;
}

const FIELDS = [
  'id', 'directoryId', 'scimId', 'userName', 'userNameLower', 'externalId', 'displayNameLower', 'emailLower',
  'active', 'data', 'version', 'adminUserId', 'mapping', 'mappingStale', 'createdAt', 'updatedAt',
];

/** Multi-valued attributes indexed in `identity-value`, by the filter key that reaches them. */
export const INDEXED_VALUES = { emails: 'emails.value' } as const;

export function createIdentityRepository(strapi: Strapi) {
  const identities = () => strapi.db.query(UID.identity);
  const values = () => strapi.db.query(UID.identityValue);

  return {
    findByScimId: (directoryId: number, scimId: string) =>
      identities().findOne({ where: { directoryId, scimId }, select: FIELDS }) as Promise<IdentityRecord | null>,

    findByUserName: (directoryId: number, userName: string) =>
      identities().findOne({
        where: { directoryId, userNameLower: userName.toLowerCase() },
        select: FIELDS,
      }) as Promise<IdentityRecord | null>,

    /** Identities in any directory bound to this admin user (there is at most one). */
    findByAdminUserId: (adminUserId: number) =>
      identities().findOne({ where: { adminUserId }, select: FIELDS }) as Promise<IdentityRecord | null>,

    /**
     * Identities of one directory by SCIM id. The query seeks on the unique `scim_id` index alone and the
     * directory is checked here: with `directory_id AND scim_id IN (…)` SQLite's planner (no statistics)
     * prefers the directory index and walks the whole directory.
     */
    async findManyByScimIds(directoryId: number, scimIds: string[]) {
      const rows = await findInChunks(scimIds, 500, (chunk) =>
        identities().findMany({
          where: { scimId: { $in: chunk } },
          select: ['id', 'directoryId', 'scimId', 'userName', 'displayNameLower', 'data'],
        }) as Promise<Pick<IdentityRecord, 'id' | 'directoryId' | 'scimId' | 'userName' | 'displayNameLower' | 'data'>[]>
      );
      return rows.filter((row) => row.directoryId === directoryId);
    },

    findManyByIds: (ids: number[]) =>
      findInChunks(ids, 500, (chunk) =>
        identities().findMany({ where: { id: { $in: chunk } }, select: FIELDS }) as Promise<IdentityRecord[]>
      ),

    /**
     * Inserts an identity and returns it as stored, without reading it back: a SCIM create is the hottest
     * write, and everything in the row is known here (see `insertRows`).
     */
    async insert(data: Omit<IdentityRecord, 'id' | 'createdAt' | 'updatedAt'>): Promise<IdentityRecord> {
      const now = new Date();
      const [id] = await insertRows(strapi, UID.identity, [{ ...data, documentId: newDocumentId(), createdAt: now, updatedAt: now }]);
      if (!Number.isInteger(id)) throw new Error('identity-bridge: the database returned no id for a new identity');
      return { ...data, id: id as number, createdAt: now.toISOString(), updatedAt: now.toISOString() };
    },

    update: (id: number, data: Partial<Omit<IdentityRecord, 'id' | 'createdAt' | 'updatedAt'>>) =>
      identities().update({ where: { id }, data, select: FIELDS }) as Promise<IdentityRecord>,

    async delete(id: number): Promise<void> {
      await values().deleteMany({ where: { identityId: id } });
      await identities().delete({ where: { id } });
    },

    count: (where: Record<string, unknown>) => identities().count({ where }) as Promise<number>,

    /**
     * Bookkeeping writes (admin-user binding, mapping state) go through `updateMany`, which Strapi does not
     * time-stamp: they are not changes to the SCIM resource, so `meta.lastModified` must not move.
     */
    async setBookkeeping(id: number, data: { adminUserId?: number | null; mapping?: MappingSnapshot | null; mappingStale?: boolean }) {
      await identities().updateMany({ where: { id }, data });
    },

    findById: (id: number) => identities().findOne({ where: { id }, select: FIELDS }) as Promise<IdentityRecord | null>,

    /** Locks the identity for the rest of the transaction and reads it as the last writer committed it. */
    async findByIdForUpdate(id: number): Promise<IdentityRecord | null> {
      await lockRows(strapi, UID.identity, [id]);
      return identities().findOne({ where: { id }, select: FIELDS }) as Promise<IdentityRecord | null>;
    },

    /** Marks people for re-mapping (all of them when `ids` is omitted); the mapping worker picks them up. */
    async markStale(ids?: number[]): Promise<void> {
      if (!ids) {
        await identities().updateMany({ where: { mappingStale: false }, data: { mappingStale: true } });
        return;
      }
      // Locked in id order first: two group writes sharing members would otherwise lock them in whatever order
      // each UPDATE's plan visits them, and deadlock (seen with two instances adding members concurrently).
      await lockRows(strapi, UID.identity, ids);
      for (let offset = 0; offset < ids.length; offset += 500) {
        await identities().updateMany({ where: { id: { $in: ids.slice(offset, offset + 500) } }, data: { mappingStale: true } });
      }
    },

    /** The next people waiting to be re-mapped after id `afterId`, oldest id first. */
    nextStale: (limit: number, afterId = 0) =>
      identities().findMany({ where: { mappingStale: true, id: { $gt: afterId } }, select: FIELDS, orderBy: { id: 'asc' }, limit }) as Promise<IdentityRecord[]>,

    /** Walks every identity in id order, `size` at a time (for previews), without offset paging. */
    async *batches(size: number): AsyncGenerator<IdentityRecord[]> {
      let after = 0;
      for (;;) {
        const rows = (await identities().findMany({
          where: { id: { $gt: after } },
          select: FIELDS,
          orderBy: { id: 'asc' },
          limit: size,
        })) as IdentityRecord[];
        if (rows.length === 0) return;
        yield rows;
        after = rows[rows.length - 1]!.id;
      }
    },

    /** One page in a stable order (the primary key), so paging never skips or repeats rows (Okta). */
    page: (where: Record<string, unknown>, offset: number, limit: number) =>
      identities().findMany({ where, select: FIELDS, orderBy: { id: 'asc' }, offset, limit }) as Promise<IdentityRecord[]>,

    /** Replaces the indexed values of one multi-valued attribute. */
    async setIndexedValues(identityId: number, attribute: string, newValues: string[]): Promise<void> {
      await values().deleteMany({ where: { identityId, attribute } });
      await this.addIndexedValues(identityId, attribute, newValues);
    },

    /** Indexes the values of a new identity (which has none yet). */
    async addIndexedValues(identityId: number, attribute: string, newValues: string[]): Promise<void> {
      const unique = [...new Set(newValues.map((value) => value.toLowerCase()))];
      if (unique.length > 0) {
        await insertRows(strapi, UID.identityValue, unique.map((valueLower) => ({ documentId: newDocumentId(), identityId, attribute, valueLower })));
      }
    },

    /** Identity ids whose indexed `attribute` satisfies `condition` (a query-engine operator object). */
    async idsByIndexedValue(attribute: string, condition: Record<string, unknown>, limit: number): Promise<number[]> {
      const rows = (await values().findMany({
        where: { attribute, valueLower: condition },
        select: ['identityId'],
        limit: limit + 1,
      })) as { identityId: number }[];
      return [...new Set(rows.map((row) => row.identityId))];
    },
  };
}

export type IdentityRepository = ReturnType<typeof createIdentityRepository>;

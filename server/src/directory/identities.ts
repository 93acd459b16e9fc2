/**
 * Storage of SCIM Users ("identities"). Each row keeps the canonical SCIM data as JSON plus the indexed
 * columns filters and look-ups run on; `identity-value` rows index multi-valued attributes (emails).
 */
import { UID } from '../content-types';
import type { Strapi } from '../strapi/types';
import { findInChunks } from './database';

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
  createdAt: string;
  updatedAt: string;
}

export interface GroupReference {
  value: string;
  display: string;
}

const FIELDS = [
  'id', 'directoryId', 'scimId', 'userName', 'userNameLower', 'externalId', 'displayNameLower', 'emailLower',
  'active', 'data', 'version', 'adminUserId', 'createdAt', 'updatedAt',
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

    findManyByScimIds: (directoryId: number, scimIds: string[]) =>
      findInChunks(scimIds, 500, (chunk) =>
        identities().findMany({
          where: { directoryId, scimId: { $in: chunk } },
          select: ['id', 'scimId', 'userName', 'displayNameLower', 'data'],
        }) as Promise<Pick<IdentityRecord, 'id' | 'scimId' | 'userName' | 'displayNameLower' | 'data'>[]>
      ),

    findManyByIds: (ids: number[]) =>
      findInChunks(ids, 500, (chunk) =>
        identities().findMany({ where: { id: { $in: chunk } }, select: FIELDS }) as Promise<IdentityRecord[]>
      ),

    insert: (data: Omit<IdentityRecord, 'id' | 'createdAt' | 'updatedAt'>) =>
      identities().create({ data, select: FIELDS }) as Promise<IdentityRecord>,

    update: (id: number, data: Partial<Omit<IdentityRecord, 'id' | 'createdAt' | 'updatedAt'>>) =>
      identities().update({ where: { id }, data, select: FIELDS }) as Promise<IdentityRecord>,

    async delete(id: number): Promise<void> {
      await values().deleteMany({ where: { identityId: id } });
      await identities().delete({ where: { id } });
    },

    count: (where: Record<string, unknown>) => identities().count({ where }) as Promise<number>,

    /** One page in a stable order (the primary key), so paging never skips or repeats rows (Okta). */
    page: (where: Record<string, unknown>, offset: number, limit: number) =>
      identities().findMany({ where, select: FIELDS, orderBy: { id: 'asc' }, offset, limit }) as Promise<IdentityRecord[]>,

    /** Replaces the indexed values of one multi-valued attribute. */
    async setIndexedValues(identityId: number, attribute: string, newValues: string[]): Promise<void> {
      await values().deleteMany({ where: { identityId, attribute } });
      const unique = [...new Set(newValues.map((value) => value.toLowerCase()))];
      if (unique.length > 0) {
        await values().createMany({ data: unique.map((valueLower) => ({ identityId, attribute, valueLower })) });
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

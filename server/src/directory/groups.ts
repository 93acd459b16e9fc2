/**
 * Storage of SCIM Groups and their memberships. Members are rows of their own, so adding or removing
 * members touches only those rows: the cost of a PATCH does not grow with the size of the group.
 */
import { UID } from '../content-types';
import type { Strapi } from '../strapi/types';
import { findInChunks, lockRows } from './database';

export interface GroupRecord {
  id: number;
  directoryId: number;
  scimId: string;
  displayName: string;
  displayNameLower: string;
  externalId: string | null;
  data: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface GroupOfIdentity {
  scimId: string;
  displayName: string;
  externalId: string | null;
}

export interface MemberRecord {
  identityId: number;
  scimId: string;
  display: string;
}

const FIELDS = ['id', 'directoryId', 'scimId', 'displayName', 'displayNameLower', 'externalId', 'data', 'version', 'createdAt', 'updatedAt'];

export function createGroupRepository(strapi: Strapi) {
  const groups = () => strapi.db.query(UID.group);
  const memberships = () => strapi.db.query(UID.membership);
  const identities = () => strapi.db.query(UID.identity);

  return {
    findByScimId: (directoryId: number, scimId: string) =>
      groups().findOne({ where: { directoryId, scimId }, select: FIELDS }) as Promise<GroupRecord | null>,

    /** Locks the group for the rest of the transaction and reads it as the last writer committed it. */
    async findByIdForUpdate(id: number): Promise<GroupRecord | null> {
      await lockRows(strapi, UID.group, [id]);
      return groups().findOne({ where: { id }, select: FIELDS }) as Promise<GroupRecord | null>;
    },

    findByDisplayName: (directoryId: number, displayName: string) =>
      groups().findOne({
        where: { directoryId, displayNameLower: displayName.toLowerCase() },
        select: FIELDS,
      }) as Promise<GroupRecord | null>,

    insert: (data: Omit<GroupRecord, 'id' | 'createdAt' | 'updatedAt'>) =>
      groups().create({ data, select: FIELDS }) as Promise<GroupRecord>,

    update: (id: number, data: Partial<Omit<GroupRecord, 'id' | 'createdAt' | 'updatedAt'>>) =>
      groups().update({ where: { id }, data, select: FIELDS }) as Promise<GroupRecord>,

    async delete(id: number): Promise<void> {
      await memberships().deleteMany({ where: { groupId: id } });
      await groups().delete({ where: { id } });
    },

    count: (where: Record<string, unknown>) => groups().count({ where }) as Promise<number>,

    page: (where: Record<string, unknown>, offset: number, limit: number) =>
      groups().findMany({ where, select: FIELDS, orderBy: { id: 'asc' }, offset, limit }) as Promise<GroupRecord[]>,

    /** Adds members that are not members yet; returns how many rows were added. */
    async addMembers(groupId: number, identityIds: number[]): Promise<number> {
      if (identityIds.length === 0) return 0;
      const existing = await findInChunks(identityIds, 500, (chunk) =>
        memberships().findMany({ where: { groupId, identityId: { $in: chunk } }, select: ['identityId'] }) as Promise<
          { identityId: number }[]
        >
      );
      const present = new Set(existing.map((row) => row.identityId));
      const missing = [...new Set(identityIds)].filter((id) => !present.has(id));
      if (missing.length > 0) {
        await memberships().createMany({ data: missing.map((identityId) => ({ groupId, identityId })) });
      }
      return missing.length;
    },

    async removeMembers(groupId: number, identityIds: number[]): Promise<number> {
      let removed = 0;
      for (let offset = 0; offset < identityIds.length; offset += 500) {
        const chunk = identityIds.slice(offset, offset + 500);
        const result = (await memberships().deleteMany({ where: { groupId, identityId: { $in: chunk } } })) as { count: number };
        removed += result.count;
      }
      return removed;
    },

    async removeAllMembers(groupId: number): Promise<number> {
      const result = (await memberships().deleteMany({ where: { groupId } })) as { count: number };
      return result.count;
    },

    /** Every member of a group, for GET; never called when members are excluded. */
    async members(groupId: number): Promise<MemberRecord[]> {
      const rows = (await memberships().findMany({
        where: { groupId },
        select: ['identityId'],
        orderBy: { id: 'asc' },
      })) as { identityId: number }[];
      const ids = rows.map((row) => row.identityId);
      const people = await findInChunks(ids, 500, (chunk) =>
        identities().findMany({ where: { id: { $in: chunk } }, select: ['id', 'scimId', 'userName', 'data'] }) as Promise<
          { id: number; scimId: string; userName: string; data: Record<string, unknown> | null }[]
        >
      );
      const byId = new Map(people.map((person) => [person.id, person]));
      return ids.flatMap((identityId) => {
        const person = byId.get(identityId);
        if (!person) return [];
        const displayName = person.data?.displayName;
        return [{ identityId, scimId: person.scimId, display: typeof displayName === 'string' ? displayName : person.userName }];
      });
    },

    /** The groups of each identity: for the readOnly `groups` of Users, and for rules that match on groups. */
    async groupsOfIdentities(identityIds: number[]): Promise<Map<number, GroupOfIdentity[]>> {
      const result = new Map<number, GroupOfIdentity[]>();
      if (identityIds.length === 0) return result;
      const rows = await findInChunks(identityIds, 500, (chunk) =>
        memberships().findMany({ where: { identityId: { $in: chunk } }, select: ['identityId', 'groupId'] }) as Promise<
          { identityId: number; groupId: number }[]
        >
      );
      const groupRows = await findInChunks([...new Set(rows.map((row) => row.groupId))], 500, (chunk) =>
        groups().findMany({ where: { id: { $in: chunk } }, select: ['id', 'scimId', 'displayName', 'externalId'] }) as Promise<
          (GroupOfIdentity & { id: number })[]
        >
      );
      const byId = new Map(groupRows.map((group) => [group.id, group]));
      for (const row of rows) {
        const group = byId.get(row.groupId);
        if (!group) continue;
        const list = result.get(row.identityId) ?? [];
        list.push({ scimId: group.scimId, displayName: group.displayName, externalId: group.externalId });
        result.set(row.identityId, list);
      }
      return result;
    },

    /** Identity ids of every member of a group (to re-map them when the group is renamed or deleted). */
    async memberIdentityIds(groupId: number): Promise<number[]> {
      const rows = (await memberships().findMany({ where: { groupId }, select: ['identityId'] })) as { identityId: number }[];
      return rows.map((row) => row.identityId);
    },

    /** Group ids having a member whose identity id is in `identityIds` (filters on `members.value`). */
    async groupIdsWithMembers(identityIds: number[], limit: number): Promise<number[]> {
      const rows = await findInChunks(identityIds, 500, (chunk) =>
        memberships().findMany({ where: { identityId: { $in: chunk } }, select: ['groupId'], limit: limit + 1 }) as Promise<
          { groupId: number }[]
        >
      );
      return [...new Set(rows.map((row) => row.groupId))];
    },

    /** Removes an identity from every group (on user deletion). */
    removeIdentityEverywhere: (identityId: number) => memberships().deleteMany({ where: { identityId } }),
  };
}

export type GroupRepository = ReturnType<typeof createGroupRepository>;

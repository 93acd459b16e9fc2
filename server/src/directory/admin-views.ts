/**
 * The reads behind the admin pages' Identities and Groups lists: one page at a time (offset + limit, newest
 * first) with a total, never a whole table. Searches are prefix searches run as index range scans (see
 * `prefixRange`), one look-up per indexed column and directory, so they stay cheap at 100k people.
 */
import { UID } from '../content-types';
import type { Strapi } from '../strapi/types';
import { findInChunks } from './database';
import type { IdentityRecord } from './identities';
import type { GroupRecord } from './groups';

/** Searches stop collecting matches here; the page says "refine your search" past it. */
export const SEARCH_MATCH_LIMIT = 1000;

/**
 * `column` starts with `prefix`, as a range (`>= prefix` and `< prefix with its last character incremented`)
 * that a B-tree index answers on SQLite and PostgreSQL alike. `LIKE 'x%'` would not: SQLite's LIKE is
 * case-insensitive and skips BINARY indexes, PostgreSQL needs `text_pattern_ops` indexes for it.
 */
export function prefixRange(prefix: string): { $gte: string; $lt: string } {
  const last = prefix.charCodeAt(prefix.length - 1);
  return { $gte: prefix, $lt: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

export interface IdentityListFilter {
  directoryIds: number[];
  active?: boolean;
  search?: string;
}

const IDENTITY_LIST_FIELDS = [
  'id', 'directoryId', 'scimId', 'userName', 'externalId', 'emailLower', 'active', 'data', 'adminUserId', 'mapping', 'mappingStale', 'createdAt', 'updatedAt',
];
const GROUP_LIST_FIELDS = ['id', 'directoryId', 'scimId', 'displayName', 'externalId', 'createdAt', 'updatedAt'];

export type IdentityListRow = Pick<
  IdentityRecord,
  'id' | 'directoryId' | 'scimId' | 'userName' | 'externalId' | 'emailLower' | 'active' | 'data' | 'adminUserId' | 'mapping' | 'mappingStale' | 'createdAt' | 'updatedAt'
>;
export type GroupListRow = Pick<GroupRecord, 'id' | 'directoryId' | 'scimId' | 'displayName' | 'externalId' | 'createdAt' | 'updatedAt'>;

export function createAdminViews(strapi: Strapi) {
  const identities = () => strapi.db.query(UID.identity);
  const groups = () => strapi.db.query(UID.group);
  const memberships = () => strapi.db.query(UID.membership);
  const ssoIdentities = () => strapi.db.query(UID.ssoIdentity);

  /** Ids of rows whose columns start with the search text, one index range scan per (directory, column). */
  async function matchingIds(
    query: () => ReturnType<Strapi['db']['query']>,
    directoryIds: number[],
    columns: { perDirectory: string[]; global?: string[] },
    lower: string,
    raw: string
  ): Promise<{ ids: number[]; capped: boolean }> {
    const found = new Set<number>();
    const lookups: Record<string, unknown>[] = [];
    for (const directoryId of directoryIds) {
      for (const column of columns.perDirectory) {
        // externalId is case-sensitive (Entra object ids, Okta ids): matched as typed.
        lookups.push({ directoryId, [column]: prefixRange(column === 'externalId' ? raw : lower) });
      }
    }
    for (const column of columns.global ?? []) lookups.push({ [column]: prefixRange(lower) });
    for (const where of lookups) {
      const rows = (await query().findMany({ where, select: ['id', 'directoryId'], limit: SEARCH_MATCH_LIMIT + 1 })) as { id: number; directoryId: number }[];
      for (const row of rows) if (directoryIds.includes(row.directoryId)) found.add(row.id);
      if (found.size > SEARCH_MATCH_LIMIT) break;
    }
    const ids = [...found].sort((a, b) => b - a);
    return { ids: ids.slice(0, SEARCH_MATCH_LIMIT), capped: ids.length > SEARCH_MATCH_LIMIT };
  }

  /** One page of rows (`where` plus, when searching, the matching ids), newest first, and the total. */
  async function page<Row>(
    query: () => ReturnType<Strapi['db']['query']>,
    where: Record<string, unknown>,
    select: string[],
    offset: number,
    limit: number
  ): Promise<{ rows: Row[]; total: number }> {
    const [rows, total] = await Promise.all([
      query().findMany({ where, select, orderBy: { id: 'desc' }, offset, limit }) as Promise<Row[]>,
      query().count({ where }) as Promise<number>,
    ]);
    return { rows, total };
  }

  return {
    async identities(filter: IdentityListFilter, offset: number, limit: number) {
      const where: Record<string, unknown> = { directoryId: { $in: filter.directoryIds } };
      if (filter.active !== undefined) where.active = filter.active;
      let capped = false;
      if (filter.search) {
        const matched = await matchingIds(
          identities,
          filter.directoryIds,
          // Indexes: (directory_id, user_name_lower), (directory_id, display_name_lower), (directory_id, external_id), (email_lower).
          { perDirectory: ['userNameLower', 'displayNameLower', 'externalId'], global: ['emailLower'] },
          filter.search.toLowerCase(),
          filter.search
        );
        capped = matched.capped;
        where.id = { $in: matched.ids };
      }
      return { ...(await page<IdentityListRow>(identities, where, IDENTITY_LIST_FIELDS, offset, limit)), capped };
    },

    async groups(filter: { directoryIds: number[]; search?: string }, offset: number, limit: number) {
      const where: Record<string, unknown> = { directoryId: { $in: filter.directoryIds } };
      let capped = false;
      if (filter.search) {
        // Indexes: (directory_id, display_name_lower) unique, (directory_id, external_id).
        const matched = await matchingIds(groups, filter.directoryIds, { perDirectory: ['displayNameLower', 'externalId'] }, filter.search.toLowerCase(), filter.search);
        capped = matched.capped;
        where.id = { $in: matched.ids };
      }
      return { ...(await page<GroupListRow>(groups, where, GROUP_LIST_FIELDS, offset, limit)), capped };
    },

    /** Deactivations or deletions of one person waiting for an admin (index ib_deprovisions_identity_idx). */
    stagedDeprovisionsOf: (identityId: number) =>
      strapi.db.query(UID.deprovision).findMany({
        where: { identityId, status: 'staged' },
        select: ['id', 'kind', 'cause', 'tokenName', 'createdAt'],
        orderBy: { id: 'desc' },
      }) as Promise<{ id: number; kind: string; cause: string | null; tokenName: string | null; createdAt: string }[]>,

    /** Which of these people have a deactivation or deletion waiting for approval. */
    async withStagedDeprovisions(identityIds: number[]): Promise<Set<number>> {
      const rows = (await findInChunks(identityIds, 500, (chunk) =>
        strapi.db.query(UID.deprovision).findMany({ where: { identityId: { $in: chunk }, status: 'staged' }, select: ['identityId'] }) as Promise<{ identityId: number }[]>
      )) as { identityId: number }[];
      return new Set(rows.map((row) => row.identityId));
    },

    findGroup: (id: number) => groups().findOne({ where: { id }, select: GROUP_LIST_FIELDS }) as Promise<GroupListRow | null>,

    /** Members per group, one count each on the (group_id, identity_id) index. */
    async memberCounts(groupIds: number[]): Promise<Map<number, number>> {
      const counts = await Promise.all(groupIds.map((groupId) => memberships().count({ where: { groupId } }) as Promise<number>));
      return new Map(groupIds.map((groupId, index) => [groupId, Number(counts[index] ?? 0)]));
    },

    /** One page of a group's members (oldest identity first: the (group_id, identity_id) index order) and how many. */
    async members(groupId: number, offset: number, limit: number) {
      const [links, total] = await Promise.all([
        memberships().findMany({ where: { groupId }, select: ['identityId'], orderBy: { identityId: 'asc' }, offset, limit }) as Promise<{ identityId: number }[]>,
        memberships().count({ where: { groupId } }) as Promise<number>,
      ]);
      const ids = links.map((link) => link.identityId);
      const people = (await findInChunks(ids, 500, (chunk) =>
        identities().findMany({ where: { id: { $in: chunk } }, select: IDENTITY_LIST_FIELDS }) as Promise<IdentityListRow[]>
      )) as IdentityListRow[];
      const byId = new Map(people.map((person) => [person.id, person]));
      return { rows: ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])), total };
    },

    /** The SCIM identities bound to these admin users (at most one each), by admin user id: one query per 500. */
    async identitiesOfAdminUsers(adminUserIds: number[]): Promise<Map<number, Pick<IdentityRecord, 'id' | 'adminUserId' | 'mapping'>>> {
      const rows = (await findInChunks(adminUserIds, 500, (chunk) =>
        identities().findMany({ where: { adminUserId: { $in: chunk } }, select: ['id', 'adminUserId', 'mapping'] }) as Promise<Pick<IdentityRecord, 'id' | 'adminUserId' | 'mapping'>[]>
      )) as Pick<IdentityRecord, 'id' | 'adminUserId' | 'mapping'>[];
      return new Map(rows.flatMap((row) => (row.adminUserId ? [[row.adminUserId, row] as const] : [])));
    },

    /** SSO sign-ins of these admin users (connection and last sign-in), by admin user id. */
    async ssoSignIns(adminUserIds: number[]): Promise<Map<number, { connectionId: string; lastSignInAt: string | null }[]>> {
      const rows = (await findInChunks(adminUserIds, 500, (chunk) =>
        ssoIdentities().findMany({ where: { adminUserId: { $in: chunk } }, select: ['adminUserId', 'connectionId', 'lastSignInAt'] }) as Promise<
          { adminUserId: number; connectionId: string; lastSignInAt: string | null }[]
        >
      )) as { adminUserId: number; connectionId: string; lastSignInAt: string | null }[];
      const result = new Map<number, { connectionId: string; lastSignInAt: string | null }[]>();
      for (const row of rows) result.set(row.adminUserId, [...(result.get(row.adminUserId) ?? []), { connectionId: row.connectionId, lastSignInAt: row.lastSignInAt }]);
      return result;
    },

    /**
     * People who signed in through SSO (with or without a SCIM identity): one page, newest first. The e-mail
     * prefix search has no index of its own here; this table holds SSO sign-ins only, far fewer than identities.
     */
    async ssoPeople(filter: { search?: string }, offset: number, limit: number) {
      const where: Record<string, unknown> = filter.search ? { email: prefixRange(filter.search.toLowerCase()) } : {};
      return page<{ id: number; connectionId: string; adminUserId: number; email: string | null; lastSignInAt: string | null; createdAt: string }>(
        ssoIdentities,
        where,
        ['id', 'connectionId', 'adminUserId', 'email', 'lastSignInAt', 'createdAt'],
        offset,
        limit
      );
    },
  };
}

export type AdminViews = ReturnType<typeof createAdminViews>;

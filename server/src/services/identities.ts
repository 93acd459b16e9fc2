/**
 * What the Identities page reads and does: provisioned people and groups one page at a time (with their admin
 * user, roles, folders and metadata from the last mapping applied), one person's detail, and "re-apply the
 * mapping now" through the reconciler every other path uses.
 */
import type { AdminUser, Strapi } from '../strapi/types';
import { pluginContext } from '../plugin-context';
import { inTransaction, type IdentityRecord, type MappingSnapshot } from '../directory';
import { createAdminViews, type GroupListRow, type IdentityListRow } from '../directory/admin-views';
import { grantsThroughGroup, rolesThroughGroup } from '../mapping';
import { primaryEmail } from '../scim/resources/user';

/** SCIM people filter by directory and status; SSO sign-ins have neither (the controller refuses them). */
export type IdentityListQuery =
  | { source: 'scim'; directoryId?: number; active?: boolean; search?: string; page: number; pageSize: number }
  | { source: 'sso'; search?: string; page: number; pageSize: number };

const RECENT_EVENTS = 10;

/** Which parts of the mapping result differ (names only, as the provisioning log keeps them). */
export function changedParts(before: MappingSnapshot | null, after: MappingSnapshot): string[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const sorted = (list?: string[]) => [...(list ?? [])].sort();
  const changed: string[] = [];
  if (!same(sorted(before?.roles), sorted(after.roles))) changed.push('roles');
  if (!same(sorted(before?.folders), sorted(after.folders))) changed.push('folders');
  if (!same(before?.metadata ?? {}, after.metadata)) changed.push('metadata');
  if ((before?.active ?? true) !== after.active || Boolean(before?.held) !== Boolean(after.held)) changed.push('active');
  return changed;
}

/** Which parts of the admin user a re-apply changed: `adminRoles`, `adminActive` (names only). */
export function adminUserChanges(before: Pick<AdminUser, 'isActive' | 'roles'> | null, after: Pick<AdminUser, 'isActive' | 'roles'> | null): string[] {
  if (!after) return [];
  const codes = (user: Pick<AdminUser, 'roles'> | null) => (user?.roles ?? []).map((role) => role.code).sort().join('\n');
  const changed: string[] = [];
  if (!before || codes(before) !== codes(after)) changed.push('adminRoles');
  if (!before || before.isActive !== after.isActive) changed.push('adminActive');
  return changed;
}

export default ({ strapi }: { strapi: Strapi }) => {
  const context = () => pluginContext(strapi);
  const views = () => createAdminViews(strapi);

  async function directoryNames(): Promise<Map<number, string>> {
    return new Map((await context().store.directories.list()).map((directory) => [directory.id, directory.name]));
  }

  /** The page rows of identities: their admin user with roles, SSO sign-ins, mapping result and status. */
  async function describe(rows: IdentityListRow[], names: Map<number, string>) {
    const adminUserIds = rows.flatMap((row) => (row.adminUserId ? [row.adminUserId] : []));
    const [adminUsers, signIns, held] = await Promise.all([
      context().adminUsers.findManyByIds(adminUserIds),
      views().ssoSignIns(adminUserIds),
      views().withStagedDeprovisions(rows.map((row) => row.id)),
    ]);
    const byId = new Map(adminUsers.map((user) => [user.id, user]));
    return rows.map((row) => {
      const adminUser = row.adminUserId ? byId.get(row.adminUserId) : undefined;
      const displayName = typeof row.data?.displayName === 'string' ? row.data.displayName : null;
      return {
        id: row.id,
        source: 'scim' as const,
        directoryId: row.directoryId,
        directoryName: names.get(row.directoryId) ?? `#${row.directoryId}`,
        scimId: row.scimId,
        userName: row.userName,
        displayName,
        email: primaryEmail(row.data ?? {}) ?? row.emailLower,
        externalId: row.externalId,
        active: row.active,
        // Held: a deactivation or deletion (asked by the IdP or caused by the rules) waits for an admin.
        status: !row.active ? 'inactive' : row.mapping?.held || held.has(row.id) ? 'held' : row.mapping && !row.mapping.active ? 'no-access' : 'active',
        lastSync: row.updatedAt,
        createdAt: row.createdAt,
        mapping: row.mapping,
        mappingStale: row.mappingStale,
        adminUser: adminUser
          ? { id: adminUser.id, email: adminUser.email, isActive: adminUser.isActive, roles: (adminUser.roles ?? []).map(({ name, code }) => ({ name, code })) }
          : null,
        ssoSignIns: row.adminUserId ? (signIns.get(row.adminUserId) ?? []) : [],
      };
    });
  }

  /**
   * What each group of a page maps to: the roles the rules in force give its members through it (`grantsThroughGroup`),
   * worked out here from the cached rules, with the roles' display names (the adapter's short role cache, one
   * look-up per distinct role, never per row).
   */
  async function groupsMapTo(rows: Pick<GroupListRow, 'displayName' | 'externalId'>[]) {
    const mapping = await context().rules.current();
    const grants = rows.map((row) => rolesThroughGroup(grantsThroughGroup({ displayName: row.displayName, externalId: row.externalId }, mapping.policy)));
    const distinct = [...new Set(grants.flat().map((grant) => grant.role))];
    const found = await Promise.all(distinct.map((role) => context().adminUsers.findRole(role)));
    const roleOf = new Map(distinct.map((role, index) => [role, found[index] ? { code: found[index]!.code, name: found[index]!.name } : { code: role, name: role }]));
    return grants.map((roles) => ({
      roles: roles.map((grant) => ({ ...roleOf.get(grant.role)!, ruleIds: grant.ruleIds, conditional: grant.conditional })),
      rulesVersion: mapping.version,
    }));
  }

  const pagination = (page: number, pageSize: number, total: number, capped = false) => ({ page, pageSize, total, pageCount: Math.ceil(total / pageSize), capped });

  return {
    async listIdentities(query: IdentityListQuery) {
      const names = await directoryNames();
      const offset = (query.page - 1) * query.pageSize;
      if (query.source === 'sso') {
        const { rows, total } = await views().ssoPeople(query.search ? { search: query.search } : {}, offset, query.pageSize);
        // The page's admin users and their SCIM identities, one query each for the whole page.
        const adminUserIds = rows.map((row) => row.adminUserId);
        const [adminUserRows, identities] = await Promise.all([context().adminUsers.findManyByIds(adminUserIds), views().identitiesOfAdminUsers(adminUserIds)]);
        const adminUsers = new Map(adminUserRows.map((user) => [user.id, user]));
        const results = rows.map((row) => {
          const adminUser = adminUsers.get(row.adminUserId);
          const identity = identities.get(row.adminUserId);
          return {
            id: row.id,
            source: 'sso' as const,
            connectionId: row.connectionId,
            identityId: identity?.id ?? null,
            userName: row.email ?? adminUser?.email ?? `#${row.adminUserId}`,
            email: row.email,
            active: adminUser?.isActive ?? false,
            status: adminUser?.isActive ? 'active' : 'inactive',
            lastSync: row.lastSignInAt,
            createdAt: row.createdAt,
            mapping: identity?.mapping ?? null,
            adminUser: adminUser
              ? { id: adminUser.id, email: adminUser.email, isActive: adminUser.isActive, roles: (adminUser.roles ?? []).map(({ name, code }) => ({ name, code })) }
              : null,
          };
        });
        return { results, pagination: pagination(query.page, query.pageSize, total) };
      }
      const directoryIds = query.directoryId !== undefined ? [query.directoryId] : [...names.keys()];
      const { rows, total, capped } = await views().identities(
        { directoryIds, ...(query.active !== undefined ? { active: query.active } : {}), ...(query.search ? { search: query.search } : {}) },
        offset,
        query.pageSize
      );
      return { results: await describe(rows, names), pagination: pagination(query.page, query.pageSize, total, capped) };
    },

    /** One person: the list row plus their groups, SCIM attributes, staged deprovisionings and recent log entries. */
    async getIdentity(id: number) {
      const { store } = context();
      const identity = await store.identities.findById(id);
      if (!identity) return null;
      const [[row], groups, staged, events] = await Promise.all([
        describe([identity], await directoryNames()),
        store.groups.groupsOfIdentities([id]).then((map) => map.get(id) ?? []),
        views().stagedDeprovisionsOf(id),
        store.events.query({ resourceId: identity.scimId, page: 1, pageSize: RECENT_EVENTS }),
      ]);
      return { ...row, groups, scim: identity.data, staged, recentEvents: events.results };
    },

    /**
     * Applies the rules in force to one person now, through the reconciler (the same function SCIM writes and
     * rule changes use, so applying twice changes nothing the second time), and logs it. A refusal (e.g. it
     * would deactivate the last Super Admin) is logged as a failure and returned.
     */
    async reapplyMapping(id: number, by: string) {
      const { store, rules, reconciler, adminUsers } = context();
      const identity = await store.identities.findById(id);
      if (!identity) return null;
      const entry = (outcome: 'success' | 'failure' | 'staged', status: number, changed: string[] | null, detail: string) =>
        store.events.record({
          directoryId: identity.directoryId, tokenId: null, tokenName: null, method: 'ADMIN', resourceType: 'User',
          resourceId: identity.scimId, resourceName: identity.userName, operation: 'reapply-mapping', outcome, status,
          scimType: null, changed, detail,
        });
      try {
        const mapping = await rules.current();
        const result = await inTransaction(strapi, async () => {
          const current = (await store.identities.findById(id)) as IdentityRecord;
          const userBefore = current.adminUserId ? await adminUsers.findById(current.adminUserId) : null;
          const applied = await reconciler.reconcile(current, mapping);
          const after = (await store.identities.findById(id)) as IdentityRecord;
          const userAfter = await adminUsers.findById(applied.adminUserId);
          return { ...applied, before: current.mapping, after: after.mapping as MappingSnapshot, userBefore, userAfter };
        });
        // What the rules give (snapshot) and what the admin user had, e.g. roles someone changed by hand.
        const changed = [...changedParts(result.before, result.after), ...adminUserChanges(result.userBefore, result.userAfter)];
        await entry(result.held ? 'staged' : 'success', 200, changed, `re-applied by ${by} with rules version ${mapping.version}`);
        return { ok: true as const, identityId: id, changed, held: result.held, mapping: result.after };
      } catch (error) {
        const message = (error as Error).message.slice(0, 1000);
        await entry('failure', 409, null, `re-apply by ${by} refused: ${message}`);
        return { ok: false as const, message };
      }
    },

    async listGroups(query: { directoryId?: number; search?: string; page: number; pageSize: number }) {
      const names = await directoryNames();
      const directoryIds = query.directoryId !== undefined ? [query.directoryId] : [...names.keys()];
      const { rows, total, capped } = await views().groups(
        { directoryIds, ...(query.search ? { search: query.search } : {}) },
        (query.page - 1) * query.pageSize,
        query.pageSize
      );
      const [counts, mapsTo] = await Promise.all([views().memberCounts(rows.map((row) => row.id)), groupsMapTo(rows)]);
      const results = rows.map((row, index) => ({
        ...row,
        directoryName: names.get(row.directoryId) ?? `#${row.directoryId}`,
        lastSync: row.updatedAt,
        memberCount: counts.get(row.id) ?? 0,
        mapsTo: mapsTo[index],
      }));
      return { results, pagination: pagination(query.page, query.pageSize, total, capped) };
    },

    /** One page of a group's members; null when there is no such group. */
    async groupMembers(groupId: number, page: number, pageSize: number) {
      const group = await views().findGroup(groupId);
      if (!group) return null;
      const { rows, total } = await views().members(groupId, (page - 1) * pageSize, pageSize);
      return { group, results: await describe(rows, await directoryNames()), pagination: pagination(page, pageSize, total) };
    },
  };
};

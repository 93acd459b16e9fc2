/**
 * SCIM Groups. Membership changes are applied as row inserts/deletes of exactly the members named, so a
 * PATCH that adds 100 members costs the same whether the group has 0 or 50,000.
 */
import { randomUUID } from 'node:crypto';
import { scimErrors } from '../scim/errors';
import { checkIfMatch, weakEtag } from '../scim/etag';
import { parsePatchRequest, planGroupPatch } from '../scim/patch';
import { parseGroupInput, serializeGroup } from '../scim/resources/group';
import type { MemberInput, ScimGroupData } from '../scim/resources/types';
import { GROUP_SCHEMAS } from '../scim/schema/attributes';
import { inTransaction, isUniqueViolation, type DirectoryStore, type GroupRecord } from '../directory';
import type { Strapi } from '../strapi/types';
import type { ScimConfig } from '../config';
import { groupLocation, userLocation, type ScimRequestContext } from './context';
import { GROUP_FIELDS, lookupOperator } from './fields';
import { search } from './search';
import { assertFitsColumn } from './limits';
import type { WriteResult } from './users';

const asString = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * Group changes can change what rules give the members. `mark` runs inside the write's transaction (so a
 * crash cannot lose the re-mapping), `process` after it commits.
 */
export interface MembershipEffects {
  mark(identityIds: number[]): Promise<void>;
  process(identityIds: number[]): Promise<void>;
}

export function createGroupProvisioning(strapi: Strapi, store: DirectoryStore, config: ScimConfig, effects: MembershipEffects) {
  const { groups, identities } = store;

  /**
   * Runs a group write in one transaction and re-maps the people it affected once the request's transaction
   * has committed: re-mapping inside it held the group's row lock meanwhile, so member PATCHes to one group
   * from several instances waited on each other's re-mapping (2 PATCH/s in bench/cluster-sync.mjs).
   */
  async function writeAffecting<T>(work: (affected: Set<number>) => Promise<T>): Promise<T> {
    const affected = new Set<number>();
    return inTransaction(strapi, async ({ whenCommitted }) => {
      const value = await work(affected);
      await effects.mark([...affected]);
      whenCommitted(() => effects.process([...affected]));
      return value;
    });
  }

  /**
   * One request may name at most `maxMembersPerRequest` members. Over it: 413 Payload Too Large, as RFC 7644
   * §3.7.4 answers a bulk request over its maxOperations (and as our PATCH does over maxPatchOperations);
   * not 400 invalidValue, since every member value may be valid — the request is only too big. Checked
   * before any write, so nothing is half-applied.
   */
  function assertMemberCount(count: number) {
    if (count > config.maxMembersPerRequest) {
      throw scimErrors.payloadTooLarge(
        `the request names ${count} members; at most ${config.maxMembersPerRequest} are accepted in one request — send them in several PATCH requests`
      );
    }
  }

  async function load(context: ScimRequestContext, id: string): Promise<GroupRecord> {
    const record = await groups.findByScimId(context.directoryId, id);
    if (!record) throw scimErrors.notFound(`Group ${id} not found`);
    return record;
  }

  /**
   * `load` for a write, inside its transaction: the group stays locked until commit, so writes to one group on
   * several instances take turns — a stale If-Match gets 412, and two adds of one member cannot both find it
   * missing and collide on the membership's unique index.
   */
  async function loadForWrite(context: ScimRequestContext, id: string): Promise<GroupRecord> {
    const found = await load(context, id);
    const record = await groups.findByIdForUpdate(found.id);
    if (!record) throw scimErrors.notFound(`Group ${id} not found`);
    return record;
  }

  /** Identity row ids of the given member values; every value must be a User of this directory. */
  async function resolveMembers(context: ScimRequestContext, members: MemberInput[]): Promise<number[]> {
    const wanted = [...new Set(members.map((member) => member.value))];
    if (wanted.length === 0) return [];
    const found = await identities.findManyByScimIds(context.directoryId, wanted);
    if (found.length !== wanted.length) {
      const known = new Set(found.map((row) => row.scimId));
      const unknown = wanted.filter((value) => !known.has(value));
      throw scimErrors.invalidValue(
        `members not found among this directory's Users: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''}`
      );
    }
    return found.map((row) => row.id);
  }

  async function assertDisplayNameFree(context: ScimRequestContext, displayName: string, ownId?: number) {
    const holder = await groups.findByDisplayName(context.directoryId, displayName);
    if (holder && holder.id !== ownId) throw scimErrors.uniqueness(`a group named ${displayName} already exists`);
  }

  const uniquenessOf = (error: unknown, displayName: string) =>
    isUniqueViolation(error) ? scimErrors.uniqueness(`a group named ${displayName} already exists`) : error;

  const columnsOf = (data: ScimGroupData) => {
    const displayName = String(data.displayName);
    const columns = { displayName, displayNameLower: displayName.toLowerCase(), externalId: asString(data.externalId) };
    assertFitsColumn('displayName', columns.displayName);
    assertFitsColumn('displayName', columns.displayNameLower);
    assertFitsColumn('externalId', columns.externalId);
    return columns;
  };

  async function toScim(context: ScimRequestContext, record: GroupRecord, withMembers: boolean) {
    const members = withMembers
      ? (await groups.members(record.id)).map((member) => ({ value: member.scimId, display: member.display, type: 'User' as const }))
      : undefined;
    return serializeGroup(
      {
        id: record.scimId,
        data: record.data,
        created: record.createdAt,
        lastModified: record.updatedAt,
        version: record.version,
        ...(members ? { members } : {}),
      },
      { location: groupLocation(context, record.scimId), userLocation: (id: string) => userLocation(context, id) }
    );
  }

  async function saveData(context: ScimRequestContext, record: GroupRecord, data: ScimGroupData) {
    const columns = columnsOf(data);
    if (columns.displayNameLower !== record.displayNameLower) await assertDisplayNameFree(context, columns.displayName, record.id);
    return groups.update(record.id, { ...columns, data, version: record.version + 1 }).catch((error: unknown) => {
      throw uniquenessOf(error, columns.displayName);
    });
  }

  return {
    async create(context: ScimRequestContext, body: unknown): Promise<WriteResult> {
      const { data, members } = parseGroupInput(body);
      assertMemberCount(members?.length ?? 0);
      const columns = columnsOf(data);
      const record = await writeAffecting(async (affected) => {
        await assertDisplayNameFree(context, columns.displayName);
        const inserted = await groups
          .insert({ ...columns, directoryId: context.directoryId, scimId: randomUUID(), data, version: 1 })
          .catch((error: unknown) => {
            throw uniquenessOf(error, columns.displayName);
          });
        // Okta's group push creates groups with their members in the same request.
        if (members && members.length > 0) {
          const ids = await resolveMembers(context, members);
          await groups.addMembers(inserted.id, ids);
          ids.forEach((id) => affected.add(id));
        }
        return inserted;
      });
      const changed = [...Object.keys(data), ...(members?.length ? ['members'] : [])];
      return { resource: await toScim(context, record, true), changed, name: record.displayName, etag: weakEtag(record.version) };
    },

    async get(context: ScimRequestContext, id: string, withMembers: boolean) {
      const record = await load(context, id);
      return { resource: await toScim(context, record, withMembers), etag: weakEtag(record.version) };
    },

    async replace(context: ScimRequestContext, id: string, body: unknown, ifMatch?: string): Promise<WriteResult> {
      const { data, members } = parseGroupInput(body);
      assertMemberCount(members?.length ?? 0);
      const updated = await writeAffecting(async (affected) => {
        const record = await loadForWrite(context, id);
        checkIfMatch(ifMatch, weakEtag(record.version));
        const before = await groups.memberIdentityIds(record.id);
        const saved = await saveData(context, record, data);
        // Okta PUTs groups with their full member list. A PUT without `members` keeps them: emptying a group
        // because a client left the attribute out is the failure mode that has wiped real groups elsewhere.
        if (members) {
          const ids = await resolveMembers(context, members);
          await groups.removeAllMembers(record.id);
          await groups.addMembers(record.id, ids);
          ids.forEach((id) => affected.add(id));
        }
        before.forEach((id) => affected.add(id));
        return saved;
      });
      const changed = ['displayName', 'externalId', ...(members ? ['members'] : [])];
      return { resource: await toScim(context, updated, true), changed, name: updated.displayName, etag: weakEtag(updated.version) };
    },

    async patch(context: ScimRequestContext, id: string, body: unknown, ifMatch?: string): Promise<WriteResult> {
      const operations = parsePatchRequest(body, { maxOperations: config.maxPatchOperations });
      const outcome = await writeAffecting(async (affected) => {
        const record = await loadForWrite(context, id);
        checkIfMatch(ifMatch, weakEtag(record.version));
        const plan = planGroupPatch(operations, { id: record.scimId, data: record.data ?? {} });
        assertMemberCount(plan.members.add.length + plan.members.remove.length + (plan.members.replaceAll?.length ?? 0));
        const membersTouched =
          plan.members.removeAll || plan.members.replaceAll !== undefined || plan.members.add.length > 0 || plan.members.remove.length > 0;
        if (plan.changed.length === 0 && !membersTouched) return { updated: record, changed: [] as string[] };
        const renamed = plan.changed.includes('displayName') || plan.changed.includes('externalId');
        const note = (ids: number[]) => ids.forEach((id) => affected.add(id));
        // Emptying or renaming touches every member; otherwise only the members named in the request.
        if (plan.members.removeAll || plan.members.replaceAll || renamed) note(await groups.memberIdentityIds(record.id));
        if (plan.members.removeAll) await groups.removeAllMembers(record.id);
        if (plan.members.replaceAll) {
          const ids = await resolveMembers(context, plan.members.replaceAll);
          await groups.removeAllMembers(record.id);
          await groups.addMembers(record.id, ids);
          note(ids);
        }
        if (plan.members.remove.length > 0) {
          const ids = (await identities.findManyByScimIds(context.directoryId, plan.members.remove)).map((row) => row.id);
          await groups.removeMembers(record.id, ids);
          note(ids);
        }
        if (plan.members.add.length > 0) {
          const ids = await resolveMembers(context, plan.members.add);
          await groups.addMembers(record.id, ids);
          note(ids);
        }
        const changed = [...plan.changed, ...(membersTouched && !plan.changed.includes('members') ? ['members'] : [])];
        return { updated: await saveData(context, record, plan.data), changed };
      });
      const { updated, changed } = outcome;
      // RFC 7644 §3.5.2 allows 204 or the resource; the resource without members keeps large groups cheap.
      return { resource: await toScim(context, updated, false), changed, name: updated.displayName, etag: weakEtag(updated.version) };
    },

    async delete(context: ScimRequestContext, id: string): Promise<{ name: string }> {
      return writeAffecting(async (affected) => {
        const record = await loadForWrite(context, id);
        (await groups.memberIdentityIds(record.id)).forEach((id) => affected.add(id));
        await groups.delete(record.id);
        return { name: record.displayName };
      });
    },

    async list(context: ScimRequestContext, request: { filter?: string; startIndex: number; count: number; withRelated: boolean }) {
      const { rows, total } = await search<GroupRecord>(
        {
          schemas: GROUP_SCHEMAS,
          fields: GROUP_FIELDS,
          count: (where) => groups.count(where),
          page: (where, offset, limit) => groups.page(where, offset, limit),
          async lookup(condition, limit) {
            // members.value names Users by their SCIM id: find those identities, then their groups.
            const people = await identities.page(
              { directoryId: context.directoryId, scimId: lookupOperator(condition.op, condition.value, false) },
              0,
              limit + 1
            );
            return groups.groupIdsWithMembers(people.map((person) => person.id), limit);
          },
          toResource: (row) =>
            serializeGroup(
              { id: row.scimId, data: row.data, created: row.createdAt, lastModified: row.updatedAt, version: row.version },
              { location: groupLocation(context, row.scimId) }
            ),
        },
        {
          filter: request.filter,
          startIndex: request.startIndex,
          count: request.count,
          scope: { directoryId: context.directoryId },
          maxCandidates: config.maxFilterCandidates,
        }
      );
      const resources = await Promise.all(rows.map((row) => toScim(context, row, request.withRelated)));
      return { resources, total };
    },
  };
}

export type GroupProvisioning = ReturnType<typeof createGroupProvisioning>;

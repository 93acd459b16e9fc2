/**
 * SCIM Users → identities → Strapi admin users. Each write is one transaction: the identity, its indexed
 * values and its admin user change together or not at all.
 */
import { randomUUID } from 'node:crypto';
import { scimErrors } from '../scim/errors';
import { checkIfMatch, weakEtag } from '../scim/etag';
import { applyUserPatch, parsePatchRequest } from '../scim/patch';
import { displayNameParts, parseUserInput, primaryEmail, serializeUser } from '../scim/resources/user';
import type { ScimUserData } from '../scim/resources/types';
import { USER_SCHEMAS } from '../scim/schema/attributes';
import { inTransaction, isUniqueViolation, type DirectoryStore, type IdentityRecord } from '../directory';
import type { AdminProfile, AdminUserBinding } from '../sync/admin-user-binding';
import type { Strapi } from '../strapi/types';
import type { ScimConfig } from '../config';
import { userLocation, type ScimRequestContext } from './context';
import { USER_FIELDS, lookupOperator } from './fields';
import { search } from './search';

export interface WriteResult {
  resource: Record<string, unknown>;
  changed: string[];
  name: string;
  etag: string;
}

const asString = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The indexed columns of an identity, derived from its SCIM data. */
export function identityColumns(data: ScimUserData) {
  const userName = String(data.userName);
  const email = primaryEmail(data);
  return {
    userName,
    userNameLower: userName.toLowerCase(),
    externalId: asString(data.externalId),
    displayNameLower: asString(data.displayName)?.toLowerCase() ?? null,
    emailLower: email ? email.toLowerCase() : null,
    active: data.active !== false,
  };
}

const emailValues = (data: ScimUserData): string[] =>
  Array.isArray(data.emails)
    ? data.emails.flatMap((email) => (email && typeof (email as { value?: unknown }).value === 'string' ? [(email as { value: string }).value] : []))
    : [];

function adminProfile(data: ScimUserData): AdminProfile {
  const email = primaryEmail(data);
  if (!email) {
    throw scimErrors.invalidValue(
      'the user has no email: send emails (primary or work) or a userName that is an email address — Strapi admin users are identified by email'
    );
  }
  const { firstname, lastname } = displayNameParts(data);
  return { email, firstname: firstname ?? null, lastname: lastname ?? null, active: data.active !== false };
}

export function createUserProvisioning(strapi: Strapi, store: DirectoryStore, binding: AdminUserBinding, config: ScimConfig) {
  const { identities, groups } = store;

  async function load(context: ScimRequestContext, id: string): Promise<IdentityRecord> {
    const record = await identities.findByScimId(context.directoryId, id);
    if (!record) throw scimErrors.notFound(`User ${id} not found`);
    return record;
  }

  async function toScim(context: ScimRequestContext, record: IdentityRecord, withGroups = true) {
    const groupMap = withGroups ? await groups.groupsOfIdentities([record.id]) : undefined;
    return serializeUser(
      {
        id: record.scimId,
        data: record.data,
        created: record.createdAt,
        lastModified: record.updatedAt,
        version: record.version,
        ...(groupMap ? { groups: groupMap.get(record.id) ?? [] } : {}),
      },
      { location: userLocation(context, record.scimId) }
    );
  }

  async function assertUserNameFree(context: ScimRequestContext, userName: string, ownId?: number) {
    const holder = await identities.findByUserName(context.directoryId, userName);
    if (holder && holder.id !== ownId) throw scimErrors.uniqueness(`userName ${userName} is already taken`);
  }

  const uniquenessOf = (error: unknown, userName: string) =>
    isUniqueViolation(error) ? scimErrors.uniqueness(`userName ${userName} is already taken`) : error;

  async function write(context: ScimRequestContext, record: IdentityRecord, data: ScimUserData, changed: string[]): Promise<WriteResult> {
    const updated = await inTransaction(strapi, async () => {
      const columns = identityColumns(data);
      if (columns.userNameLower !== record.userNameLower) await assertUserNameFree(context, columns.userName, record.id);
      const adminUserId = record.adminUserId
        ? await binding.sync(record.adminUserId, adminProfile(data))
        : await binding.bind(adminProfile(data));
      const next = await identities
        .update(record.id, { ...columns, data, adminUserId, version: record.version + 1 })
        .catch((error: unknown) => {
          throw uniquenessOf(error, columns.userName);
        });
      await identities.setIndexedValues(record.id, 'emails.value', emailValues(data));
      return next;
    });
    return { resource: await toScim(context, updated), changed, name: updated.userName, etag: weakEtag(updated.version) };
  }

  return {
    async create(context: ScimRequestContext, body: unknown): Promise<WriteResult> {
      const { data } = parseUserInput(body);
      const profile = adminProfile(data);
      const columns = identityColumns(data);
      const record = await inTransaction(strapi, async () => {
        await assertUserNameFree(context, columns.userName);
        // The identity row goes in first: its unique index is what serialises two racing creates.
        const inserted = await identities
          .insert({ ...columns, directoryId: context.directoryId, scimId: randomUUID(), data, version: 1, adminUserId: null })
          .catch((error: unknown) => {
            throw uniquenessOf(error, columns.userName);
          });
        const adminUserId = await binding.bind(profile);
        await identities.setIndexedValues(inserted.id, 'emails.value', emailValues(data));
        return identities.update(inserted.id, { adminUserId });
      });
      return {
        resource: await toScim(context, record, false),
        changed: Object.keys(data),
        name: record.userName,
        etag: weakEtag(record.version),
      };
    },

    async get(context: ScimRequestContext, id: string, options: { withGroups: boolean }) {
      const record = await load(context, id);
      return { resource: await toScim(context, record, options.withGroups), etag: weakEtag(record.version) };
    },

    async replace(context: ScimRequestContext, id: string, body: unknown, ifMatch?: string): Promise<WriteResult> {
      const { data } = parseUserInput(body);
      const record = await load(context, id);
      checkIfMatch(ifMatch, weakEtag(record.version));
      const changed = [...new Set([...Object.keys(record.data ?? {}), ...Object.keys(data)])].filter(
        (key) => JSON.stringify(record.data?.[key]) !== JSON.stringify(data[key])
      );
      return write(context, record, data, changed);
    },

    async patch(context: ScimRequestContext, id: string, body: unknown, ifMatch?: string): Promise<WriteResult> {
      const operations = parsePatchRequest(body, { maxOperations: config.maxPatchOperations });
      const record = await load(context, id);
      checkIfMatch(ifMatch, weakEtag(record.version));
      const { data, changed } = applyUserPatch(record.data ?? {}, operations, { id: record.scimId });
      if (changed.length === 0) {
        // Nothing to change (e.g. an empty Operations list): answer with the resource as it is.
        return { resource: await toScim(context, record), changed, name: record.userName, etag: weakEtag(record.version) };
      }
      return write(context, record, data, changed);
    },

    async delete(context: ScimRequestContext, id: string): Promise<{ name: string }> {
      const record = await load(context, id);
      await inTransaction(strapi, async () => {
        if (record.adminUserId) await binding.release(record.adminUserId, config.deleteMode);
        await groups.removeIdentityEverywhere(record.id);
        await identities.delete(record.id);
      });
      return { name: record.userName };
    },

    async list(context: ScimRequestContext, request: { filter?: string; startIndex: number; count: number; withGroups: boolean }) {
      const { rows, total } = await search<IdentityRecord>(
        {
          schemas: USER_SCHEMAS,
          fields: USER_FIELDS,
          count: (where) => identities.count(where),
          page: (where, offset, limit) => identities.page(where, offset, limit),
          lookup: (condition, limit) =>
            identities.idsByIndexedValue(condition.key, lookupOperator(condition.op, condition.value, true), limit),
          toResource: (row) =>
            serializeUser(
              { id: row.scimId, data: row.data, created: row.createdAt, lastModified: row.updatedAt, version: row.version },
              { location: userLocation(context, row.scimId) }
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
      const groupMap = request.withGroups ? await groups.groupsOfIdentities(rows.map((row) => row.id)) : undefined;
      const resources = rows.map((row) =>
        serializeUser(
          {
            id: row.scimId,
            data: row.data,
            created: row.createdAt,
            lastModified: row.updatedAt,
            version: row.version,
            ...(groupMap ? { groups: groupMap.get(row.id) ?? [] } : {}),
          },
          { location: userLocation(context, row.scimId) }
        )
      );
      return { resources, total };
    },
  };
}

export type UserProvisioning = ReturnType<typeof createUserProvisioning>;

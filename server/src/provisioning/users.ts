/**
 * SCIM Users → identities → Strapi admin users. Each write is one transaction: the identity, its indexed
 * values and its admin user change together or not at all.
 */
import { randomUUID } from 'node:crypto';
import { ScimError, scimErrors } from '../scim/errors';
import { checkIfMatch, weakEtag } from '../scim/etag';
import { applyUserPatch, parsePatchRequest } from '../scim/patch';
import { parseUserInput, primaryEmail, serializeUser } from '../scim/resources/user';
import type { ScimUserData } from '../scim/resources/types';
import { USER_SCHEMAS } from '../scim/schema/attributes';
import { inTransaction, isUniqueViolation, type DeprovisionCause, type DirectoryStore, type GroupOfIdentity, type GroupReference, type IdentityRecord } from '../directory';
import { findAllowedValueViolations, formatViolation } from '../mapping';
import type { AdminUserBinding } from '../sync/admin-user-binding';
import { adminProfileOf, type Reconciler, type ReconcileOptions } from '../sync/reconcile';
import type { ActiveMapping, MappingRules } from '../sync/mapping-rules';
import type { DeprovisionGuard } from '../sync/deprovision-guard';
import type { Strapi } from '../strapi/types';
import type { ScimConfig } from '../config';
import { userLocation, type ScimRequestContext } from './context';
import { USER_FIELDS, lookupOperator } from './fields';
import { assertFitsColumn } from './limits';
import { search } from './search';

export interface WriteResult {
  resource: Record<string, unknown>;
  changed: string[];
  name: string;
  etag: string;
  /** Set when deprovision safety held a deactivation or deletion for approval instead of applying it. */
  staged?: 'deactivate' | 'delete';
}

const asGroupReferences = (list: GroupOfIdentity[] | undefined): GroupReference[] =>
  (list ?? []).map((group) => ({ value: group.scimId, display: group.displayName }));

const asString = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** The indexed columns of an identity, derived from its SCIM data. */
export function identityColumns(data: ScimUserData) {
  const userName = String(data.userName);
  const email = primaryEmail(data);
  const columns = {
    userName,
    userNameLower: userName.toLowerCase(),
    externalId: asString(data.externalId),
    displayNameLower: asString(data.displayName)?.toLowerCase() ?? null,
    emailLower: email ? email.toLowerCase() : null,
    active: data.active !== false,
  };
  assertFitsColumn('userName', columns.userName);
  assertFitsColumn('userName', columns.userNameLower);
  assertFitsColumn('externalId', columns.externalId);
  assertFitsColumn('displayName', columns.displayNameLower);
  assertFitsColumn('emails.value', columns.emailLower);
  return columns;
}

/**
 * Every value of `data` that lands in a column: the identity's own (above), each indexed email and the
 * Strapi admin user's email and names (varchar(255) there too). Call before opening a transaction.
 */
function assertStorable(data: ScimUserData): void {
  identityColumns(data);
  for (const email of emailValues(data)) assertFitsColumn('emails.value', email.toLowerCase());
  const profile = adminProfileOf(data);
  assertFitsColumn('emails.value', profile.email);
  assertFitsColumn('name.givenName', profile.firstname);
  assertFitsColumn('name.familyName', profile.lastname);
}

const emailValues = (data: ScimUserData): string[] =>
  Array.isArray(data.emails)
    ? data.emails.flatMap((email) => (email && typeof (email as { value?: unknown }).value === 'string' ? [(email as { value: string }).value] : []))
    : [];

/**
 * Owners may require an attribute to hold one of a set of values; a write that breaks it is refused before
 * anything is written, with a detail the IdP's provisioning log shows as it is.
 */
function assertAllowedValues(data: ScimUserData, mapping: ActiveMapping) {
  const violations = findAllowedValueViolations(data, mapping.attributes);
  if (violations.length > 0) throw scimErrors.invalidValue(violations.map(formatViolation).join('; '));
}

export interface UserProvisioningDeps {
  strapi: Strapi;
  store: DirectoryStore;
  guard: DeprovisionGuard;
  rules: MappingRules;
  reconciler: Reconciler;
  binding: AdminUserBinding;
  config: ScimConfig;
  /** Invites a new admin user (never rejects); called after the create's transaction commits. */
  invite?: (adminUserId: number) => Promise<unknown>;
  /** Called after a create commits (see strapi/super-admin-watch.ts); must not throw. */
  afterCreate?: () => void;
}

export function createUserProvisioning({ strapi, store, guard, rules, reconciler, binding, config, invite, afterCreate }: UserProvisioningDeps) {
  const { identities, groups } = store;

  async function load(context: ScimRequestContext, id: string): Promise<IdentityRecord> {
    const record = await identities.findByScimId(context.directoryId, id);
    if (!record) throw scimErrors.notFound(`User ${id} not found`);
    return record;
  }

  /**
   * `load` for a write, inside its transaction: the row stays locked until commit, so two instances writing one
   * user take turns and each works on what the other committed — a stale If-Match gets 412 instead of both
   * answering 200 and one change silently overwriting the other.
   */
  async function loadForWrite(context: ScimRequestContext, id: string): Promise<IdentityRecord> {
    const found = await load(context, id);
    const record = await identities.findByIdForUpdate(found.id);
    if (!record) throw scimErrors.notFound(`User ${id} not found`);
    return record;
  }

  /** The SCIM JSON of a stored identity; `groups` only when the caller loaded them. */
  const serialize = (context: ScimRequestContext, record: IdentityRecord, memberOf?: GroupReference[]) =>
    serializeUser(
      {
        id: record.scimId,
        data: record.data,
        created: record.createdAt,
        lastModified: record.updatedAt,
        version: record.version,
        ...(memberOf ? { groups: memberOf } : {}),
      },
      { location: userLocation(context, record.scimId) }
    );

  async function toScim(context: ScimRequestContext, record: IdentityRecord, withGroups = true) {
    const memberOf = withGroups ? asGroupReferences((await groups.groupsOfIdentities([record.id])).get(record.id)) : undefined;
    return serialize(context, record, memberOf);
  }

  async function assertUserNameFree(context: ScimRequestContext, userName: string, ownId?: number) {
    const holder = await identities.findByUserName(context.directoryId, userName);
    if (holder && holder.id !== ownId) throw scimErrors.uniqueness(`userName ${userName} is already taken`);
  }

  const uniquenessOf = (error: unknown, userName: string) =>
    isUniqueViolation(error) ? scimErrors.uniqueness(`userName ${userName} is already taken`) : error;

  /** Two directories racing to provision one email both pass the look-up; the admin users' unique email decides. */
  const emailUniquenessOf = (error: unknown, email: string) =>
    isUniqueViolation(error) ? scimErrors.uniqueness(`email ${email} already belongs to another Strapi admin user`) : error;

  /** Binds and reconciles the admin user of a just-written identity (inside the request's transaction). */
  const reconcile = (identity: IdentityRecord, mapping: ActiveMapping, options?: ReconcileOptions) =>
    reconciler.reconcile(identity, mapping, options).catch((error: unknown) => {
      throw emailUniquenessOf(error, primaryEmail(identity.data) ?? '');
    });

  const deactivates = (record: IdentityRecord, data: ScimUserData) => record.data?.active !== false && data.active === false;

  async function write(context: ScimRequestContext, record: IdentityRecord, requested: ScimUserData, changed: string[]): Promise<WriteResult> {
    const mapping = await rules.current();
    assertAllowedValues(requested, mapping);
    assertStorable(requested);
    let staged: WriteResult['staged'];
    const updated = await inTransaction(strapi, async () => {
      let data = requested;
      if (deactivates(record, requested)) {
        const decision = await guard.decide(
          { directoryId: context.directoryId, identityId: record.id, userName: record.userName, tokenName: context.tokenName },
          'deactivate'
        );
        // Held for approval: everything else in the request applies; the person stays active meanwhile.
        if (decision === 'stage') {
          staged = 'deactivate';
          data = { ...requested, active: true };
        }
      } else if (requested.active !== false) {
        // The IdP now wants this person active: a deactivation still waiting for approval is moot.
        await guard.withdraw(record.id, 'deactivate');
      }
      const columns = identityColumns(data);
      if (columns.userNameLower !== record.userNameLower) await assertUserNameFree(context, columns.userName, record.id);
      const next = await identities.update(record.id, { ...columns, data, version: record.version + 1 }).catch((error: unknown) => {
        throw uniquenessOf(error, columns.userName);
      });
      await identities.setIndexedValues(record.id, 'emails.value', emailValues(data));
      const { adminUserId, held } = await reconcile(next, mapping, { tokenName: context.tokenName });
      // The change makes the rules shut the person out, and deprovision safety holds that for approval.
      if (held) staged = 'deactivate';
      return { ...next, adminUserId };
    });
    return {
      resource: await toScim(context, updated),
      changed,
      name: updated.userName,
      etag: weakEtag(updated.version),
      ...(staged ? { staged } : {}),
    };
  }

  /** Deletes an identity: releases its admin user (per `deleteMode`), memberships and indexed values. */
  async function remove(record: IdentityRecord) {
    if (record.adminUserId) await binding.release(record.adminUserId, config.deleteMode);
    await groups.removeIdentityEverywhere(record.id);
    await identities.delete(record.id);
  }

  return {
    async create(context: ScimRequestContext, body: unknown): Promise<WriteResult> {
      const { data } = parseUserInput(body);
      const mapping = await rules.current();
      assertAllowedValues(data, mapping);
      assertStorable(data); // refuse a user without an email, or with values too long, before opening a transaction
      const columns = identityColumns(data);
      return inTransaction(strapi, async ({ onCommit }) => {
        // No look-up of the userName first: the identity's unique index refuses a taken one (and decides between
        // two racing creates), rolling the whole request back, admin user included. A create is the hottest
        // write (bench/RESULTS.md), and a taken userName is the rare case, so only failures pay to explain.
        const bound = await reconciler.bindNew(data, mapping).catch(async (error: unknown) => {
          // An IdP retrying a create that already succeeded holds that email too: name the userName, the cause.
          // (Only after the binding's own refusal: after a database error the transaction may be unusable.)
          if (error instanceof ScimError) await assertUserNameFree(context, columns.userName);
          throw emailUniquenessOf(error, primaryEmail(data) ?? '');
        });
        const inserted = await identities
          .insert({
            ...columns,
            directoryId: context.directoryId,
            scimId: randomUUID(),
            data,
            version: 1,
            adminUserId: bound.adminUserId,
            mapping: bound.mapping,
            mappingStale: false,
          })
          .catch((error: unknown) => {
            throw uniquenessOf(error, columns.userName);
          });
        await identities.addIndexedValues(inserted.id, 'emails.value', emailValues(data));
        // The invitation goes out only once the person really exists (the request may run in a wider
        // transaction, e.g. with its provisioning-log entry).
        if (invite) onCommit(() => void invite(bound.adminUserId));
        if (afterCreate) onCommit(afterCreate);
        return {
          resource: await toScim(context, inserted, false),
          changed: Object.keys(data),
          name: inserted.userName,
          etag: weakEtag(inserted.version),
        };
      });
    },

    async get(context: ScimRequestContext, id: string, withGroups: boolean) {
      const record = await load(context, id);
      return { resource: await toScim(context, record, withGroups), etag: weakEtag(record.version) };
    },

    async replace(context: ScimRequestContext, id: string, body: unknown, ifMatch?: string): Promise<WriteResult> {
      const { data } = parseUserInput(body);
      return inTransaction(strapi, async () => {
        const record = await loadForWrite(context, id);
        checkIfMatch(ifMatch, weakEtag(record.version));
        const changed = [...new Set([...Object.keys(record.data ?? {}), ...Object.keys(data)])].filter(
          (key) => JSON.stringify(record.data?.[key]) !== JSON.stringify(data[key])
        );
        return write(context, record, data, changed);
      });
    },

    async patch(context: ScimRequestContext, id: string, body: unknown, ifMatch?: string): Promise<WriteResult> {
      const operations = parsePatchRequest(body, { maxOperations: config.maxPatchOperations });
      return inTransaction(strapi, async () => {
        const record = await loadForWrite(context, id);
        checkIfMatch(ifMatch, weakEtag(record.version));
        const { data, changed } = applyUserPatch(record.data ?? {}, operations, { id: record.scimId });
        if (changed.length === 0) {
          // Nothing to change (e.g. an empty Operations list, or `active: true` for someone whose deactivation
          // is held): answer with the resource as it is — after withdrawing a held deactivation the IdP has
          // now contradicted.
          if (data.active !== false) await guard.withdraw(record.id, 'deactivate');
          return { resource: await toScim(context, record), changed, name: record.userName, etag: weakEtag(record.version) };
        }
        return write(context, record, data, changed);
      });
    },

    async delete(context: ScimRequestContext, id: string): Promise<{ name: string; staged?: 'delete' }> {
      const decision = await inTransaction(strapi, async () => {
        const record = await loadForWrite(context, id);
        const verdict = await guard.decide(
          { directoryId: context.directoryId, identityId: record.id, userName: record.userName, tokenName: context.tokenName },
          'delete'
        );
        if (verdict === 'apply') await remove(record);
        return { verdict, name: record.userName };
      });
      // A held deletion still answers 204: the IdP's request was accepted; an admin decides when it applies.
      return decision.verdict === 'stage' ? { name: decision.name, staged: 'delete' } : { name: decision.name };
    },

    /**
     * Applies a deactivation or deletion an admin approved (outside any SCIM request). A deactivation the
     * rules caused applies only if the rules still shut the person out; the SCIM data keeps `active` as the
     * IdP sent it.
     */
    async applyApproved(identityId: number, kind: 'deactivate' | 'delete', cause: DeprovisionCause = 'identity-provider'): Promise<boolean> {
      const mapping = await rules.current();
      return inTransaction(strapi, async () => {
        const record = await identities.findById(identityId);
        if (!record) return false;
        if (kind === 'delete') {
          await remove(record);
          return true;
        }
        if (cause === 'mapping-rules') {
          const { result } = await reconcile(record, mapping, { deactivationApproved: true });
          return !result.active;
        }
        const data = { ...record.data, active: false };
        const next = await identities.update(record.id, { ...identityColumns(data), data, version: record.version + 1 });
        await reconcile(next, mapping);
        return true;
      });
    },

    async list(context: ScimRequestContext, request: { filter?: string; startIndex: number; count: number; withRelated: boolean }) {
      const { rows, total } = await search<IdentityRecord>(
        {
          schemas: USER_SCHEMAS,
          fields: USER_FIELDS,
          count: (where) => identities.count(where),
          page: (where, offset, limit) => identities.page(where, offset, limit),
          lookup: (condition, limit) =>
            identities.idsByIndexedValue(condition.key, lookupOperator(condition.op, condition.value, true), limit),
          toResource: (row) => serialize(context, row),
        },
        {
          filter: request.filter,
          startIndex: request.startIndex,
          count: request.count,
          scope: { directoryId: context.directoryId },
          maxCandidates: config.maxFilterCandidates,
        }
      );
      const groupMap = request.withRelated ? await groups.groupsOfIdentities(rows.map((row) => row.id)) : undefined;
      const resources = rows.map((row) => serialize(context, row, groupMap ? asGroupReferences(groupMap.get(row.id)) : undefined));
      return { resources, total };
    },
  };
}

export type UserProvisioning = ReturnType<typeof createUserProvisioning>;

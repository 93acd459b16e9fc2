import { defineStorageType, integer, string, text, json, boolean, datetime } from './define';

/** A source of provisioned people: one per identity provider connection ("Entra ID — production", "Okta"). */
const directory = defineStorageType({
  singularName: 'directory',
  pluralName: 'directories',
  displayName: 'Directory',
  collectionName: 'ib_directories',
  attributes: {
    name: string({ required: true, unique: true }),
    description: text(),
    isDefault: boolean(false),
  },
  indexes: [{ name: 'ib_directories_name_uq', columns: ['name'], type: 'unique' }],
});

/** A SCIM bearer token. Only a SHA-256 digest of the secret is kept; the secret is shown once. */
const token = defineStorageType({
  singularName: 'token',
  pluralName: 'tokens',
  displayName: 'SCIM token',
  collectionName: 'ib_tokens',
  attributes: {
    name: string({ required: true }),
    description: text(),
    directoryId: integer({ required: true }),
    secretDigest: string({ required: true, unique: true }),
    secretHint: string(),
    source: string(),
    lastUsedAt: datetime(),
    revokedAt: datetime(),
  },
  indexes: [
    { name: 'ib_tokens_digest_uq', columns: ['secret_digest'], type: 'unique' },
    { name: 'ib_tokens_directory_idx', columns: ['directory_id'] },
  ],
});

/** A SCIM User. `data` holds the canonical SCIM attributes; the columns are the indexed projections of it. */
const identity = defineStorageType({
  singularName: 'identity',
  pluralName: 'identities',
  displayName: 'Identity',
  collectionName: 'ib_identities',
  attributes: {
    directoryId: integer({ required: true }),
    scimId: string({ required: true, unique: true }),
    userName: string({ required: true }),
    userNameLower: string({ required: true }),
    externalId: string(),
    displayNameLower: string(),
    emailLower: string(),
    active: boolean(true),
    data: json(),
    version: integer({ default: 1 }),
    adminUserId: integer(),
    /** What the mapping engine last gave this person (roles, folders, metadata, active). */
    mapping: json(),
    /** True while the person waits to be re-mapped (rules or group memberships changed). */
    mappingStale: boolean(false),
  },
  indexes: [
    // `unique: true` on an attribute is validation only in Strapi 5: uniqueness the database must enforce,
    // and every look-up column, needs an index declared here.
    { name: 'ib_identities_scim_id_uq', columns: ['scim_id'], type: 'unique' },
    { name: 'ib_identities_username_uq', columns: ['directory_id', 'user_name_lower'], type: 'unique' },
    // Lists page in primary-key order within a directory; this index walks that order without sorting.
    { name: 'ib_identities_directory_order_idx', columns: ['directory_id', 'id'] },
    { name: 'ib_identities_external_idx', columns: ['directory_id', 'external_id'] },
    { name: 'ib_identities_display_idx', columns: ['directory_id', 'display_name_lower'] },
    { name: 'ib_identities_email_idx', columns: ['email_lower'] },
    { name: 'ib_identities_active_idx', columns: ['directory_id', 'active'] },
    { name: 'ib_identities_modified_idx', columns: ['directory_id', 'updated_at'] },
    { name: 'ib_identities_admin_user_idx', columns: ['admin_user_id'] },
    { name: 'ib_identities_stale_idx', columns: ['mapping_stale', 'id'] },
  ],
});

/**
 * Values of multi-valued attributes that filters must find through an index (today `emails.value`):
 * one row per value, lower-cased.
 */
const identityValue = defineStorageType({
  singularName: 'identity-value',
  pluralName: 'identity-values',
  displayName: 'Identity value',
  collectionName: 'ib_identity_values',
  attributes: {
    identityId: integer({ required: true }),
    attribute: string({ required: true }),
    valueLower: string({ required: true }),
  },
  indexes: [
    { name: 'ib_identity_values_lookup_idx', columns: ['attribute', 'value_lower'] },
    { name: 'ib_identity_values_identity_idx', columns: ['identity_id'] },
  ],
});

/** A SCIM Group. Members live in `membership` rows so that changing them never loads the whole list. */
const group = defineStorageType({
  singularName: 'group',
  pluralName: 'groups',
  displayName: 'Group',
  collectionName: 'ib_groups',
  attributes: {
    directoryId: integer({ required: true }),
    scimId: string({ required: true, unique: true }),
    displayName: string({ required: true }),
    displayNameLower: string({ required: true }),
    externalId: string(),
    data: json(),
    version: integer({ default: 1 }),
  },
  indexes: [
    { name: 'ib_groups_scim_id_uq', columns: ['scim_id'], type: 'unique' },
    { name: 'ib_groups_display_uq', columns: ['directory_id', 'display_name_lower'], type: 'unique' },
    { name: 'ib_groups_directory_order_idx', columns: ['directory_id', 'id'] },
    { name: 'ib_groups_external_idx', columns: ['directory_id', 'external_id'] },
    { name: 'ib_groups_modified_idx', columns: ['directory_id', 'updated_at'] },
  ],
});

const membership = defineStorageType({
  singularName: 'membership',
  pluralName: 'memberships',
  displayName: 'Membership',
  collectionName: 'ib_memberships',
  attributes: {
    groupId: integer({ required: true }),
    identityId: integer({ required: true }),
  },
  indexes: [
    { name: 'ib_memberships_pair_uq', columns: ['group_id', 'identity_id'], type: 'unique' },
    { name: 'ib_memberships_identity_idx', columns: ['identity_id'] },
  ],
});

/** The provisioning log: one row per SCIM write (and per refused request), never with secrets. */
const event = defineStorageType({
  singularName: 'event',
  pluralName: 'events',
  displayName: 'Provisioning event',
  collectionName: 'ib_events',
  attributes: {
    directoryId: integer(),
    tokenId: integer(),
    tokenName: string(),
    method: string({ required: true }),
    resourceType: string(),
    resourceId: string(),
    resourceName: string(),
    operation: string({ required: true }),
    outcome: string({ required: true }),
    status: integer({ required: true }),
    scimType: string(),
    changed: json(),
    detail: text(),
  },
  indexes: [
    { name: 'ib_events_created_idx', columns: ['created_at'] },
    { name: 'ib_events_directory_idx', columns: ['directory_id', 'created_at'] },
    { name: 'ib_events_resource_idx', columns: ['resource_id'] },
  ],
});

/** Plugin settings edited at run time (the mapping rules), with a version for optimistic concurrency. */
const setting = defineStorageType({
  singularName: 'setting',
  pluralName: 'settings',
  displayName: 'Setting',
  collectionName: 'ib_settings',
  attributes: {
    key: string({ required: true }),
    value: json(),
    version: integer({ default: 1 }),
  },
  indexes: [{ name: 'ib_settings_key_uq', columns: ['key'], type: 'unique' }],
});

/**
 * Every deactivation and deletion, whether SCIM asks for it or the mapping rules stop letting someone in:
 * applied at once while few, held as `staged` for an admin's approval once a mass deprovisioning is under
 * way (deprovision safety).
 */
const deprovision = defineStorageType({
  singularName: 'deprovision',
  pluralName: 'deprovisions',
  displayName: 'Deprovisioning',
  collectionName: 'ib_deprovisions',
  attributes: {
    directoryId: integer({ required: true }),
    identityId: integer({ required: true }),
    userName: string(),
    kind: string({ required: true }),
    status: string({ required: true }),
    tokenName: string(),
    /** `identity-provider` (SCIM asked for it) or `mapping-rules` (no rule lets the person in any more). */
    cause: string(),
    decidedBy: string(),
    decidedAt: datetime(),
  },
  indexes: [
    { name: 'ib_deprovisions_window_idx', columns: ['directory_id', 'status', 'created_at'] },
    { name: 'ib_deprovisions_identity_idx', columns: ['identity_id', 'status'] },
  ],
});

export default {
  setting,
  deprovision,
  directory,
  token,
  identity,
  'identity-value': identityValue,
  group,
  membership,
  event,
};

export const UID = {
  setting: 'plugin::identity-bridge.setting',
  deprovision: 'plugin::identity-bridge.deprovision',
  directory: 'plugin::identity-bridge.directory',
  token: 'plugin::identity-bridge.token',
  identity: 'plugin::identity-bridge.identity',
  identityValue: 'plugin::identity-bridge.identity-value',
  group: 'plugin::identity-bridge.group',
  membership: 'plugin::identity-bridge.membership',
  event: 'plugin::identity-bridge.event',
} as const;

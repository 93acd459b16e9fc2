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
    // The status panel's "last use of a token": the newest lastUsedAt, read through this index.
    { name: 'ib_tokens_last_used_idx', columns: ['last_used_at'] },
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

/**
 * A single sign-on connection created through the admin API (connections declared in the plugin config are
 * not stored). `settings` holds the protocol's non-secret keys; `secret` the encrypted secret (AES-256-GCM,
 * sso/secret-box.ts), never returned by the API.
 */
const ssoConnection = defineStorageType({
  singularName: 'sso-connection',
  pluralName: 'sso-connections',
  displayName: 'SSO connection',
  collectionName: 'ib_sso_connections',
  attributes: {
    connectionId: string({ required: true, unique: true }),
    type: string({ required: true }),
    name: string({ required: true }),
    enabled: boolean(true),
    settings: json(),
    secret: text(),
  },
  indexes: [{ name: 'ib_sso_connections_id_uq', columns: ['connection_id'], type: 'unique' }],
});

/**
 * Who signed in through SSO, bound to an admin user by issuer + subject (Entra: tenant + object id), never by
 * email. The unique index makes the first binding win if two sign-ins of a new person race.
 */
const ssoIdentity = defineStorageType({
  singularName: 'sso-identity',
  pluralName: 'sso-identities',
  displayName: 'SSO identity',
  collectionName: 'ib_sso_identities',
  attributes: {
    connectionId: string({ required: true }),
    issuer: string({ required: true }),
    subject: string({ required: true }),
    adminUserId: integer({ required: true }),
    email: string(),
    lastSignInAt: datetime(),
  },
  indexes: [
    { name: 'ib_sso_identities_subject_uq', columns: ['issuer', 'subject'], type: 'unique' },
    { name: 'ib_sso_identities_admin_user_idx', columns: ['admin_user_id'] },
  ],
});

/**
 * A sign-in in progress (OIDC state, nonce, PKCE verifier), kept in the database so the callback may land on
 * any Strapi instance. Consumed once: the callback deletes it and proceeds only if it deleted exactly one row.
 */
const ssoLoginState = defineStorageType({
  singularName: 'sso-login-state',
  pluralName: 'sso-login-states',
  displayName: 'SSO sign-in in progress',
  collectionName: 'ib_sso_login_states',
  attributes: {
    stateDigest: string({ required: true, unique: true }),
    connectionId: string({ required: true }),
    browserDigest: string({ required: true }),
    payload: text(),
    expiresAt: datetime(),
  },
  indexes: [
    { name: 'ib_sso_login_states_digest_uq', columns: ['state_digest'], type: 'unique' },
    { name: 'ib_sso_login_states_expiry_idx', columns: ['expires_at'] },
  ],
});

/**
 * An SAML AuthnRequest this SP issued and whose response has not arrived yet (InResponseTo cache, shared by every
 * instance). Consumed once: the ACS deletes the unexpired row and proceeds only if it deleted exactly one.
 */
const ssoSamlRequest = defineStorageType({
  singularName: 'sso-saml-request',
  pluralName: 'sso-saml-requests',
  displayName: 'SAML request in progress',
  collectionName: 'ib_sso_saml_requests',
  attributes: {
    scope: string({ required: true }),
    requestId: string({ required: true }),
    expiresAt: datetime(),
  },
  indexes: [
    { name: 'ib_sso_saml_requests_id_uq', columns: ['scope', 'request_id'], type: 'unique' },
    { name: 'ib_sso_saml_requests_expiry_idx', columns: ['expires_at'] },
  ],
});

/**
 * An accepted SAML assertion id, kept until the assertion's NotOnOrAfter: the unique index makes "record it if
 * absent" one atomic insert, so two concurrent copies of one response cannot both sign in.
 */
const ssoSamlAssertion = defineStorageType({
  singularName: 'sso-saml-assertion',
  pluralName: 'sso-saml-assertions',
  displayName: 'SAML assertion used',
  collectionName: 'ib_sso_saml_assertions',
  attributes: {
    scope: string({ required: true }),
    assertionId: string({ required: true }),
    expiresAt: datetime(),
  },
  indexes: [
    { name: 'ib_sso_saml_assertions_id_uq', columns: ['scope', 'assertion_id'], type: 'unique' },
    { name: 'ib_sso_saml_assertions_expiry_idx', columns: ['expires_at'] },
  ],
});

/**
 * Who signed in through a SAML connection under which NameID: lets an IdP-initiated LogoutRequest, which names the
 * person only by NameID, find the admin user (Entra identities are bound by tenant + object id, not by NameID).
 * The NameID is kept as a digest only. One row per sign-in, kept as long as an admin session can live.
 */
const ssoSamlSubject = defineStorageType({
  singularName: 'sso-saml-subject',
  pluralName: 'sso-saml-subjects',
  displayName: 'SAML signed-in NameID',
  collectionName: 'ib_sso_saml_subjects',
  attributes: {
    connectionId: string({ required: true }),
    nameIdDigest: string({ required: true }),
    adminUserId: integer({ required: true }),
    expiresAt: datetime(),
  },
  indexes: [
    { name: 'ib_sso_saml_subjects_name_id_idx', columns: ['connection_id', 'name_id_digest'] },
    { name: 'ib_sso_saml_subjects_expiry_idx', columns: ['expires_at'] },
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
  'sso-connection': ssoConnection,
  'sso-identity': ssoIdentity,
  'sso-login-state': ssoLoginState,
  'sso-saml-request': ssoSamlRequest,
  'sso-saml-assertion': ssoSamlAssertion,
  'sso-saml-subject': ssoSamlSubject,
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
  ssoConnection: 'plugin::identity-bridge.sso-connection',
  ssoIdentity: 'plugin::identity-bridge.sso-identity',
  ssoLoginState: 'plugin::identity-bridge.sso-login-state',
  ssoSamlRequest: 'plugin::identity-bridge.sso-saml-request',
  ssoSamlAssertion: 'plugin::identity-bridge.sso-saml-assertion',
  ssoSamlSubject: 'plugin::identity-bridge.sso-saml-subject',
} as const;

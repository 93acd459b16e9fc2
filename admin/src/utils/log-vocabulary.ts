/**
 * The words of the provisioning log: every operation, resource type and method the server writes, in the
 * order the log's filters offer them. Mirrors server/src/directory/log-operations.ts (the admin bundle cannot
 * import server code); test/unit/admin/log-vocabulary.test.ts fails when the two drift apart or a label is missing.
 */

/** SCIM writes first (what people look for), then refused reads, SSO, password refusals, admin actions. */
export const OPERATIONS = [
  'createUser', 'replaceUser', 'patchUser', 'deleteUser',
  'createGroup', 'replaceGroup', 'patchGroup', 'deleteGroup',
  'listUsers', 'getUser', 'searchUsers', 'listGroups', 'getGroup', 'searchGroups', 'search',
  'serviceProviderConfig', 'schemas', 'schema', 'resourceTypes', 'resourceType', 'unknown',
  'sso-login-start', 'sso-login', 'sso-logout', 'sso-metadata',
  'sso-only-login', 'sso-only-forgot-password', 'sso-only-reset-password', 'sso-only-register',
  'reapply-mapping', 'approve-deactivate', 'reject-deactivate', 'approve-delete', 'reject-delete', 'remap',
] as const;

export const RESOURCE_TYPES = ['User', 'Group', 'SsoSignIn', 'AdminUser'] as const;

/** HTTP methods of SCIM and SSO requests; ADMIN for an administrator's action, REMAP for re-mapping after a rule change. */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'ADMIN', 'REMAP'] as const;


/** Schema URNs the service provider knows by name (RFC 7643 §8.7, RFC 7644 §3.1). */
export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  /** Entra adds this to the `schemas` of groups it creates; it names no attributes we must handle. */
  entraGroup: 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
  /** Entra's custom extension attributes are named `urn:ietf:params:scim:schemas:extension:<anything>:<attr>`. */
  extensionPrefix: 'urn:ietf:params:scim:schemas:extension:',
} as const;

/** True for a string that starts like a URN (case-insensitive, as RFC 7643 §2.1 names them). */
export const looksLikeUrn = (value: string): boolean => value.toLowerCase().startsWith('urn:');

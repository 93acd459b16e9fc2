/** Shared shapes: an Entra-provisioned user in canonical stored form, and the attributes owners declare for it. */
import type { DeclaredAttribute, IdentityFacts, MappingPolicy } from '../../../server/src/mapping/types';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CUSTOM = 'urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName';
export const METADATA = 'urn:ietf:params:scim:schemas:extension:2.0:Metadata';

export const DECLARED: DeclaredAttribute[] = [
  { key: 'folders', scimPath: `${CUSTOM}:folders`, claim: 'folders', multiValued: true },
  { key: 'team', scimPath: `${METADATA}:team`, claim: 'team', multiValued: false, allowedValues: ['Blue', 'Red'] },
  { key: 'department', scimPath: `${ENTERPRISE}:department`, claim: 'department', multiValued: false },
  { key: 'userType', scimPath: 'userType', multiValued: false, allowedValues: ['Premium', 'Standard'] },
];

/** As Entra creates it (POST /Users), after the protocol layer stored it. */
export const entraUser = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  userName: 'ada@contoso.com',
  externalId: '7f1c1e2a-0000-4000-8000-000000000001',
  active: true,
  userType: 'Premium',
  displayName: 'Ada Lovelace',
  emails: [{ value: 'ada@contoso.com', type: 'work', primary: true }],
  roles: [{ primary: false, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }],
  [ENTERPRISE]: { department: 'Marketing', manager: { value: 'mgr-1' } },
  [CUSTOM]: { folders: ['Marketing/Campaigns', 'Shared'] },
  [METADATA]: { team: 'Blue' },
  ...overrides,
});

export const facts = (overrides: Partial<IdentityFacts> = {}): IdentityFacts => ({
  userType: null,
  roles: [],
  groups: [],
  attributes: {},
  active: true,
  ...overrides,
});

export const policy = (overrides: Partial<MappingPolicy> = {}): MappingPolicy => ({
  roleRules: [],
  unmatched: { action: 'defaultRole', role: 'strapi-author' },
  allowSuperAdmin: false,
  ...overrides,
});

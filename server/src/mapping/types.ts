/**
 * The mapping model: what owners declare and write, what the engine reads and what it returns.
 *
 * Pure data, shared by SCIM provisioning and (later) SSO logins: the same identity facts give the same
 * roles, folders and metadata whichever way they arrived.
 */

/** An identity attribute an owner uses in rules, declared by name instead of code. */
export interface DeclaredAttribute {
  /** Short name used in rules, e.g. `folders`, `team`, `department`. Letters, digits, `_` and `-`. */
  key: string;
  /**
   * Where SCIM carries it: a core path (`userType`, `title`), an enterprise path
   * (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`) or a custom extension
   * attribute as Entra names it (`urn:ietf:params:scim:schemas:extension:2.0:CustomExtensionName:folders`,
   * `urn:ietf:params:scim:schemas:extension:2.0:Metadata:team`).
   */
  scimPath: string;
  /** The SSO claim that carries the same value (OIDC claim name or SAML attribute name), if any. */
  claim?: string;
  multiValued: boolean;
  /** When set, SCIM writes whose value is not one of these are refused with 400 invalidValue. */
  allowedValues?: string[];
}

/** What the engine knows about a person, whatever the source (SCIM data or SSO claims). */
export interface IdentityFacts {
  userType: string | null;
  /** Values of SCIM `roles` (Entra app roles such as `Admin`, `ReadOnly`). */
  roles: string[];
  /** Groups the person is a direct member of. */
  groups: { displayName: string; externalId: string | null }[];
  /** Values of each declared attribute, by key; a single-valued attribute has at most one value. */
  attributes: Record<string, string[]>;
  /** The identity provider's own active flag. */
  active: boolean;
}

export type Source =
  | { type: 'userType' }
  | { type: 'role' }
  | { type: 'group'; by?: 'displayName' | 'externalId' }
  | { type: 'attribute'; key: string };

/** Conditions compare case-insensitively; on multi-valued sources one matching value is enough. */
export type Condition =
  | { source: Source; op: 'equals'; value: string }
  | { source: Source; op: 'oneOf'; values: string[] }
  | { source: Source; op: 'contains'; value: string }
  | { source: Source; op: 'present' };

export interface RoleRule {
  id: string;
  description?: string;
  /** Every condition must hold; an empty list always holds. */
  when: Condition[];
  /** Strapi admin role codes (or names) this rule grants. */
  roles: string[];
}

export type UnmatchedPolicy = { action: 'defaultRole'; role: string } | { action: 'deactivate' };

export interface MappingPolicy {
  /** Role rules. Matching rules' roles are combined (union); rule order never matters. */
  roleRules: RoleRule[];
  /** What happens to people no role rule matches. */
  unmatched: UnmatchedPolicy;
  /** Rules may grant the Super Admin role only when this is true. */
  allowSuperAdmin: boolean;
  /** Declared attribute whose values are the person's Media Library folders (paths such as `Marketing/Campaigns`). */
  foldersAttribute?: string;
  /**
   * Create Media Library folders that a person's folder values name but that do not exist yet (with their
   * parents). Off by default: a folder value that matches no folder then grants nothing.
   */
  createMissingFolders?: boolean;
}

export interface ConditionTrace {
  condition: Condition;
  holds: boolean;
  /** The person's values the condition looked at. */
  values: string[];
}

export interface RuleTrace {
  ruleId: string;
  matched: boolean;
  conditions: ConditionTrace[];
  /** Roles this rule contributed (empty when it did not match, or a role was withheld). */
  granted: string[];
}

export interface MappingResult {
  /** Role codes, unique and sorted. */
  roles: string[];
  /** False when the IdP says inactive, or when no rule matched and the policy says deactivate. */
  active: boolean;
  /** Normalised folder paths, unique and sorted. */
  folders: string[];
  /** Every declared attribute's values, by key. */
  metadata: Record<string, string[]>;
  /** Why each rule did or did not apply. */
  rules: RuleTrace[];
  /** Plain-language notes: default role used, Super Admin withheld, deactivated for no match, … */
  notes: string[];
}

export interface MappingChange {
  rolesAdded: string[];
  rolesRemoved: string[];
  foldersAdded: string[];
  foldersRemoved: string[];
  /** 'deactivated' | 'reactivated' | null */
  activation: 'deactivated' | 'reactivated' | null;
}

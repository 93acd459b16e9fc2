/**
 * The mapping engine: identity facts (from SCIM data or SSO claims) + an owner's policy → Strapi admin roles,
 * activation, Media Library folders and metadata. Pure and framework-free; see `./types` for the model.
 */
export type * from './types';
export { factsFromScim, factsFromClaims, type ClaimsOptions, type GroupMembership } from './facts';
export { valuesForSource, conditionHolds, traceCondition } from './conditions';
export { evaluateMapping, type EvaluateOptions } from './engine';
export { diffMappings, isNoChange } from './diff';
export { grantsThroughGroup, rolesThroughGroup, type GroupGrant, type GroupRoleGrant } from './group-grants';
export { normaliseFolderPath, normaliseFolders, type FolderPath, type NormalisedFolders } from './folders';
export {
  validatePolicy,
  validateDeclaredAttributes,
  scimPathProblem,
  DEFAULT_POLICY,
  RESERVED_ATTRIBUTE_KEYS,
  ATTRIBUTE_KEY_PATTERN,
  type PolicyValidation,
  type DeclaredAttributesValidation,
} from './policy';
export { findAllowedValueViolations, formatViolation, type AllowedValueViolation } from './allowed-values';
export { SUPER_ADMIN_ROLE, SUPER_ADMIN_ROLE_NAME, DEFAULT_SUPER_ADMIN_ROLES } from './super-admin';
export { readScimValues } from './scim-values';
export { cleanText, comparableText, sameText } from './text';

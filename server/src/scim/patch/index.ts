/** SCIM PATCH (RFC 7644 §3.5.2): request parsing, user patches, group patch plans. */
export { parsePatchRequest, DEFAULT_MAX_PATCH_OPERATIONS, type PatchOp, type PatchOperation, type ParsePatchOptions } from './request';
export { applyPatchOperations, type PatchEngineOptions, type PatchOutcome, type ReservedTarget } from './engine';
export { applyUserPatch, type UserPatchResult } from './user';
export { planGroupPatch, type GroupPatchPlan, type MemberPlan } from './group';
export { equalityTemplate } from './element-template';

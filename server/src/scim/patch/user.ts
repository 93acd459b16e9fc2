/** PATCH on a User (RFC 7644 §3.5.2), over the canonical stored form. */
import { scimErrors } from '../errors';
import { USER_SCHEMAS } from '../schema/attributes';
import type { ScimUserData } from '../resources/types';
import { applyPatchOperations } from './engine';
import type { PatchOperation } from './request';

export interface UserPatchResult {
  data: ScimUserData;
  /** Canonical names of the attributes whose value changed (`password` when one was given; never its value). */
  changed: string[];
  /** A password given by the patch; never stored in `data`. */
  password?: string;
  /** Targeted attributes that are not defined for users (ignored, RFC 7644 §3.3), for the caller's log. */
  ignored: string[];
}

/**
 * Applies the operations in order to a copy of `data`. Atomic: the first failing operation throws a 400
 * ScimError and nothing is returned, so the caller writes nothing. `data` is never modified.
 * `context.id` is the user's own id: a path-less value echoing it is not a change.
 */
export function applyUserPatch(
  data: ScimUserData,
  operations: readonly PatchOperation[],
  context: { id?: string } = {}
): UserPatchResult {
  const options = context.id === undefined ? { schemas: USER_SCHEMAS } : { schemas: USER_SCHEMAS, id: context.id };
  const outcome = applyPatchOperations(data, operations, options);
  if (outcome.changed.includes('userName')) {
    const userName = outcome.data.userName;
    if (typeof userName !== 'string' || userName.trim() === '') {
      throw scimErrors.invalidValue('"userName" is required and must be a non-empty string');
    }
  }
  return outcome;
}

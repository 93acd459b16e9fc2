/**
 * Reading an attribute's values out of canonical stored SCIM user data (see `../scim/resources/types`) by the
 * name an owner declared: `userType`, `emails.value`, `urn:…:enterprise:2.0:User:manager.value`,
 * `urn:ietf:params:scim:schemas:extension:2.0:Metadata:team`.
 */
import { isPlainObject, findKeyIgnoringCase } from '../scim/resources/json';
import { resolveAttribute, splitAttributeName } from '../scim/resources/paths';
import { USER_SCHEMAS } from '../scim/schema/attributes';
import { valuesOf } from './values';

/**
 * The string values at `scimPath` in `data` (see `valuesOf` for the shapes accepted).
 *
 * The name is resolved by the protocol layer, so core and enterprise names match case-insensitively and
 * custom extension names are split at their last `:` as Entra sends them. Walking the stored data, a
 * multi-valued attribute fans out: `emails.value` gives every address. A name that is not a user attribute
 * (or not a valid name at all) has no values: declared attributes are validated when saved, and reading must
 * never fail a provisioning request.
 */
export function readScimValues(data: Record<string, unknown>, scimPath: string): string[] {
  let keys: string[];
  try {
    const resolved = resolveAttribute(data, splitAttributeName(scimPath), USER_SCHEMAS);
    if (!resolved || resolved.wholeExtension) return [];
    keys = resolved.keys;
  } catch {
    return [];
  }
  return valuesOf(walk(data, keys));
}

/** Follows `keys` case-insensitively, mapping over arrays met on the way. */
function walk(cursor: unknown, keys: readonly string[]): unknown {
  const [head, ...rest] = keys;
  if (head === undefined) return cursor;
  if (Array.isArray(cursor)) return cursor.map((item) => walk(item, keys));
  if (!isPlainObject(cursor)) return undefined;
  const key = findKeyIgnoringCase(cursor, head);
  return key === undefined ? undefined : walk(cursor[key], rest);
}

/** SCIM resources: the canonical stored form, reading bodies into it and writing SCIM JSON from it. */
export type { ScimUserData, ScimGroupData, MemberInput } from './types';
export { parseUserInput, serializeUser, primaryEmail, displayNameParts } from './user';
export type { ParsedUserInput, StoredUser, SerializeUserOptions } from './user';
export { parseGroupInput, serializeGroup } from './group';
export type { ParsedGroupInput, StoredGroup, SerializeGroupOptions } from './group';
export { parseMember, parseMemberList } from './members';
export {
  splitAttributeName,
  resolveAttribute,
  canonicalName,
  formatAttributeName,
  getAttribute,
  setAttribute,
  removeAttribute,
  KNOWN_SCHEMA_URNS,
  type AttributeName,
  type ResolvedAttribute,
} from './paths';
export { coerceAttributeValue, coerceBoolean } from './coerce';

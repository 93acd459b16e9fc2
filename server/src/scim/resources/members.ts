/** Group members as clients send them (RFC 7643 §4.2), validated into `MemberInput`. */
import { scimErrors } from '../errors';
import { isPlainObject } from './json';
import type { MemberInput } from './types';

/** One member: `{ value (required), display?, type?, $ref? }`; `$ref: null` is Entra's habit and ignored. */
export function parseMember(item: unknown, where = 'members'): MemberInput {
  if (!isPlainObject(item)) throw scimErrors.invalidValue(`Each of "${where}" must be an object with a "value"`);
  let value: unknown;
  let display: unknown;
  let type: unknown;
  let ref: unknown;
  for (const [key, member] of Object.entries(item)) {
    const lower = key.toLowerCase();
    if (lower === 'value') value = member;
    else if (lower === 'display') display = member;
    else if (lower === 'type') type = member;
    else if (lower === '$ref') ref = member;
  }
  if (typeof value !== 'string' || value.trim() === '') {
    throw scimErrors.invalidValue(`Each of "${where}" needs a non-empty string "value" (the member's id)`);
  }
  const result: MemberInput = { value };
  if (typeof display === 'string') result.display = display;
  if (typeof type === 'string') {
    const lowerType = type.toLowerCase();
    if (lowerType === 'user') result.type = 'User';
    else if (lowerType === 'group') result.type = 'Group';
    else throw scimErrors.invalidValue(`Member type must be "User" or "Group", not "${type}"`);
  } else if (type !== undefined && type !== null) {
    throw scimErrors.invalidValue('Member "type" must be a string');
  }
  if (typeof ref === 'string') result.$ref = ref;
  return result;
}

/** A member list; `null` means "no members" (RFC 7643 §2.5 unassigned). Duplicates keep the first. */
export function parseMemberList(value: unknown, where = 'members'): MemberInput[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw scimErrors.invalidValue(`"${where}" must be an array of members`);
  return dedupeMembers(value.filter((item) => item !== null).map((item) => parseMember(item, where)));
}

export function dedupeMembers(members: MemberInput[]): MemberInput[] {
  const seen = new Set<string>();
  return members.filter((member) => {
    if (seen.has(member.value)) return false;
    seen.add(member.value);
    return true;
  });
}

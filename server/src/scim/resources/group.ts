/**
 * The Group resource (RFC 7643 §4.2). Members are not part of the stored data: groups can hold tens of
 * thousands of members, so the storage layer keeps them apart and the protocol layer only ever passes
 * member lists or deltas (see `../patch/group`).
 */
import { scimErrors } from '../errors';
import { GROUP_SCHEMAS } from '../schema/attributes';
import { URN } from '../schema/urns';
import { readResourceBody } from './input';
import { parseMemberList } from './members';
import { resourceBody, resourceMeta, type StoredResource } from './serialize';
import type { MemberInput, ScimGroupData } from './types';

export interface ParsedGroupInput {
  /** `displayName`, `externalId` and extension attributes. */
  data: ScimGroupData;
  /**
   * The members in the body; `undefined` when the body has no `members` key, `[]` for `"members": []` or
   * `null`. RFC 7644 §3.5.1 makes PUT a full replace (absent = no members), but emptying a large group because
   * a client left the list out is the worse failure: the caller decides what undefined means on PUT.
   */
  members: MemberInput[] | undefined;
  ignored: string[];
}

/**
 * Reads a POST or PUT group body. Entra's create body lists
 * `http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group` in `schemas`: accepted like any
 * unknown URN. Members may carry `"$ref": null` (Entra).
 */
export function parseGroupInput(body: unknown): ParsedGroupInput {
  const { data, reserved, ignored } = readResourceBody(body, GROUP_SCHEMAS, ['members']);
  const displayName = data.displayName;
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    throw scimErrors.invalidValue('"displayName" is required and must be a non-empty string');
  }
  const members = reserved.has('members') ? parseMemberList(reserved.get('members')) : undefined;
  return { data, members, ignored };
}

export interface StoredGroup extends StoredResource {
  /** Omitted from the output when undefined (the caller did not load them: `excludedAttributes=members`). */
  members?: { value: string; display?: string; type?: 'User' | 'Group' }[];
}

export interface SerializeGroupOptions {
  location: string;
  /** Builds a user member's `$ref`; without it `$ref` is omitted. */
  userLocation?: (id: string) => string;
  /** Builds a group member's `$ref` (nested groups). */
  groupLocation?: (id: string) => string;
}

export function serializeGroup(record: StoredGroup, options: SerializeGroupOptions): Record<string, unknown> {
  const group = resourceBody(URN.group, record);
  if (record.members) {
    group.members = record.members.map((member) => {
      const entry: Record<string, unknown> = { value: member.value };
      const locate = member.type === 'Group' ? options.groupLocation : options.userLocation;
      if (locate) entry.$ref = locate(member.value);
      if (member.display !== undefined) entry.display = member.display;
      if (member.type !== undefined) entry.type = member.type;
      return entry;
    });
  }
  group.meta = resourceMeta('Group', record, options.location);
  return group;
}

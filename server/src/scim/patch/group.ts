/**
 * PATCH on a Group, planned without the member list.
 *
 * Groups can hold tens of thousands of members; adding 100 members must cost the same whatever the group's
 * size. So member operations are not applied to a loaded list: they are folded, in order, into a plan the
 * storage layer executes with set operations. Everything else (displayName, externalId, extensions) goes
 * through the same engine as users.
 *
 * The plan is exactly one of:
 * - `removeAll: true` (and nothing else): the group ends with no members;
 * - `replaceAll: [...]`: the group ends with exactly these members (Okta's PATCH replace of `members`, or a
 *   removal of all members followed by adds);
 * - deltas `add` / `remove` (either may be empty), applied as "remove these ids, then add these members".
 *
 * Member paths other than `members` and `members[value eq "…"]` (e.g. `members[value eq "x"].display`, or
 * filters on other sub-attributes) are rejected with invalidPath / invalidFilter: honouring them would need the
 * member list, and neither Entra nor Okta sends them.
 */
import { scimErrors } from '../errors';
import type { FilterNode } from '../filter/ast';
import { GROUP_SCHEMAS } from '../schema/attributes';
import { dedupeMembers, parseMember, parseMemberList } from '../resources/members';
import type { MemberInput, ScimGroupData } from '../resources/types';
import { applyPatchOperations, type ReservedTarget } from './engine';
import type { PatchOp, PatchOperation } from './request';

export interface MemberPlan {
  add: MemberInput[];
  /** Member ids (`value`s) to remove. */
  remove: string[];
  replaceAll?: MemberInput[];
  removeAll: boolean;
}

export interface GroupPatchPlan {
  data: ScimGroupData;
  changed: string[];
  members: MemberPlan;
  ignored: string[];
}

/** Folds member operations in order; a later operation overrides or combines with earlier ones. */
class MemberPlanner {
  private readonly additions = new Map<string, MemberInput>();
  private readonly removals = new Set<string>();
  /** Set once the outcome is a full list: after a remove-all or a replace. */
  private fullList: Map<string, MemberInput> | undefined;

  add(members: MemberInput[]): void {
    for (const member of members) {
      if (this.fullList) {
        if (!this.fullList.has(member.value)) this.fullList.set(member.value, member);
        continue;
      }
      this.removals.delete(member.value);
      if (!this.additions.has(member.value)) this.additions.set(member.value, member);
    }
  }

  remove(ids: string[]): void {
    for (const id of ids) {
      if (this.fullList) {
        this.fullList.delete(id);
        continue;
      }
      this.additions.delete(id);
      this.removals.add(id);
    }
  }

  replaceAll(members: MemberInput[]): void {
    this.additions.clear();
    this.removals.clear();
    this.fullList = new Map(dedupeMembers(members).map((member) => [member.value, member]));
  }

  plan(): MemberPlan {
    if (this.fullList) {
      const list = [...this.fullList.values()];
      return list.length === 0 ? { add: [], remove: [], removeAll: true } : { add: [], remove: [], replaceAll: list, removeAll: false };
    }
    return { add: [...this.additions.values()], remove: [...this.removals], removeAll: false };
  }
}

/**
 * `members[value eq "id"]` (Okta, Entra with aadOptscim062020), also `value eq "a" or value eq "b"`, → the ids.
 * Anything else would need the member list to evaluate.
 */
function memberIdsOf(filter: FilterNode): string[] {
  if (filter.kind === 'or') return [...memberIdsOf(filter.left), ...memberIdsOf(filter.right)];
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.attribute.toLowerCase() === 'value' &&
    filter.path.subAttribute === undefined &&
    typeof filter.value === 'string'
  ) {
    return [filter.value];
  }
  throw scimErrors.invalidFilter('Only members[value eq "<id>"] filters (joined by "or") are supported on members');
}

function planMemberOperation(planner: MemberPlanner, op: PatchOp, target: ReservedTarget, value: unknown, hasValue: boolean): void {
  const path = target.path;
  if (path?.filter || path?.subAttribute !== undefined || path?.path.subAttribute !== undefined) {
    if (op !== 'remove' || !path.filter || path.subAttribute !== undefined || path.path.subAttribute !== undefined) {
      throw scimErrors.invalidPath('On members, only "remove" may take a filter, and only members[value eq "<id>"]');
    }
    planner.remove(memberIdsOf(path.filter));
    return;
  }
  switch (op) {
    case 'add':
      planner.add(parseMemberList(value === null ? [] : value));
      return;
    case 'replace':
      // Okta: PATCH replace of the whole `members` list.
      planner.replaceAll(parseMemberList(value));
      return;
    case 'remove': {
      if (!hasValue || value === null) {
        planner.replaceAll([]); // RFC 7644 §3.5.2.2: remove without a filter removes every member
        return;
      }
      // Entra (without aadOptscim062020): `Remove` path `members` with a value list removes ONLY the listed
      // members. Reading it as "remove all" (as the RFC's path-only form would) has emptied real groups.
      const listed = Array.isArray(value) ? value : [value];
      planner.remove(listed.filter((item) => item !== null).map((item) => parseMember(item).value));
      return;
    }
  }
}

/**
 * Plans a group PATCH. `current.data` is not modified; `current.id` lets a path-less replace echo the
 * group's own id (Okta's rename: `{"op":"replace","value":{"id":"<own id>","displayName":"new"}}`).
 * Atomic: the first failing operation throws a 400 ScimError.
 */
export function planGroupPatch(operations: readonly PatchOperation[], current: { id: string; data: ScimGroupData }): GroupPatchPlan {
  const planner = new MemberPlanner();
  const outcome = applyPatchOperations(current.data, operations, {
    schemas: GROUP_SCHEMAS,
    id: current.id,
    reserved: { names: ['members'], handle: (op, target, value, hasValue) => planMemberOperation(planner, op, target, value, hasValue) },
  });
  if (outcome.changed.includes('displayName')) {
    const displayName = outcome.data.displayName;
    if (typeof displayName !== 'string' || displayName.trim() === '') {
      throw scimErrors.invalidValue('"displayName" is required and must be a non-empty string');
    }
  }
  const members = planner.plan();
  const membersChanged = members.removeAll || members.replaceAll !== undefined || members.add.length > 0 || members.remove.length > 0;
  const changed = membersChanged ? [...outcome.changed, 'members'] : outcome.changed;
  return { data: outcome.data, changed, members, ignored: outcome.ignored };
}

/**
 * What a group maps to: the roles the rules give a person through their membership of that group, for the
 * Groups list of the admin panel.
 *
 * A rule gives roles "through" a group when one of its group conditions holds for that group, read exactly as
 * the engine reads it for a member (by display name or by external id, `./conditions`). Rules that look at no
 * group (an empty `when`, attribute-only rules) are not the group's doing and are left out. A rule that also
 * needs something the group alone does not give (another group, an attribute, an app role) is kept and said
 * to be conditional: members get its roles only if they meet the rest. Folders never come through a group:
 * they are a person's own folders attribute (`policy.foldersAttribute`), so there is nothing to list for them.
 */
import { traceCondition } from './conditions';
import { grantableRoles } from './engine';
import { superAdminMatcher } from './super-admin';
import { compareText } from './text';
import type { IdentityFacts, MappingPolicy } from './types';

export interface GroupGrant {
  ruleId: string;
  /** Roles (codes or names, as the rule names them) this rule gives members; Super Admin left out unless allowed. */
  roles: string[];
  /** The rule has other conditions that membership of this group alone does not meet. */
  conditional: boolean;
}

export interface GroupRoleGrant {
  role: string;
  /** The rules that give it through this group, in policy order. */
  ruleIds: string[];
  /** Every one of those rules is conditional: membership alone does not give the role. */
  conditional: boolean;
}

/** The rules of `policy` that give roles through membership of `group`, in policy order. */
export function grantsThroughGroup(
  group: { displayName: string; externalId: string | null },
  policy: MappingPolicy,
  options: { superAdminRole?: string | readonly string[] } = {}
): GroupGrant[] {
  const isSuperAdmin = superAdminMatcher(options.superAdminRole);
  // A person whose only fact is membership of this group: what the group gives on its own.
  const memberOnly: IdentityFacts = { userType: null, roles: [], groups: [group], attributes: {}, active: true };
  const grants: GroupGrant[] = [];
  for (const rule of policy.roleRules) {
    // Read exactly as the engine reads them for a member (the same condition trace and role filter).
    const holds = rule.when.map((condition) => traceCondition(condition, memberOnly));
    const throughGroup = holds.some(({ condition, holds: held }) => condition.source.type === 'group' && held);
    if (!throughGroup) continue;
    const roles = grantableRoles(rule, policy.allowSuperAdmin, isSuperAdmin);
    if (roles.length === 0) continue;
    grants.push({ ruleId: rule.id, roles, conditional: !holds.every(({ holds: held }) => held) });
  }
  return grants;
}

/** The same grants by role: each role once, with the rules that give it and whether all of them are conditional. */
export function rolesThroughGroup(grants: GroupGrant[]): GroupRoleGrant[] {
  const byRole = new Map<string, GroupRoleGrant>();
  for (const grant of grants) {
    for (const role of grant.roles) {
      const entry = byRole.get(role) ?? { role, ruleIds: [], conditional: true };
      entry.ruleIds.push(grant.ruleId);
      entry.conditional &&= grant.conditional;
      byRole.set(role, entry);
    }
  }
  return [...byRole.values()].sort((left, right) => compareText(left.role, right.role));
}

/**
 * The mapping engine: identity facts + policy → roles, activation, folders and metadata, with the reasons.
 *
 * Pure and deterministic: the same facts and policy always give a deep-equal result, whatever the order of
 * rules, groups or values. Rule order never matters (matching rules' roles are combined), so `roles`,
 * `folders`, `metadata` and `notes` are sorted; only `rules` follows policy order, as owners wrote it.
 */
import { traceCondition } from './conditions';
import { normaliseFolders } from './folders';
import { superAdminMatcher } from './super-admin';
import { cleanText, compareText, uniqueSorted } from './text';
import type { DeclaredAttribute, IdentityFacts, MappingPolicy, MappingResult, RoleRule, RuleTrace } from './types';

export { diffMappings, isNoChange } from './diff';

export interface EvaluateOptions {
  /**
   * Role code(s) or name(s) that count as Super Admin; `strapi-super-admin` and `Super Admin` unless set.
   * Rules never grant them unless `policy.allowSuperAdmin`.
   */
  superAdminRole?: string | readonly string[];
}

/**
 * Evaluates `policy` for a person.
 *
 * - Roles: the union of the roles of every matching rule (an empty `when` always matches), minus Super Admin
 *   unless the policy allows it.
 * - Nobody matched: "no rule matched" means no matching rule granted a role (a rule whose only role was
 *   withheld grants nothing, and a person with no role could not use Strapi). Then `unmatched` applies:
 *   `defaultRole` gives that role; `deactivate` gives no role and `active: false`.
 * - Active: the IdP's flag, and not deactivated for want of a matching rule.
 * - Folders: the normalised values of `policy.foldersAttribute` (see `./folders`).
 * - Metadata: every declared attribute's values, by key.
 */
export function evaluateMapping(
  facts: IdentityFacts,
  policy: MappingPolicy,
  declared: DeclaredAttribute[],
  options: EvaluateOptions = {}
): MappingResult {
  const isSuperAdmin = superAdminMatcher(options.superAdminRole);
  const notes: string[] = [];

  const rules = policy.roleRules.map((rule) => traceRule(rule, facts, policy.allowSuperAdmin, isSuperAdmin));
  const withheldFrom = policy.allowSuperAdmin
    ? []
    : policy.roleRules
        .filter((rule, index) => rules[index]?.matched && rule.roles.some(isSuperAdmin))
        .map((rule) => rule.id);
  if (withheldFrom.length > 0) {
    notes.push(`Super Admin withheld (allowSuperAdmin is false) from rule ${quoteList(withheldFrom)}.`);
  }

  let roles = uniqueSorted(rules.flatMap((trace) => trace.granted));
  let deactivatedForNoMatch = false;
  if (roles.length === 0) {
    const unmatched = policy.unmatched;
    if (unmatched.action === 'deactivate') {
      deactivatedForNoMatch = true;
      notes.push('No role rule matched: deactivated, as the policy says for unmatched people.');
    } else {
      const role = cleanText(unmatched.role);
      if (role === '') {
        notes.push('No role rule matched and the default role is empty: no role given.');
      } else if (isSuperAdmin(role) && !policy.allowSuperAdmin) {
        notes.push(
          `No role rule matched; the default role "${role}" is Super Admin and was withheld (allowSuperAdmin is false).`
        );
      } else {
        roles = [role];
        notes.push(`No role rule matched: default role "${role}" given.`);
      }
    }
  }

  if (!facts.active) notes.push('The identity provider marks this person inactive.');

  const folders = foldersOf(facts, policy, declared);
  notes.push(...folders.notes);

  return {
    roles,
    active: facts.active && !deactivatedForNoMatch,
    folders: folders.folders,
    metadata: metadataOf(facts, declared),
    rules,
    notes: notes.sort(compareText),
  };
}

function traceRule(
  rule: RoleRule,
  facts: IdentityFacts,
  allowSuperAdmin: boolean,
  isSuperAdmin: (role: string) => boolean
): RuleTrace {
  const conditions = rule.when.map((condition) => traceCondition(condition, facts));
  const matched = conditions.every((condition) => condition.holds);
  const granted = matched ? grantableRoles(rule, allowSuperAdmin, isSuperAdmin) : [];
  return { ruleId: rule.id, matched, conditions, granted };
}

/** The roles a rule gives when it matches: named, once each, Super Admin withheld unless the policy allows it. */
export function grantableRoles(rule: RoleRule, allowSuperAdmin: boolean, isSuperAdmin: (role: string) => boolean): string[] {
  return uniqueSorted(rule.roles.map(cleanText).filter((role) => role !== '' && (allowSuperAdmin || !isSuperAdmin(role))));
}

function foldersOf(facts: IdentityFacts, policy: MappingPolicy, declared: DeclaredAttribute[]) {
  const key = policy.foldersAttribute;
  if (key === undefined) return { folders: [], notes: [] };
  if (!declared.some((attribute) => attribute.key === key)) {
    return { folders: [], notes: [`Folders attribute "${key}" is not declared: no folders given.`] };
  }
  return normaliseFolders(ownValues(facts.attributes, key));
}

/** Declared attributes only, keys and values sorted: facts may carry keys that are no longer declared. */
function metadataOf(facts: IdentityFacts, declared: DeclaredAttribute[]): Record<string, string[]> {
  const metadata: Record<string, string[]> = {};
  for (const key of uniqueSorted(declared.map((attribute) => attribute.key))) {
    metadata[key] = uniqueSorted(
      ownValues(facts.attributes, key)
        .map(cleanText)
        .filter((value) => value !== '')
    );
  }
  return metadata;
}

const ownValues = (attributes: Record<string, string[]>, key: string): string[] =>
  Object.prototype.hasOwnProperty.call(attributes, key) ? (attributes[key] ?? []) : [];

const quoteList = (ids: string[]): string =>
  uniqueSorted(ids)
    .map((id) => `"${id}"`)
    .join(', ');

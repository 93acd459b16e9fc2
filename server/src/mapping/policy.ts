/**
 * Validating a mapping policy an owner wrote (admin UI or plugin config) before it is saved or applied.
 *
 * Two passes: zod checks the structure (unknown keys refused, so a typo such as `alowSuperAdmin` cannot
 * silently leave a default in place), then cross-checks against the declared attributes and Strapi's roles
 * give messages that name the rule and the field.
 */
import { z } from 'zod';
import type { ZodIssue } from 'zod';
import { superAdminMatcher } from './super-admin';
import { cleanText } from './text';
import type { Condition, DeclaredAttribute, MappingPolicy, RoleRule } from './types';
import { describeItem, formatIssues, type IssuePath } from './validation-messages';

export {
  validateDeclaredAttributes,
  scimPathProblem,
  RESERVED_ATTRIBUTE_KEYS,
  ATTRIBUTE_KEY_PATTERN,
} from './declared-attributes';
export type { DeclaredAttributesValidation } from './declared-attributes';

/** No rules: everyone gets `defaultRole`. What a fresh installation starts with. */
export const DEFAULT_POLICY = (defaultRole: string): MappingPolicy => ({
  roleRules: [],
  unmatched: { action: 'defaultRole', role: defaultRole },
  allowSuperAdmin: false,
  createMissingFolders: false,
});

const text = z.string().trim();

const sourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('userType') }).strict(),
  z.object({ type: z.literal('role') }).strict(),
  z.object({ type: z.literal('group'), by: z.enum(['displayName', 'externalId']).optional() }).strict(),
  z.object({ type: z.literal('attribute'), key: text.min(1, 'must not be empty') }).strict(),
]);

// Empty expected values are reported by `conditionErrors`, with the rule's name, rather than here.
const conditionSchema = z.discriminatedUnion('op', [
  z.object({ source: sourceSchema, op: z.literal('equals'), value: text }).strict(),
  z.object({ source: sourceSchema, op: z.literal('oneOf'), values: z.array(text) }).strict(),
  z.object({ source: sourceSchema, op: z.literal('contains'), value: text }).strict(),
  z.object({ source: sourceSchema, op: z.literal('present') }).strict(),
]);

const roleRuleSchema = z
  .object({
    id: text.min(1, 'must not be empty'),
    description: z.string().optional(),
    when: z.array(conditionSchema).default([]),
    roles: z.array(text.min(1, 'must not be empty')).min(1, 'a rule must grant at least one role'),
  })
  .strict();

const unmatchedSchema = z.discriminatedUnion('action', [
  z
    .object({
      action: z.literal('defaultRole'),
      role: z
        .string({ required_error: 'required when the action is "defaultRole"' })
        .trim()
        .min(1, 'must not be empty'),
    })
    .strict(),
  z.object({ action: z.literal('deactivate') }).strict(),
]);

const policySchema = z
  .object({
    roleRules: z.array(roleRuleSchema).default([]),
    unmatched: unmatchedSchema,
    allowSuperAdmin: z.boolean().default(false),
    foldersAttribute: text.min(1, 'must not be empty when given').optional(),
    createMissingFolders: z.boolean().default(false),
  })
  .strict();

/**
 * What an invalid policy leaves: no rules, and unmatched people get no role but are not deactivated — never
 * mass deactivation because of a typo. Callers must not apply it; it only keeps the return type total.
 */
const INERT_POLICY: MappingPolicy = {
  roleRules: [],
  unmatched: { action: 'defaultRole', role: '' },
  allowSuperAdmin: false,
};

export interface PolicyValidation {
  /**
   * The policy trimmed and with defaults (`roleRules: []`, `allowSuperAdmin: false`). With structural errors it
   * is an inert policy; either way, save or apply it only when `errors` is empty.
   */
  policy: MappingPolicy;
  errors: string[];
}

/**
 * Validates `policy` against the declared attributes and, when given, the role codes/names Strapi knows
 * (compared exactly, as the role look-up does; a near miss in case is pointed out).
 */
export function validatePolicy(
  policy: unknown,
  declared: DeclaredAttribute[],
  knownRoles?: string[],
  options: { superAdminRole?: string | readonly string[] } = {}
): PolicyValidation {
  const parsed = policySchema.safeParse(policy);
  if (!parsed.success) return { policy: INERT_POLICY, errors: structuralErrors(parsed.error.issues, policy) };

  const valid: MappingPolicy = parsed.data;
  const isSuperAdmin = superAdminMatcher(options.superAdminRole);
  const declaredKeys = new Set(declared.map((attribute) => attribute.key));
  const roleProblem = knownRoles === undefined ? () => undefined : unknownRoleChecker(knownRoles);
  const errors: string[] = [...duplicateIdErrors(valid.roleRules)];

  for (const rule of valid.roleRules) {
    rule.when.forEach((condition, index) => errors.push(...conditionErrors(rule, condition, index, declaredKeys)));
    for (const role of rule.roles) {
      if (isSuperAdmin(role) && !valid.allowSuperAdmin)
        errors.push(`rule "${rule.id}" grants ${role} but allowSuperAdmin is false`);
      const problem = roleProblem(role);
      if (problem) errors.push(`rule "${rule.id}" grants ${problem}`);
    }
  }

  if (valid.unmatched.action === 'defaultRole') {
    const role = valid.unmatched.role;
    if (isSuperAdmin(role) && !valid.allowSuperAdmin)
      errors.push(`unmatched.role is ${role} but allowSuperAdmin is false`);
    const problem = roleProblem(role);
    if (problem) errors.push(`unmatched.role: ${problem}`);
  }

  if (valid.foldersAttribute !== undefined && !declaredKeys.has(valid.foldersAttribute)) {
    errors.push(`foldersAttribute "${valid.foldersAttribute}" is not a declared attribute`);
  }
  return { policy: valid, errors };
}

function structuralErrors(issues: ZodIssue[], input: unknown): string[] {
  const rules = typeof input === 'object' && input !== null ? (input as { roleRules?: unknown }).roleRules : undefined;
  return formatIssues(issues, (path: IssuePath) => {
    const [head, index, ...rest] = path;
    if (head !== 'roleRules' || typeof index !== 'number') return path.join('.');
    const rule = describeItem('rule', Array.isArray(rules) ? rules[index] : undefined, 'id', index);
    const [field, position, ...inner] = rest;
    if (field === 'when' && typeof position === 'number') {
      return `${rule}: ${[`condition ${position + 1}`, inner.join('.')].filter((part) => part !== '').join(' ')}`;
    }
    if (field === 'roles' && typeof position === 'number') return `${rule}: role ${position + 1}`;
    return rest.length === 0 ? rule : `${rule}: ${rest.join('.')}`;
  });
}

function duplicateIdErrors(rules: RoleRule[]): string[] {
  const counts = new Map<string, number>();
  for (const rule of rules) counts.set(rule.id, (counts.get(rule.id) ?? 0) + 1);
  return [...counts]
    .filter(([, count]) => count > 1)
    .map(([id, count]) => `rule ids must be unique: "${id}" is used by ${count} rules`);
}

function conditionErrors(rule: RoleRule, condition: Condition, index: number, declaredKeys: Set<string>): string[] {
  const where = `rule "${rule.id}": condition ${index + 1}`;
  const errors: string[] = [];
  if (condition.source.type === 'attribute' && !declaredKeys.has(condition.source.key)) {
    errors.push(`${where} uses attribute "${condition.source.key}" that is not declared`);
  }
  if (condition.op === 'oneOf' && !condition.values.some((value) => cleanText(value) !== '')) {
    errors.push(`${where} (oneOf) needs at least one value`);
  }
  if ((condition.op === 'equals' || condition.op === 'contains') && cleanText(condition.value) === '') {
    errors.push(`${where} (${condition.op}) needs a non-empty value`);
  }
  return errors;
}

/** `unknown role "x"` (with a hint when only the case differs), or undefined for a known role. */
function unknownRoleChecker(knownRoles: string[]): (role: string) => string | undefined {
  const known = new Set(knownRoles);
  return (role) => {
    if (known.has(role)) return undefined;
    const nearMiss = knownRoles.find((candidate) => candidate.toLowerCase() === role.toLowerCase());
    return `unknown role "${role}"${nearMiss === undefined ? '' : ` (did you mean "${nearMiss}"?)`}`;
  };
}

/**
 * Validating the identity attributes an owner declares (name → where SCIM and SSO carry it).
 *
 * Decisions:
 * - keys are identifiers (a letter, then letters, digits, `_`, `-`; at most 64) and unique ignoring case, so
 *   `Team` and `team` cannot mean two things in rules that owners read aloud;
 * - `userType`, `roles` and `groups` are reserved: rules have sources of their own for them. `userType` and
 *   `roles` may still be declared (for metadata or allowed values) but only for the SCIM attribute of that
 *   name; `groups` never (membership is not a user attribute in stored data — it is derived from Groups);
 * - `scimPath` must be a user attribute the protocol layer can read: a core or enterprise attribute we have a
 *   definition of, or a custom extension attribute `urn:ietf:params:scim:schemas:extension:<name>:<attribute>`;
 *   never `id`, `meta`, `password` or `groups`, and never a complex attribute without a `value` to read.
 */
import { z } from 'zod';
import { ScimError } from '../scim/errors';
import { isUnsafeKey } from '../scim/resources/json';
import {
  namesWholeExtension,
  resolveAttribute,
  splitAttributeName,
  type ResolvedAttribute,
} from '../scim/resources/paths';
import { USER_SCHEMAS } from '../scim/schema/attributes';
import type { DeclaredAttribute } from './types';
import { describeItem, formatIssues } from './validation-messages';

export const ATTRIBUTE_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** Keys naming facts that rules read through their own sources. */
export const RESERVED_ATTRIBUTE_KEYS: readonly string[] = ['userType', 'roles', 'groups'];

const declaredAttributeSchema = z
  .object({
    key: z
      .string()
      .trim()
      .regex(
        ATTRIBUTE_KEY_PATTERN,
        'key must start with a letter and use only letters, digits, "_" and "-" (at most 64 characters)'
      ),
    scimPath: z.string().trim().min(1, 'scimPath must not be empty'),
    claim: z.string().trim().min(1, 'claim must not be empty when given').optional(),
    multiValued: z.boolean().default(false),
    allowedValues: z
      .array(z.string().trim().min(1, 'allowed values must not be empty'))
      .min(1, 'allowedValues needs at least one value when given')
      .optional(),
  })
  .strict();

const declaredAttributesSchema = z.array(declaredAttributeSchema, {
  invalid_type_error: 'declared attributes must be a list',
});

export interface DeclaredAttributesValidation {
  /** The attributes, trimmed and with defaults; use them only when `errors` is empty. */
  attributes: DeclaredAttribute[];
  errors: string[];
}

export function validateDeclaredAttributes(list: unknown): DeclaredAttributesValidation {
  const parsed = declaredAttributesSchema.safeParse(list);
  if (!parsed.success) {
    const errors = formatIssues(parsed.error.issues, ([index, ...rest]) => {
      if (typeof index !== 'number') return '';
      const item = Array.isArray(list) ? list[index] : undefined;
      return [describeItem('attribute', item, 'key', index), rest.join('.')].filter((part) => part !== '').join(' ');
    });
    return { attributes: [], errors };
  }
  const attributes: DeclaredAttribute[] = parsed.data;
  return { attributes, errors: [...duplicateKeyErrors(attributes), ...attributes.flatMap(attributeErrors)] };
}

function duplicateKeyErrors(attributes: DeclaredAttribute[]): string[] {
  const spellings = new Map<string, string[]>();
  for (const { key } of attributes) {
    spellings.set(key.toLowerCase(), [...(spellings.get(key.toLowerCase()) ?? []), key]);
  }
  return [...spellings.values()]
    .filter((keys) => keys.length > 1)
    .map((keys) => {
      const variants = new Set(keys).size > 1 ? ` (${keys.map((key) => `"${key}"`).join(', ')})` : '';
      return `attribute keys must be unique (ignoring case): "${keys[0]}" is declared ${keys.length} times${variants}`;
    });
}

function attributeErrors(attribute: DeclaredAttribute): string[] {
  const where = `attribute "${attribute.key}"`;
  if (isUnsafeKey(attribute.key)) return [`${where}: "${attribute.key}" cannot be used as a key`];
  const problem = scimPathProblem(attribute.scimPath);
  if (problem) return [`${where}: scimPath "${attribute.scimPath}" ${problem}`];
  const reserved = RESERVED_ATTRIBUTE_KEYS.find((key) => key.toLowerCase() === attribute.key.toLowerCase());
  if (reserved !== undefined && resolvedName(attribute.scimPath) !== reserved) {
    return [`${where}: the key "${reserved}" is reserved for the SCIM ${reserved} attribute; choose another key`];
  }
  return [];
}

/** Attributes that are no identity facts in stored user data. */
const NOT_IDENTITY_ATTRIBUTES: Record<string, string> = {
  id: 'is assigned by this service, not by the identity provider',
  meta: 'is assigned by this service, not by the identity provider',
  password: 'is never stored',
  groups: 'is not stored with users: rules read group membership through the "group" source',
};

/** Why `scimPath` cannot be read as a user attribute, or undefined when it can. */
export function scimPathProblem(scimPath: string): string | undefined {
  let resolved: ResolvedAttribute | undefined;
  try {
    resolved = resolveAttribute({}, splitAttributeName(scimPath), USER_SCHEMAS);
  } catch (error) {
    if (error instanceof ScimError) return `is not a valid attribute name (${error.message})`;
    throw error;
  }
  if (!resolved) {
    return (
      'is neither a User or enterprise User attribute nor a custom extension attribute ' +
      '(urn:ietf:params:scim:schemas:extension:<name>:<attribute>)'
    );
  }
  // `urn:…:extension:2.0:Metadata` splits into schema `urn:…:extension:2.0` and attribute `Metadata`; a version
  // as the last segment of the schema part shows it names the extension itself, as the protocol layer reads it.
  if (resolved.wholeExtension || (resolved.freeForm && namesWholeExtension(scimPath.trim(), undefined, 'path', {}))) {
    return 'names a whole extension; add ":<attribute>"';
  }
  const [head] = resolved.keys;
  if (
    resolved.schema === undefined &&
    head !== undefined &&
    Object.prototype.hasOwnProperty.call(NOT_IDENTITY_ATTRIBUTES, head)
  ) {
    return NOT_IDENTITY_ATTRIBUTES[head];
  }
  const definition = resolved.definition;
  if (definition?.type === 'complex' && !definition.subAttributes?.some((sub) => sub.name === 'value')) {
    const example = definition.subAttributes?.[0]?.name;
    return `is a complex attribute; name one of its sub-attributes${example ? ` (e.g. ${definition.name}.${example})` : ''}`;
  }
  return undefined;
}

/** The canonical core attribute name a path resolves to (`USERTYPE` → `userType`), or undefined. */
function resolvedName(scimPath: string): string | undefined {
  const resolved = resolveAttribute({}, splitAttributeName(scimPath), USER_SCHEMAS);
  return resolved && resolved.schema === undefined && resolved.keys.length === 1 ? resolved.keys[0] : undefined;
}

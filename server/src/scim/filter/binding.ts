/**
 * The static meaning of a filter's attribute references and operands, checked against the schemas:
 * which attribute a path names, where its values sit in a resource, and how an operand compares with them.
 *
 * `compileFilter` (evaluate.ts) and `planFilter` (plan.ts) both bind through here, so they accept and reject
 * exactly the same filters, and they reject them before looking at any data: a filter's validity never
 * depends on the resources it happens to meet.
 */
import type { ScimError } from '../errors';
import { findAttribute, type AttributeDefinition, type ResourceSchemas } from '../schema/attributes';
import type { AttributePath, CompareNode, CompareOperator, PresentNode } from './ast';
import { formatAttributePath } from './attribute-path';
import { parseDateTime } from './date-time';

export type Failure = (detail: string) => ScimError;

/** Where an attribute's values are and what is known about them. */
export interface AttributeBinding {
  /** The reference as written, for messages. */
  label: string;
  /**
   * Key of the extension object that holds the attribute in a resource (`resource[container][attribute]`);
   * undefined for core and common attributes, which sit at the top level, and for sub-attributes in a
   * value filter, which sit in the element.
   */
  container: string | undefined;
  attribute: string;
  subAttribute: string | undefined;
  /** Definition of the addressed (sub-)attribute; undefined for free-form extension data. */
  definition: AttributeDefinition | undefined;
  /** An attribute of an extension we have no definition of: any name, any JSON shape, not case-exact. */
  freeForm: boolean;
  /** The attribute, or the attribute it is a sub-attribute of, may hold several values. */
  multiValued: boolean;
}

const CORE_NAMESPACE = 'urn:ietf:params:scim:schemas:core:';

/**
 * `schemas` is carried by every resource (RFC 7643 §3) but belongs to no schema's attribute list, so it is
 * defined here for filters such as RFC 7644's `schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`.
 */
const SCHEMAS_ATTRIBUTE: AttributeDefinition = {
  name: 'schemas',
  type: 'reference',
  multiValued: true,
  description: 'The schema URIs of the resource.',
  required: true,
  // URNs compare case-insensitively (RFC 8141 §3.1 for the prefix; clients are inconsistent about the rest).
  caseExact: false,
  mutability: 'readOnly',
  returned: 'always',
  uniqueness: 'none',
};

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Binds an attribute reference of a filter (or the attribute of a value path) in a resource of `schemas`. */
export function bindAttribute(path: AttributePath, schemas: ResourceSchemas, fail: Failure): AttributeBinding {
  const label = formatAttributePath(path);
  const dotted = path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
  const base = { label, attribute: path.attribute, subAttribute: path.subAttribute };
  const schema = path.schema;

  if (schema === undefined || sameName(schema, schemas.core.id)) {
    const definition =
      findAttribute(schemas, undefined, dotted) ?? (sameName(dotted, 'schemas') ? SCHEMAS_ATTRIBUTE : undefined);
    if (!definition) throw fail(unknownAttribute(label, schemas));
    const parent = path.subAttribute === undefined ? undefined : findAttribute(schemas, undefined, path.attribute);
    return {
      ...base,
      container: undefined,
      definition,
      freeForm: false,
      multiValued: isMultiValued(definition, parent),
    };
  }

  const extension = schemas.extensions.find((candidate) => sameName(candidate.id, schema));
  if (extension) {
    const definition = findAttribute(schemas, extension.id, dotted);
    if (!definition) throw fail(unknownAttribute(label, schemas));
    const parent = path.subAttribute === undefined ? undefined : findAttribute(schemas, extension.id, path.attribute);
    return { ...base, container: schema, definition, freeForm: false, multiValued: isMultiValued(definition, parent) };
  }

  // Another resource type's core schema (a Group URN in a User filter) names nothing here.
  if (schema.toLowerCase().startsWith(CORE_NAMESPACE)) throw fail(unknownAttribute(label, schemas));
  // Any other URN is an extension we store as it comes (Entra's custom extension attributes, Okta's profile
  // extensions): filtering on it is allowed, and finds what the resources hold.
  return { ...base, container: schema, definition: undefined, freeForm: true, multiValued: true };
}

/**
 * Binds a name inside `parent[…]` (a value filter, RFC 7644 §3.4.2.2 valuePath) to a sub-attribute of `parent`'s
 * elements. Also checks that `parent` can carry a value filter at all.
 */
export function bindElementAttribute(path: AttributePath, parent: AttributeBinding, fail: Failure): AttributeBinding {
  if (path.schema !== undefined || path.subAttribute !== undefined) {
    throw fail(`"${formatAttributePath(path)}" inside "${parent.label}[…]" must be a sub-attribute name`);
  }
  const label = `${parent.label}.${path.attribute}`;
  const base = { label, container: undefined, attribute: path.attribute, subAttribute: undefined };
  if (parent.freeForm) return { ...base, definition: undefined, freeForm: true, multiValued: false };
  const definition = parent.definition?.subAttributes?.find((candidate) => sameName(candidate.name, path.attribute));
  if (!definition) throw fail(`Unknown attribute "${path.attribute}" in "${parent.label}[…]"`);
  return { ...base, definition, freeForm: false, multiValued: definition.multiValued };
}

/** A value filter needs elements with sub-attributes: a complex attribute, or free-form extension data. */
export function checkValuePathTarget(parent: AttributeBinding, fail: Failure): void {
  if (parent.subAttribute !== undefined) {
    throw fail(`A value filter applies to an attribute, not to the sub-attribute "${parent.label}"`);
  }
  if (!parent.freeForm && parent.definition?.type !== 'complex') {
    throw fail(`"${parent.label}" has no sub-attributes to filter on with "[…]"`);
  }
}

function isMultiValued(definition: AttributeDefinition, parent: AttributeDefinition | undefined): boolean {
  return definition.multiValued || (parent?.multiValued ?? false);
}

function unknownAttribute(label: string, schemas: ResourceSchemas): string {
  // RFC 7644 §3.4.2.2 lets a provider reject filters on attributes it does not know; silently matching
  // nothing would make an IdP believe the user does not exist and create a duplicate.
  return `Unknown attribute "${label}" for ${schemas.core.name} resources`;
}

// --- comparisons ---------------------------------------------------------------------------------------------

/** An operand converted to the type of the attribute it is compared with. */
export type Operand =
  | { type: 'string'; value: string; caseExact: boolean }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  /** `value`: milliseconds since the epoch; `text`: the same instant in canonical ISO form. */
  | { type: 'dateTime'; value: number; text: string }
  /** Free-form extension data: typed by the values met at evaluation time. */
  | { type: 'untyped'; value: string | number | boolean };

export interface BoundComparison {
  op: CompareOperator;
  operand: Operand;
  /** Compare the `value` sub-attribute of complex values (`emails eq "x"` compares `emails.value`). */
  viaValue: boolean;
}

const ORDERING: ReadonlySet<CompareOperator> = new Set(['gt', 'ge', 'lt', 'le']);
const SUBSTRING: ReadonlySet<CompareOperator> = new Set(['co', 'sw', 'ew']);

/**
 * `attr eq null` and `attr ne null`: RFC 7643 §2.5 makes null the same as unassigned, so they mean "not present"
 * and "present". Returns the presence test and whether it is negated; other operators with null are errors.
 */
export function nullAsPresence(node: CompareNode, fail: Failure): { presence: PresentNode; negate: boolean } {
  if (node.op !== 'eq' && node.op !== 'ne') {
    throw fail(`"${node.op}" cannot compare "${formatAttributePath(node.path)}" with null; use "pr" or "eq null"`);
  }
  return { presence: { kind: 'present', path: node.path }, negate: node.op === 'eq' };
}

/** Types the operand of `node` (whose value is not null) by the attribute's definition. */
export function bindComparison(node: CompareNode, binding: AttributeBinding, fail: Failure): BoundComparison {
  const { op, value } = node;
  const label = binding.label;
  if (value === null) throw fail(`"${op}" cannot compare "${label}" with null`);
  if (ORDERING.has(op) && typeof value === 'boolean')
    throw fail(`"${op}" cannot order booleans ("${label}" ${op} ${value})`);
  if (SUBSTRING.has(op) && typeof value !== 'string')
    throw fail(`"${op}" needs a string operand ("${label}" ${op} ${value})`);

  let definition = binding.definition;
  let viaValue = binding.freeForm; // free-form values may be `[{ "value": … }]` as well as plain values
  if (definition?.type === 'complex') {
    // RFC 7644 §3.4.2.2 example `emails co "example.com"`: a complex attribute compares through its `value`.
    const valueDefinition = definition.subAttributes?.find((candidate) => sameName(candidate.name, 'value'));
    if (!valueDefinition)
      throw fail(`"${label}" is complex; compare one of its sub-attributes, e.g. "${label}.<name>"`);
    definition = valueDefinition;
    viaValue = true;
  }
  if (!definition) return { op, viaValue, operand: { type: 'untyped', value } };

  switch (definition.type) {
    case 'boolean': {
      if (op !== 'eq' && op !== 'ne') throw fail(`"${label}" is a boolean; only eq and ne apply to it`);
      const parsed = toBoolean(value);
      if (parsed === undefined) throw fail(`"${label}" is a boolean; compare it with true or false`);
      return { op, viaValue, operand: { type: 'boolean', value: parsed } };
    }
    case 'integer':
    case 'decimal':
      if (typeof value !== 'number') throw fail(`"${label}" is a number; compare it with a number`);
      return { op, viaValue, operand: { type: 'number', value } };
    case 'dateTime': {
      if (typeof value !== 'string') throw fail(`"${label}" is a dateTime; compare it with an ISO 8601 string`);
      // co/sw/ew have no meaning for instants; they apply to the text as served.
      if (SUBSTRING.has(op))
        return { op, viaValue, operand: { type: 'string', value, caseExact: definition.caseExact } };
      const instant = parseDateTime(value);
      if (instant === undefined) {
        throw fail(`"${value}" is not an ISO 8601 date-time such as "2011-05-13T04:42:34Z" (RFC 7643 §2.3.5)`);
      }
      return { op, viaValue, operand: { type: 'dateTime', value: instant, text: new Date(instant).toISOString() } };
    }
    case 'complex':
      throw fail(`"${label}" is complex; compare one of its sub-attributes`);
    default: // string, reference, binary
      if (typeof value !== 'string') throw fail(`"${label}" is a string; compare it with a "string"`);
      return { op, viaValue, operand: { type: 'string', value, caseExact: definition.caseExact } };
  }
}

/** `true`/`false`, and the strings "true"/"false" in any case: Microsoft Entra ID sends `active eq "False"`. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

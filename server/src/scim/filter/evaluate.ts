/**
 * Evaluates filters against SCIM resources as they are served (RFC 7644 §3.4.2.2), in memory.
 *
 * Used for what the database cannot decide (the `residual` of a plan), for `.search` over small sets, and by
 * PATCH to pick the elements a value filter selects. Semantics:
 *
 * - Attribute names and extension URNs are looked up case-insensitively (RFC 7643 §2.1).
 * - Strings compare case-insensitively unless the definition says `caseExact` (RFC 7643 §2.2); attributes of
 *   extensions without a definition compare case-insensitively.
 * - A multi-valued attribute matches when any of its values does (§3.4.2.2); a complex attribute without a
 *   sub-attribute compares its elements' `value` (`emails co "example.com"`).
 * - null, "" and [] are unassigned (RFC 7643 §2.5): `pr` is false for them, comparisons skip them, and `ne`
 *   and `not` are true when nothing is assigned.
 * - dateTime attributes compare as instants, numbers numerically, strings by UTF-16 code units.
 *
 * Filters are checked (binding.ts) when compiled, before any resource is looked at, so an invalid filter fails
 * the same way whatever the data.
 */
import { scimErrors } from '../errors';
import type { ResourceSchemas } from '../schema/attributes';
import type { AttributePath, CompareNode, CompareOperator, FilterNode, ValuePathNode } from './ast';
import {
  bindAttribute,
  bindComparison,
  bindElementAttribute,
  checkValuePathTarget,
  nullAsPresence,
  toBoolean,
  type AttributeBinding,
  type Failure,
  type Operand,
} from './binding';
import { instantOf } from './date-time';

export type ScimResource = Record<string, unknown>;

/** Compiles `node` once for many resources. Throws `invalidFilter` for filters the schemas make meaningless. */
export function compileFilter(node: FilterNode, schemas: ResourceSchemas): (resource: ScimResource) => boolean {
  return compileNode(node, { schemas, fail: scimErrors.invalidFilter, parent: undefined });
}

/** True when `resource` (SCIM JSON, extensions under their URN key) satisfies `node`. */
export function evaluateFilter(node: FilterNode, resource: ScimResource, schemas: ResourceSchemas): boolean {
  return compileFilter(node, schemas)(resource);
}

/**
 * For PATCH (RFC 7644 §3.5.2): a predicate over the elements of a multi-valued attribute. `filter` is the
 * bracketed part of a path and `attribute` the attribute before the bracket, as `parsePatchPath` returns them:
 * for `members[value eq "2819c223"]`, `compileElementFilter(patchPath.filter, patchPath.path, GROUP_SCHEMAS)`
 * accepts the elements `{ value: "2819c223", … }`. Names in `filter` are sub-attributes of the element; plain
 * values (an extension holding `["a", "b"]`) answer to `value`. Errors are `invalidPath`, the PATCH error for
 * a path that names nothing (RFC 7644 Table 9).
 */
export function compileElementFilter(
  filter: FilterNode,
  attribute: AttributePath,
  schemas: ResourceSchemas
): (element: unknown) => boolean {
  const fail = scimErrors.invalidPath;
  const parent = bindAttribute(attribute, schemas, fail);
  checkValuePathTarget(parent, fail);
  return compileNode(filter, { schemas, fail, parent });
}

/** One-off form of `compileElementFilter`. */
export function evaluateElementFilter(
  filter: FilterNode,
  element: unknown,
  attribute: AttributePath,
  schemas: ResourceSchemas
): boolean {
  return compileElementFilter(filter, attribute, schemas)(element);
}

// --- compilation ---------------------------------------------------------------------------------------------

type Predicate = (target: unknown) => boolean;

interface Scope {
  schemas: ResourceSchemas;
  fail: Failure;
  /** Set inside a value filter: names are sub-attributes of this attribute's elements. */
  parent: AttributeBinding | undefined;
}

function compileNode(node: FilterNode, scope: Scope): Predicate {
  switch (node.kind) {
    case 'and': {
      const left = compileNode(node.left, scope);
      const right = compileNode(node.right, scope);
      return (target) => left(target) && right(target);
    }
    case 'or': {
      const left = compileNode(node.left, scope);
      const right = compileNode(node.right, scope);
      return (target) => left(target) || right(target);
    }
    case 'not': {
      const inner = compileNode(node.filter, scope);
      return (target) => !inner(target);
    }
    case 'valuePath':
      return compileValuePath(node, scope);
    case 'present': {
      const read = reader(bind(node.path, scope));
      return (target) => isPresent(read(target));
    }
    case 'compare':
      return compileComparison(node, scope);
  }
}

function bind(path: AttributePath, scope: Scope): AttributeBinding {
  return scope.parent
    ? bindElementAttribute(path, scope.parent, scope.fail)
    : bindAttribute(path, scope.schemas, scope.fail);
}

function compileValuePath(node: ValuePathNode, scope: Scope): Predicate {
  if (scope.parent) throw scope.fail(`Value filters cannot nest (in "${scope.parent.label}[…]")`);
  const parent = bindAttribute(node.path, scope.schemas, scope.fail);
  checkValuePathTarget(parent, scope.fail);
  const matches = compileNode(node.filter, { ...scope, parent });
  const read = reader(parent);
  // A single complex value (`name[givenName eq "x"]`) is a list of one.
  return (target) =>
    spread(read(target)).some((element) => element !== undefined && element !== null && matches(element));
}

function compileComparison(node: CompareNode, scope: Scope): Predicate {
  const binding = bind(node.path, scope);
  const read = reader(binding);
  if (node.value === null) {
    const { negate } = nullAsPresence(node, scope.fail);
    return negate ? (target) => !isPresent(read(target)) : (target) => isPresent(read(target));
  }
  const { op, operand, viaValue } = bindComparison(node, binding, scope.fail);
  if (op === 'ne') {
    // "Not equal": true when some value differs, and when no value is assigned at all.
    const equals = valueTest('eq', operand);
    return (target) => {
      const values = comparedValues(read(target), viaValue);
      return values.length === 0 || values.some((value) => !equals(value));
    };
  }
  const test = valueTest(op, operand);
  return (target) => comparedValues(read(target), viaValue).some(test);
}

// --- reading values ------------------------------------------------------------------------------------------

/**
 * How to get a bound attribute's raw value from its target: a resource, or an element inside a value filter.
 * A sub-attribute of a multi-valued attribute reads as the list of the elements' sub-attribute values.
 */
function reader(binding: AttributeBinding): (target: unknown) => unknown {
  const { container, attribute, subAttribute } = binding;
  return (target) => {
    const holder = container === undefined ? target : member(target, container);
    const value = subValue(holder, attribute);
    if (subAttribute === undefined) return value;
    return spread(value).flatMap((element) => spread(subValue(element, subAttribute)));
  };
}

/** The values a comparison looks at: multi-valued spread out, `value` taken from complex ones, unassigned dropped. */
function comparedValues(raw: unknown, viaValue: boolean): unknown[] {
  const values: unknown[] = [];
  for (const item of spread(raw)) {
    const value = viaValue && isRecord(item) ? member(item, 'value') : item;
    for (const candidate of spread(value)) if (isAssigned(candidate)) values.push(candidate);
  }
  return values;
}

/** `holder[name]`, matching the name case-insensitively; own properties only. */
function member(holder: unknown, name: string): unknown {
  if (!isRecord(holder)) return undefined;
  if (Object.hasOwn(holder, name)) return holder[name];
  const lower = name.toLowerCase();
  const key = Object.keys(holder).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : holder[key];
}

/** Like `member`, but a plain value (an element of `["a", "b"]`) is its own `value` sub-attribute. */
function subValue(holder: unknown, name: string): unknown {
  if (isRecord(holder)) return member(holder, name);
  const isPlainValue = typeof holder === 'string' || typeof holder === 'number' || typeof holder === 'boolean';
  return isPlainValue && name.toLowerCase() === 'value' ? holder : undefined;
}

const spread = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

const isAssigned = (value: unknown): boolean => value !== undefined && value !== null && value !== '';

function isRecord(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

/**
 * RFC 7644 §3.4.2.2 `pr`: "If the attribute has a non-empty value, or if it contains a non-empty node for
 * complex attributes, there is a match."
 */
function isPresent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isRecord(value)) return Object.values(value).some(isPresent);
  return true;
}

// --- comparing values ----------------------------------------------------------------------------------------

type PositiveOperator = Exclude<CompareOperator, 'ne'>;

/** A test of one assigned value against the operand; values of another type never match. */
function valueTest(op: PositiveOperator, operand: Operand): (value: unknown) => boolean {
  switch (operand.type) {
    case 'string': {
      const fold = operand.caseExact ? (text: string) => text : (text: string) => text.toLowerCase();
      const test = stringTest(op, fold(operand.value));
      return (value) => typeof value === 'string' && test(fold(value));
    }
    case 'number': {
      const test = orderTest(op, operand.value);
      return (value) => typeof value === 'number' && test(value);
    }
    case 'dateTime': {
      const test = orderTest(op, operand.value);
      return (value) => {
        const instant = instantOf(value);
        return instant !== undefined && test(instant);
      };
    }
    case 'boolean': // eq only: bindComparison rejects the others
      return (value) => toBoolean(value) === operand.value;
    case 'untyped':
      return untypedTest(op, operand.value);
  }
}

/** Extension data without a definition: typed by what the resource holds. */
function untypedTest(op: PositiveOperator, operand: string | number | boolean): (value: unknown) => boolean {
  if (typeof operand === 'number') {
    const test = orderTest(op, operand);
    return (value) => typeof value === 'number' && test(value);
  }
  if (typeof operand === 'boolean') return (value) => toBoolean(value) === operand;
  const test = stringTest(op, operand.toLowerCase());
  const asBoolean = op === 'eq' ? toBoolean(operand) : undefined;
  return (value) => {
    if (typeof value === 'string') return test(value.toLowerCase());
    // A stored boolean against Entra's "True"/"False".
    return typeof value === 'boolean' && asBoolean === value;
  };
}

function stringTest(op: PositiveOperator, operand: string): (value: string) => boolean {
  switch (op) {
    case 'co':
      return (value) => value.includes(operand);
    case 'sw':
      return (value) => value.startsWith(operand);
    case 'ew':
      return (value) => value.endsWith(operand);
    default:
      return orderTest(op, operand);
  }
}

function orderTest<T extends string | number>(op: PositiveOperator, operand: T): (value: T) => boolean {
  switch (op) {
    case 'eq':
      return (value) => value === operand;
    case 'gt':
      return (value) => value > operand;
    case 'ge':
      return (value) => value >= operand;
    case 'lt':
      return (value) => value < operand;
    case 'le':
      return (value) => value <= operand;
    default: // co/sw/ew on numbers and instants are rejected by bindComparison
      return () => false;
  }
}

/**
 * Type checking and coercion of attribute values against their definitions (RFC 7643 §2.3).
 *
 * One set of rules for POST/PUT bodies and PATCH values, so a value is stored the same way whichever request
 * carried it. Decisions:
 * - `null` means unassigned (RFC 7643 §2.5): the result is `undefined` and the caller removes the attribute.
 *   Empty arrays and complex values without any assigned sub-attribute are unassigned too.
 * - Booleans accept the strings "true"/"false" in any case.
 * - String attributes accept finite JSON numbers and store them as strings: an IdP mapping from a numeric
 *   directory attribute (employeeId) should not fail a whole provisioning cycle. Other types → invalidValue.
 * - Multi-valued attributes must be arrays: Entra and Okta always send arrays, so anything else is a client
 *   bug worth reporting (invalidValue) rather than guessing.
 * - A complex attribute with a `value` sub-attribute accepts a bare primitive as `{ value }`.
 * - readOnly sub-attributes (manager.displayName) are dropped, as RFC 7643 §2.2 says to ignore them;
 *   sub-attributes the definition does not have are dropped and reported through `ignored`.
 */
import { scimErrors } from '../errors';
import type { AttributeDefinition } from '../schema/attributes';
import { cloneJson, isPlainObject, isUnsafeKey, type JsonObject } from './json';

/** Collects names of attributes that were present but not stored, for the caller's log. */
export type IgnoredSink = string[];

export function coerceAttributeValue(
  definition: AttributeDefinition,
  value: unknown,
  name: string,
  ignored: IgnoredSink = []
): unknown {
  if (value === null || value === undefined) return undefined;
  if (!definition.multiValued) return coerceSingleValue(definition, value, name, ignored);
  if (!Array.isArray(value)) throw scimErrors.invalidValue(`"${name}" is multi-valued and must be an array`);
  const items: unknown[] = [];
  for (const item of value) {
    const coerced = coerceSingleValue(definition, item, name, ignored);
    if (coerced !== undefined) items.push(coerced);
  }
  return items.length > 0 ? items : undefined;
}

/** Coerces one value (or one element of a multi-valued attribute) to the attribute's type. */
export function coerceSingleValue(
  definition: AttributeDefinition,
  value: unknown,
  name: string,
  ignored: IgnoredSink = []
): unknown {
  if (value === null || value === undefined) return undefined;
  switch (definition.type) {
    case 'string':
    case 'reference':
    case 'dateTime':
    case 'binary':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
      throw scimErrors.invalidValue(`"${name}" must be a string`);
    case 'boolean':
      return coerceBoolean(value, name);
    case 'integer':
    case 'decimal': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || !Number.isFinite(number)) throw scimErrors.invalidValue(`"${name}" must be a number`);
      if (definition.type === 'integer' && !Number.isInteger(number)) throw scimErrors.invalidValue(`"${name}" must be an integer`);
      return number;
    }
    case 'complex':
      return coerceComplex(definition, value, name, ignored);
  }
}

/** Entra (without aadOptscim062020) sends booleans as the strings "True"/"False". */
export function coerceBoolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw scimErrors.invalidValue(`"${name}" must be a boolean`);
}

function coerceComplex(definition: AttributeDefinition, value: unknown, name: string, ignored: IgnoredSink): unknown {
  const subAttributes = definition.subAttributes ?? [];
  if (!isPlainObject(value)) {
    const valueDefinition = subAttributes.find((sub) => sub.name === 'value');
    // Entra sends the enterprise `manager` as the bare id: `"value": "<manager id>"`.
    if (valueDefinition && !Array.isArray(value) && typeof value !== 'object') {
      return { value: coerceSingleValue(valueDefinition, value, `${name}.value`, ignored) };
    }
    throw scimErrors.invalidValue(`"${name}" must be an object`);
  }
  const result: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    if (isUnsafeKey(key)) continue;
    const lower = key.toLowerCase();
    const sub = subAttributes.find((candidate) => candidate.name.toLowerCase() === lower);
    if (!sub) {
      ignored.push(`${name}.${key}`);
      continue;
    }
    if (sub.mutability === 'readOnly') continue;
    const coerced = coerceAttributeValue(sub, member, `${name}.${sub.name}`, ignored);
    if (coerced !== undefined) result[sub.name] = coerced;
  }
  return Object.keys(result).length > 0 ? result : undefined;
}

/**
 * Values of extensions we have no definitions of are stored as received (without prototype keys, explicit
 * nulls and the empty objects they leave): we cannot type-check what we do not know.
 */
export function coerceFreeFormValue(value: unknown): unknown {
  const copy = cloneJson(value, { dropNulls: true });
  if (copy === null) return undefined;
  if (Array.isArray(copy) && copy.length === 0) return undefined;
  if (isPlainObject(copy) && Object.keys(copy).length === 0) return undefined;
  return copy;
}

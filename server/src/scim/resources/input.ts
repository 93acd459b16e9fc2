/**
 * Reading a POST/PUT resource body into the canonical stored form (RFC 7644 §3.3, §3.5.1).
 *
 * Shared by users and groups; each passes the names it handles itself (`password`, `members`).
 */
import { scimErrors } from '../errors';
import type { ResourceSchemas } from '../schema/attributes';
import { coerceAttributeValue, coerceFreeFormValue } from './coerce';
import { isPlainObject, isUnsafeKey, type JsonObject } from './json';
import {
  canonicalName,
  formatAttributeName,
  KNOWN_SCHEMA_URNS,
  namesWholeExtension,
  removeAt,
  resolveAttribute,
  setAt,
  splitAttributeName,
  type AttributeName,
} from './paths';

export interface ReadBodyResult {
  data: JsonObject;
  /** Values of the `reserved` names, by their lower-case name, as received. */
  reserved: Map<string, unknown>;
  /** Names present in the body that were not stored (unknown attributes, sub-attributes, URNs). */
  ignored: string[];
}

/** Echoed by Okta's PUT and Entra's POST (`meta.resourceType`); readOnly, so ignored silently (RFC 7643 §2.2). */
const READ_ONLY_ECHOES = new Set(['id', 'meta', 'groups']);

export function readResourceBody(body: unknown, schemas: ResourceSchemas, reservedNames: readonly string[]): ReadBodyResult {
  if (!isPlainObject(body)) throw scimErrors.invalidSyntax('The request body must be a JSON object');
  const result: ReadBodyResult = { data: {}, reserved: new Map(), ignored: [] };
  for (const [key, value] of Object.entries(body)) {
    const lower = key.toLowerCase();
    if (isUnsafeKey(key)) {
      result.ignored.push(key);
    } else if (lower === 'schemas') {
      // Unknown URNs are accepted: Entra adds its own ADSCIM group URN and omits custom extension URNs.
      if (value !== undefined && value !== null && (!Array.isArray(value) || !value.every((urn) => typeof urn === 'string'))) {
        throw scimErrors.invalidSyntax('"schemas" must be an array of strings');
      }
    } else if (reservedNames.includes(lower)) {
      result.reserved.set(lower, value);
    } else if (READ_ONLY_ECHOES.has(lower)) {
      continue;
    } else if (lower.startsWith('urn:')) {
      readUrnMember(result, key, value, schemas);
    } else {
      readAttribute(result, { path: [key] }, value, schemas);
    }
  }
  return result;
}

/**
 * A URN key is either an extension object (`"urn:…:enterprise:2.0:User": { … }`) or one attribute written
 * flat (`"urn:…:enterprise:2.0:User:department": "x"`).
 */
function readUrnMember(result: ReadBodyResult, key: string, value: unknown, schemas: ResourceSchemas): void {
  const name = splitAttributeName(key);
  if (name.path.length === 0 && name.schema !== undefined) {
    // A known schema URN: its value holds that schema's attributes.
    if (value === null) return;
    if (!isPlainObject(value)) throw scimErrors.invalidValue(`"${key}" must be an object of attributes`);
    for (const [attribute, member] of Object.entries(value)) {
      readAttribute(result, { schema: name.schema, path: [attribute] }, member, schemas);
    }
    return;
  }
  const knownSchema = KNOWN_SCHEMA_URNS.includes(name.schema ?? '');
  if (!knownSchema && namesWholeExtension(key, value, 'member', result.data)) {
    if (value === null) return;
    if (!isPlainObject(value)) throw scimErrors.invalidValue(`"${key}" must be an object of attributes`);
    // Entra nests a custom attribute `urn:…:extension:2.0:Metadata:team` under the URN before the last colon
    // (`"urn:…:extension:2.0:Metadata": { "team": … }`) and does not list that URN in `schemas`.
    for (const [attribute, member] of Object.entries(value)) {
      readAttribute(result, { schema: key, path: [attribute] }, member, schemas);
    }
    return;
  }
  readAttribute(result, name, value, schemas);
}

function readAttribute(result: ReadBodyResult, name: AttributeName, value: unknown, schemas: ResourceSchemas): void {
  if (name.path.some((part) => isUnsafeKey(part))) {
    result.ignored.push(formatAttributeName(name));
    return;
  }
  let resolved;
  try {
    resolved = resolveAttribute(result.data, name, schemas);
  } catch {
    resolved = undefined; // a malformed name in a body is an unknown attribute, not a malformed request
  }
  if (!resolved || resolved.wholeExtension) {
    result.ignored.push(formatAttributeName(name));
    return;
  }
  if (resolved.definitions.some((definition) => definition.mutability === 'readOnly')) return;
  if (resolved.definition?.mutability === 'writeOnly') {
    result.ignored.push(canonicalName(resolved)); // only `password`, which callers reserve
    return;
  }
  const coerced = resolved.definition
    ? coerceAttributeValue(resolved.definition, value, canonicalName(resolved), result.ignored)
    : resolved.freeForm
      ? coerceFreeFormValue(value)
      : undefined;
  if (coerced === undefined) removeAt(result.data, resolved.keys);
  else setAt(result.data, resolved.keys, coerced);
}

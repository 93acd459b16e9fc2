/**
 * Attribute names → places in the canonical stored form (see `./types`).
 *
 * SCIM names an attribute `[schemaUrn:]attribute[.subAttribute]` (RFC 7644 §3.10), case-insensitively
 * (RFC 7643 §2.1). This module splits such names, resolves them against the schema definitions into the key
 * chain used in stored data, and reads/writes data along those chains.
 */
import { scimErrors } from '../errors';
import { COMMON_ATTRIBUTES, type AttributeDefinition, type ResourceSchemas } from '../schema/attributes';
import { URN } from '../schema/urns';
import { findKeyIgnoringCase, isPlainObject, isUnsafeKey, type JsonObject } from './json';

/** A possibly URN-qualified attribute name, split. `path` is empty when the name is a whole schema URN. */
export interface AttributeName {
  schema?: string;
  path: string[];
}

/** Every schema URN whose attributes we have definitions of, for prefix matching. */
export const KNOWN_SCHEMA_URNS: readonly string[] = [URN.user, URN.group, URN.enterpriseUser];

/**
 * Splits `urn:…:User:name.givenName` into `{ schema: 'urn:…:User', path: ['name', 'givenName'] }`.
 *
 * Known URNs are matched by their longest case-insensitive prefix and returned in their canonical spelling.
 * Any other URN is split at its last `:`: Entra names custom attributes
 * `urn:ietf:params:scim:schemas:extension:<name>:<attr>` (the schema URN itself contains colons and dots),
 * and a sub-attribute follows a `.` after that colon (`…:enterprise:2.0:User:manager.value`).
 */
export function splitAttributeName(name: string, knownUrns: readonly string[] = KNOWN_SCHEMA_URNS): AttributeName {
  const text = name.trim();
  const lower = text.toLowerCase();
  if (!lower.startsWith('urn:')) return { path: text.split('.') };
  const byLength = [...knownUrns].sort((a, b) => b.length - a.length);
  for (const urn of byLength) {
    const urnLower = urn.toLowerCase();
    if (lower === urnLower) return { schema: urn, path: [] };
    if (lower.startsWith(`${urnLower}:`)) return { schema: urn, path: text.slice(urn.length + 1).split('.') };
  }
  const lastColon = text.lastIndexOf(':');
  return { schema: text.slice(0, lastColon), path: text.slice(lastColon + 1).split('.') };
}

/** The name of an extension whose attributes we store as received: `urn:ietf:params:scim:schemas:extension:…`. */
export const isExtensionUrn = (value: string): boolean =>
  value.toLowerCase().startsWith(URN.extensionPrefix.toLowerCase()) && value.length > URN.extensionPrefix.length;

const VERSION_SEGMENT = /^\d+(\.\d+)*$/;

/**
 * Whether a URN that is not one of ours names a custom extension itself (`urn:…:extension:2.0:Metadata`)
 * rather than an attribute of one (`urn:…:extension:2.0:Metadata:team`) — the text alone is ambiguous:
 * - split at its last colon, an extension URN leaves a version as the last segment (`…:extension:2.0`,
 *   `…:CustomExtensionName:2.0`), since schema URNs name a resource after their version;
 * - a key already stored as an extension is that extension;
 * - as a member of a body or path-less value (`mode: 'member'`), an object under a URN key nests an
 *   extension's attributes, as Entra sends them — unless the shorter URN is already a stored extension.
 * In a PATCH `path` (`mode: 'path'`) the remaining cases name an attribute.
 */
export function namesWholeExtension(urn: string, value: unknown, mode: 'member' | 'path', data: JsonObject): boolean {
  if (!isExtensionUrn(urn)) return false;
  const lastColon = urn.lastIndexOf(':');
  const parent = urn.slice(0, lastColon);
  if (VERSION_SEGMENT.test(parent.slice(parent.lastIndexOf(':') + 1))) return true;
  if (findKeyIgnoringCase(data, urn) !== undefined) return true;
  return mode === 'member' && isPlainObject(value) && findKeyIgnoringCase(data, parent) === undefined;
}

/** Where an attribute lives in stored data, and what the schema says about it. */
export interface ResolvedAttribute {
  /** Canonical key chain: `['name', 'givenName']`, `[enterpriseUrn, 'manager', 'value']`, `[customUrn, 'team']`. */
  keys: string[];
  /** The extension URN (canonical or as first stored), or undefined for core and common attributes. */
  schema?: string;
  /** Definitions along `keys` after the schema key; shorter than the chain for free-form extension data. */
  definitions: AttributeDefinition[];
  /** The definition of the last key, when the schema defines it. */
  definition?: AttributeDefinition;
  /** True for attributes of extensions without definitions (stored as received). */
  freeForm: boolean;
  /** True when the name is a whole extension URN (`keys` has only the URN). */
  wholeExtension: boolean;
}

/**
 * Resolves a split name against the definitions, and against existing keys of `data` for free-form extensions
 * (their names keep the spelling first received; later spellings match it case-insensitively).
 *
 * Returns undefined for names this resource type does not define (a core attribute we do not know, a
 * sub-attribute the definition lacks, a URN that is neither ours nor an extension): RFC 7644 §3.3 lets the
 * service provider ignore those, and callers list them as ignored.
 * Throws `invalidPath` for names that cannot be valid anywhere: empty segments, a sub-attribute of a simple
 * attribute, prototype keys.
 */
export function resolveAttribute(
  data: JsonObject,
  name: AttributeName,
  schemas: ResourceSchemas
): ResolvedAttribute | undefined {
  const display = formatAttributeName(name);
  for (const part of [name.schema ?? '', ...name.path]) {
    if (isUnsafeKey(part) || part.split(':').some(isUnsafeKey)) throw scimErrors.invalidPath(`"${display}" is not an attribute name`);
  }
  if (name.path.some((part) => part.trim() === '')) throw scimErrors.invalidPath(`"${display}" has an empty attribute name`);

  const schema = name.schema;
  if (schema === undefined || schema.toLowerCase() === schemas.core.id.toLowerCase()) {
    if (name.path.length === 0) throw scimErrors.invalidPath(`"${display}" names a schema, not an attribute`);
    return walkDefinitions([], undefined, [...schemas.core.attributes, ...COMMON_ATTRIBUTES], name.path, display);
  }
  const extension = schemas.extensions.find((candidate) => candidate.id.toLowerCase() === schema.toLowerCase());
  if (extension) {
    if (name.path.length === 0) return wholeExtension(extension.id, false);
    return walkDefinitions([extension.id], extension.id, extension.attributes, name.path, display);
  }
  if (!isExtensionUrn(schema) || KNOWN_SCHEMA_URNS.some((urn) => urn.toLowerCase() === schema.toLowerCase())) {
    return undefined; // another resource type's core schema, or a URN that is no extension: not ours
  }
  const urnKey = findKeyIgnoringCase(data, schema) ?? schema;
  if (name.path.length === 0) return wholeExtension(urnKey, true);
  const keys = [urnKey];
  let cursor: unknown = data[urnKey];
  for (const part of name.path) {
    const existing = isPlainObject(cursor) ? findKeyIgnoringCase(cursor, part) : undefined;
    const key = existing ?? part;
    keys.push(key);
    cursor = isPlainObject(cursor) ? cursor[key] : undefined;
  }
  return { keys, schema: urnKey, definitions: [], freeForm: true, wholeExtension: false };
}

const wholeExtension = (urn: string, freeForm: boolean): ResolvedAttribute => ({
  keys: [urn],
  schema: urn,
  definitions: [],
  freeForm,
  wholeExtension: true,
});

function walkDefinitions(
  prefix: string[],
  schema: string | undefined,
  attributes: AttributeDefinition[],
  path: string[],
  display: string
): ResolvedAttribute | undefined {
  const keys = [...prefix];
  const definitions: AttributeDefinition[] = [];
  let candidates: AttributeDefinition[] | undefined = attributes;
  for (const part of path) {
    if (!candidates) throw scimErrors.invalidPath(`"${display}": ${keys.slice(prefix.length).join('.')} has no sub-attributes`);
    const lower = part.toLowerCase();
    const definition: AttributeDefinition | undefined = candidates.find((candidate) => candidate.name.toLowerCase() === lower);
    if (!definition) return undefined;
    keys.push(definition.name);
    definitions.push(definition);
    candidates = definition.subAttributes;
  }
  const resolved: ResolvedAttribute = { keys, definitions, freeForm: false, wholeExtension: false };
  if (schema !== undefined) resolved.schema = schema;
  const last = definitions[definitions.length - 1];
  if (last) resolved.definition = last;
  return resolved;
}

/** `name.givenName`, or `urn:…:enterprise:2.0:User:manager.value` for extension attributes. */
export function formatAttributeName(name: AttributeName): string {
  const path = name.path.join('.');
  if (name.schema === undefined) return path;
  return path ? `${name.schema}:${path}` : name.schema;
}

/** The canonical name of a resolved attribute, as `changed` lists and logs show it. */
export function canonicalName(resolved: ResolvedAttribute): string {
  if (resolved.schema === undefined) return resolved.keys.join('.');
  return formatAttributeName({ schema: resolved.schema, path: resolved.keys.slice(1) });
}

// ---------------------------------------------------------------------------------------------------------------
// Reading and writing along key chains. These mutate `data` (callers work on copies).

function assertSafeKeys(keys: readonly string[]): void {
  if (keys.some(isUnsafeKey)) throw scimErrors.invalidPath('Attribute names may not be prototype keys');
}

export function getAt(data: JsonObject, keys: readonly string[]): unknown {
  let cursor: unknown = data;
  for (const key of keys) {
    if (!isPlainObject(cursor) || !Object.prototype.hasOwnProperty.call(cursor, key)) return undefined;
    cursor = cursor[key];
  }
  return cursor;
}

/** Sets the value at `keys`, creating (or replacing non-object) intermediate objects. */
export function setAt(data: JsonObject, keys: readonly string[], value: unknown): void {
  assertSafeKeys(keys);
  let cursor: JsonObject = data;
  for (const key of keys.slice(0, -1)) {
    const next = cursor[key];
    if (isPlainObject(next) && Object.prototype.hasOwnProperty.call(cursor, key)) {
      cursor = next;
    } else {
      const created: JsonObject = {};
      cursor[key] = created;
      cursor = created;
    }
  }
  const last = keys[keys.length - 1];
  if (last !== undefined) cursor[last] = value;
}

/** Removes the value at `keys` and the objects left empty above it. Returns whether anything was removed. */
export function removeAt(data: JsonObject, keys: readonly string[]): boolean {
  assertSafeKeys(keys);
  const [head, ...rest] = keys;
  if (head === undefined || !Object.prototype.hasOwnProperty.call(data, head)) return false;
  if (rest.length === 0) {
    delete data[head];
    return true;
  }
  const child = data[head];
  if (!isPlainObject(child)) return false;
  const removed = removeAt(child, rest);
  if (removed && Object.keys(child).length === 0) delete data[head];
  return removed;
}

// ---------------------------------------------------------------------------------------------------------------
// Convenience by name, for callers outside the protocol layer (mapping rules, logs).

/** The stored value of a (possibly URN-qualified) attribute name, matched case-insensitively. */
export function getAttribute(data: JsonObject, name: string, schemas: ResourceSchemas): unknown {
  const resolved = resolveAttribute(data, splitAttributeName(name), schemas);
  return resolved ? getAt(data, resolved.keys) : undefined;
}

/**
 * Stores `value` (as given: no type coercion) under the canonical spelling of `name`; `null`/`undefined`
 * removes it. Returns false when the name is not an attribute of this resource type.
 */
export function setAttribute(data: JsonObject, name: string, value: unknown, schemas: ResourceSchemas): boolean {
  const resolved = resolveAttribute(data, splitAttributeName(name), schemas);
  if (!resolved) return false;
  if (value === null || value === undefined) removeAt(data, resolved.keys);
  else setAt(data, resolved.keys, value);
  return true;
}

export function removeAttribute(data: JsonObject, name: string, schemas: ResourceSchemas): boolean {
  const resolved = resolveAttribute(data, splitAttributeName(name), schemas);
  return resolved ? removeAt(data, resolved.keys) : false;
}

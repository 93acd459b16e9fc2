/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a response carries.
 *
 * Rules: names are case-insensitive and may be URN-qualified (`urn:…:enterprise:2.0:User:department`), name
 * a sub-attribute (`name.givenName`, `emails.value`) or a whole extension (`urn:…:enterprise:2.0:User`).
 * Attributes with `returned: always` (`id`, `schemas`) are always present and never excluded; `returned: never`
 * (`password`) never appear; `returned: request` ones only when named in `attributes`. With both parameters
 * (RFC 7644 leaves it undefined) `attributes` selects first, then `excludedAttributes` removes.
 */
import { COMMON_ATTRIBUTES, type AttributeDefinition, type ResourceSchemas } from './schema/attributes';
import { cloneJson, findKeyIgnoringCase, isPlainObject, isUnsafeKey, type JsonObject } from './resources/json';
import { KNOWN_SCHEMA_URNS, splitAttributeName, type AttributeName } from './resources/paths';

export interface ProjectionRequest {
  attributes?: string[];
  excludedAttributes?: string[];
}

/** `attributes=userName, name.givenName` → `['userName', 'name.givenName']`; arrays (repeated params) are joined. */
export function parseAttributeList(param: unknown): string[] {
  const parts = Array.isArray(param) ? param : [param];
  return parts
    .filter((part): part is string => typeof part === 'string')
    .flatMap((part) => part.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '');
}

/** The top-level key of the resource JSON and the path below it, for a requested name. */
interface Target {
  /** Top-level key in the resource: a core attribute name or an extension URN. */
  top: string;
  /** Path below `top` (empty: the whole attribute or extension). */
  rest: string[];
}

function targetOf(name: AttributeName, schemas: ResourceSchemas): Target | undefined {
  if (name.schema === undefined || name.schema.toLowerCase() === schemas.core.id.toLowerCase()) {
    const [top, ...rest] = name.path;
    return top ? { top, rest } : undefined;
  }
  return { top: name.schema, rest: name.path };
}

const targetsOf = (names: string[], schemas: ResourceSchemas): Target[] =>
  names.flatMap((name) => {
    const split = splitAttributeName(name);
    const target = targetOf(split, schemas);
    const targets = target ? [target] : [];
    // A custom extension's own URN (`urn:…:extension:2.0:Metadata`) also splits at its last colon; the name
    // may mean either that whole extension or one attribute of `urn:…:extension:2.0`, so try both.
    if (split.schema !== undefined && !KNOWN_SCHEMA_URNS.includes(split.schema)) targets.push({ top: name.trim(), rest: [] });
    return targets;
  });

/** Definitions by top-level key, to apply `returned` rules. */
function definitionsOf(schemas: ResourceSchemas): Map<string, AttributeDefinition[]> {
  const definitions = new Map<string, AttributeDefinition[]>();
  definitions.set('', [...schemas.core.attributes, ...COMMON_ATTRIBUTES]);
  for (const extension of schemas.extensions) definitions.set(extension.id.toLowerCase(), extension.attributes);
  return definitions;
}

const ALWAYS_RETURNED = ['schemas', 'id'];

function isAlwaysReturned(key: string, definitions: Map<string, AttributeDefinition[]>): boolean {
  if (ALWAYS_RETURNED.includes(key.toLowerCase())) return true;
  const definition = definitions.get('')?.find((candidate) => candidate.name.toLowerCase() === key.toLowerCase());
  return definition?.returned === 'always';
}

/** Removes `returned: never` attributes, and `returned: request` ones unless `requested` names them. */
function applyReturnedRules(resource: JsonObject, definitions: Map<string, AttributeDefinition[]>, requested: Target[]): void {
  const prune = (container: JsonObject, list: AttributeDefinition[] | undefined, isRequested: (name: string) => boolean) => {
    for (const definition of list ?? []) {
      const key = findKeyIgnoringCase(container, definition.name);
      if (key === undefined) continue;
      if (definition.returned === 'never' || (definition.returned === 'request' && !isRequested(definition.name))) {
        delete container[key];
      }
    }
  };
  const requestedTop = (urn: string | undefined) => (name: string) =>
    requested.some((target) =>
      urn === undefined
        ? target.top.toLowerCase() === name.toLowerCase()
        : target.top.toLowerCase() === urn.toLowerCase() && target.rest[0]?.toLowerCase() === name.toLowerCase()
    );
  prune(resource, definitions.get(''), requestedTop(undefined));
  for (const [urn, list] of definitions) {
    if (urn === '') continue;
    const key = findKeyIgnoringCase(resource, urn);
    const extension = key === undefined ? undefined : resource[key];
    if (isPlainObject(extension)) prune(extension, list, requestedTop(urn));
  }
}

/** Copies `path` of `source` into `target` (creating objects; mapping over multi-valued arrays). */
function copyPath(source: unknown, target: JsonObject, key: string, path: string[]): void {
  if (!isPlainObject(source)) return;
  const sourceKey = findKeyIgnoringCase(source, key);
  if (sourceKey === undefined || isUnsafeKey(sourceKey)) return;
  const value = source[sourceKey];
  const [next, ...rest] = path;
  if (next === undefined) {
    target[sourceKey] = cloneJson(value);
    return;
  }
  if (Array.isArray(value)) {
    // `emails.value`: every element, reduced to the named sub-attribute.
    const existing = Array.isArray(target[sourceKey]) ? (target[sourceKey] as unknown[]) : undefined;
    const projected = value.map((element, index) => {
      const into = existing && isPlainObject(existing[index]) ? (existing[index] as JsonObject) : {};
      copyPath(element, into, next, rest);
      return into;
    });
    if (projected.some((element) => Object.keys(element).length > 0)) target[sourceKey] = projected;
    return;
  }
  if (!isPlainObject(value)) return;
  const into = isPlainObject(target[sourceKey]) ? (target[sourceKey] as JsonObject) : {};
  copyPath(value, into, next, rest);
  if (Object.keys(into).length > 0) target[sourceKey] = into;
}

function removePath(container: unknown, key: string, path: string[]): void {
  if (Array.isArray(container)) {
    for (const element of container) removePath(element, key, path);
    return;
  }
  if (!isPlainObject(container)) return;
  const actual = findKeyIgnoringCase(container, key);
  if (actual === undefined) return;
  const [next, ...rest] = path;
  if (next === undefined) {
    delete container[actual];
    return;
  }
  const value = container[actual];
  removePath(value, next, rest);
  if (isPlainObject(value) && Object.keys(value).length === 0) delete container[actual];
}

/**
 * The response representation of `resource` for the request's `attributes` / `excludedAttributes`.
 * Returns a new object; `resource` is not modified.
 */
export function projectResource(
  resource: Record<string, unknown>,
  request: ProjectionRequest,
  schemas: ResourceSchemas
): Record<string, unknown> {
  const definitions = definitionsOf(schemas);
  const requested = targetsOf(request.attributes ?? [], schemas);
  const excluded = targetsOf(request.excludedAttributes ?? [], schemas);
  let result: JsonObject;
  if (requested.length > 0) {
    result = {};
    for (const key of Object.keys(resource)) {
      if (isAlwaysReturned(key, definitions)) result[key] = cloneJson(resource[key]);
    }
    for (const target of requested) copyPath(resource, result, target.top, target.rest);
  } else {
    result = (cloneJson(resource) ?? {}) as JsonObject;
  }
  for (const target of excluded) {
    if (target.rest.length === 0 && isAlwaysReturned(target.top, definitions)) continue;
    removePath(result, target.top, target.rest);
  }
  applyReturnedRules(result, definitions, requested);
  return result;
}

/**
 * True when the response will not carry `attributeName` (e.g. `members`), so the caller can skip loading it:
 * Entra reads groups with `excludedAttributes=members`, and a group can have tens of thousands of members.
 */
export function excludesAttribute(request: ProjectionRequest, attributeName: string, schemas: ResourceSchemas): boolean {
  const wanted = targetOf(splitAttributeName(attributeName), schemas);
  if (!wanted) return false;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  // A name covers the attribute when it is the attribute, one of its parents (its URN) or one of its children.
  const covers = (target: Target, wholeOnly: boolean) => {
    if (!same(target.top, wanted.top)) return false;
    const shorter = Math.min(target.rest.length, wanted.rest.length);
    for (let index = 0; index < shorter; index++) if (!same(target.rest[index] ?? '', wanted.rest[index] ?? '')) return false;
    return wholeOnly ? target.rest.length <= wanted.rest.length : true;
  };
  const excluded = targetsOf(request.excludedAttributes ?? [], schemas);
  if (excluded.some((target) => covers(target, true))) return true;
  const requested = targetsOf(request.attributes ?? [], schemas);
  return requested.length > 0 && !requested.some((target) => covers(target, false));
}

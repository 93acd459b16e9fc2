/**
 * Small JSON helpers shared by the resource, PATCH and projection modules.
 *
 * Everything here treats its input as untrusted JSON from an identity provider: keys that could reach
 * `Object.prototype` through a later `target[key] = …` are never copied, and nothing is mutated in place.
 */

import { scimErrors } from '../errors';

export type JsonObject = Record<string, unknown>;

/**
 * Deepest nesting of arrays and objects accepted in a value (and, by the HTTP layer, in a request body).
 * Entra's and Okta's deepest bodies nest 5 levels (`Operations[].value.<extension URN>.manager.value`); the
 * limit exists because the copying and comparing below recurse, and a 10,000-level value must be a 400, not a
 * stack overflow (a 500).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether a string or member name anywhere in `value` holds U+0000. PostgreSQL cannot store it in text or
 * jsonb (a database error, so a 500), and no directory attribute legitimately contains it. Iterative.
 */
export function containsNulCharacter(value: unknown): boolean {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return true;
    } else if (Array.isArray(current)) {
      for (const item of current) pending.push(item); // not push(...current): a huge array overflows the arguments
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, member] of Object.entries(current)) {
        if (key.includes('\u0000')) return true;
        pending.push(member);
      }
    }
  }
  return false;
}

/** Whether `value` nests arrays/objects deeper than `maxDepth` levels. Iterative: safe on any depth. */
export function exceedsJsonDepth(value: unknown, maxDepth: number = MAX_JSON_DEPTH): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop() as { value: unknown; depth: number };
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return true;
    const members = Array.isArray(current) ? current : Object.values(current);
    for (const member of members) {
      if (typeof member === 'object' && member !== null) pending.push({ value: member, depth: depth + 1 });
    }
  }
  return false;
}

/**
 * Keys that must never be used as property names on data we build: assigning through them reaches the
 * prototype chain (`obj.__proto__.x = 1` pollutes every object of the process).
 */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const isUnsafeKey = (key: string): boolean => UNSAFE_KEYS.has(key.toLowerCase());

/** A plain JSON object (not an array, not null, not a class instance such as Date). */
export function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The own key of `object` equal to `name` ignoring case (RFC 7643 §2.1), if any. */
export function findKeyIgnoringCase(object: JsonObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

export interface CloneOptions {
  /** Drop object members whose value is `null` (SCIM: explicit null means unassigned), and the empty objects left. */
  dropNulls?: boolean;
}

/**
 * A deep copy of a JSON value without unsafe keys. Values JSON cannot carry (functions, undefined, symbols,
 * non-finite numbers) are dropped, so the result always survives a JSON round-trip unchanged.
 */
export function cloneJson(value: unknown, options: CloneOptions = {}, depth = 0): unknown {
  if (value === null) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'object' && depth >= MAX_JSON_DEPTH) {
    throw scimErrors.invalidValue(`A value nests arrays or objects deeper than ${MAX_JSON_DEPTH} levels`);
  }
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const copy = cloneJson(item, options, depth + 1);
      if (copy === undefined || (copy === null && options.dropNulls)) continue;
      items.push(copy);
    }
    return items;
  }
  if (value instanceof Date) return value.toISOString();
  if (isPlainObject(value)) {
    const copy: JsonObject = {};
    for (const [key, member] of Object.entries(value)) {
      if (isUnsafeKey(key)) continue;
      const memberCopy = cloneJson(member, options, depth + 1);
      if (memberCopy === undefined) continue;
      if (options.dropNulls && (memberCopy === null || isEmptyObject(memberCopy))) continue;
      copy[key] = memberCopy;
    }
    return copy;
  }
  return undefined;
}

export const isEmptyObject = (value: unknown): boolean => isPlainObject(value) && Object.keys(value).length === 0;

/** Structural equality of two JSON values (object member order does not matter). */
export function jsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left)) {
    return Array.isArray(right) && left.length === right.length && left.every((item, index) => jsonEqual(item, right[index]));
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const leftKeys = Object.keys(left);
    if (leftKeys.length !== Object.keys(right).length) return false;
    return leftKeys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && jsonEqual(left[key], right[key]));
  }
  return false;
}

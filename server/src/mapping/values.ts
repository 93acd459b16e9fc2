/**
 * Turning raw JSON (SCIM attribute values, SSO claims) into the plain string lists rules compare.
 *
 * Identity providers send one value in many shapes: `"Blue"`, `["Blue"]`, `[{ "value": "Blue" }]`, `42`,
 * `true`. All of them mean the same list of strings to a rule, so they are flattened here once.
 */
import { isPlainObject } from '../scim/resources/json';
import { cleanText } from './text';

/**
 * The string values carried by a raw JSON value:
 * - a string is one value (NFC, trimmed); numbers (finite) and booleans become their `String()`;
 * - an array contributes each element's values, in order;
 * - an object contributes its `value` member (RFC 7643 §2.4 multi-valued attributes, Entra's `{ value }` items);
 *   other objects (e.g. `name`) carry no single value and contribute nothing;
 * - null, undefined and empty strings contribute nothing (Entra never sends nulls; an empty value is no value).
 * Duplicates (after trimming) are dropped, keeping the first.
 */
export function valuesOf(raw: unknown): string[] {
  const values: string[] = [];
  collect(raw, values);
  return [...new Set(values)];
}

function collect(raw: unknown, into: string[]): void {
  if (typeof raw === 'string') {
    const text = cleanText(raw);
    if (text !== '') into.push(text);
  } else if (typeof raw === 'number') {
    if (Number.isFinite(raw)) into.push(String(raw));
  } else if (typeof raw === 'boolean') {
    into.push(String(raw));
  } else if (Array.isArray(raw)) {
    for (const item of raw) collect(item, into);
  } else if (isPlainObject(raw) && Object.prototype.hasOwnProperty.call(raw, 'value')) {
    // Only a scalar `value`: `{ value: { value: … } }` is no shape any IdP sends.
    const value = raw.value;
    if (!isPlainObject(value)) collect(value, into);
  }
}

/** The first value of a raw JSON value, or null: for attributes that hold at most one value. */
export const firstValueOf = (raw: unknown): string | null => valuesOf(raw)[0] ?? null;

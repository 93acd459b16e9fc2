/**
 * Attribute references in standard attribute notation (RFC 7644 §3.10): `[schemaUrn ":"] attrName ["." subAttr]`,
 * as they appear in filters, PATCH paths, `attributes=`, `excludedAttributes=` and `sortBy`.
 */
import type { ResourceSchemas } from '../schema/attributes';
import { URN, looksLikeUrn } from '../schema/urns';
import type { AttributePath } from './ast';

/** RFC 7644 §3.10 `ATTRNAME = ALPHA *(nameChar)`, plus `$ref`, which RFC 7643 §2.4 names with a `$`. */
const ATTRIBUTE_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/;

export const isAttributeName = (text: string): boolean => ATTRIBUTE_NAME.test(text);

/** The schemas whose URNs a path may be qualified with when the caller names no others. */
export const DEFAULT_KNOWN_URNS: readonly string[] = [URN.user, URN.group, URN.enterpriseUser];

export type AttributePathResult = { ok: true; path: AttributePath } | { ok: false; reason: string };

const sameUrn = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Splits one attribute reference. A URN-qualified name takes as schema the longest known URN that prefixes it
 * followed by `:`; an unknown URN (Entra's custom extensions such as
 * `urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:CustomAttribute`) is split at its last
 * `:`, since attribute names cannot contain one. Names keep the spelling they were written with.
 */
export function splitAttributePath(text: string, knownUrns: readonly string[]): AttributePathResult {
  if (!looksLikeUrn(text)) return splitDotted(text, undefined);
  const lower = text.toLowerCase();
  let schemaLength = 0;
  for (const urn of knownUrns) {
    if (urn.length > schemaLength && lower.startsWith(`${urn.toLowerCase()}:`)) schemaLength = urn.length;
  }
  if (schemaLength > 0) return splitDotted(text.slice(schemaLength + 1), text.slice(0, schemaLength));
  if (knownUrns.some((urn) => sameUrn(urn, text))) {
    return { ok: false, reason: 'it names a schema, not an attribute of it' };
  }
  const colon = text.lastIndexOf(':');
  const schema = text.slice(0, colon);
  const segments = schema.split(':');
  // `urn:<NID>:<NSS>` (RFC 8141) needs at least three non-empty segments before the attribute name.
  if (segments.length < 3 || segments.some((segment) => segment === '')) {
    return { ok: false, reason: 'a URN-qualified name reads "urn:<namespace>:<schema>:<attribute>"' };
  }
  return splitDotted(text.slice(colon + 1), schema);
}

function splitDotted(text: string, schema: string | undefined): AttributePathResult {
  const parts = text.split('.');
  if (parts.length > 2) return { ok: false, reason: 'only one level of sub-attribute is allowed (RFC 7644 §3.10)' };
  const [attribute = '', subAttribute] = parts;
  for (const part of parts) {
    if (!isAttributeName(part)) {
      const shown = part === '' ? 'an empty name' : `"${part}"`;
      return {
        ok: false,
        reason: `${shown} is not an attribute name (RFC 7644 §3.10: a letter, then letters, digits, "_" or "-")`,
      };
    }
  }
  const path: AttributePath = schema === undefined ? { attribute } : { schema, attribute };
  if (subAttribute !== undefined) path.subAttribute = subAttribute;
  return { ok: true, path };
}

/** Back to standard attribute notation; `splitAttributePath` reads the result as the same path. */
export function formatAttributePath(path: AttributePath): string {
  const name = path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`;
  return path.schema === undefined ? name : `${path.schema}:${name}`;
}

/**
 * The canonical key of an attribute, lower-cased (names are case-insensitive, RFC 7643 §2.1): core and common
 * attributes without URN (`username`, `name.givenname`, `emails.value`, `meta.lastmodified`), extension
 * attributes behind their URN (`urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeenumber`).
 * A path qualified with the resource's core URN has the same key as the unqualified one.
 */
export function pathKey(path: AttributePath, schemas: ResourceSchemas): string {
  const name = (
    path.subAttribute === undefined ? path.attribute : `${path.attribute}.${path.subAttribute}`
  ).toLowerCase();
  if (path.schema === undefined || sameUrn(path.schema, schemas.core.id)) return name;
  return `${path.schema.toLowerCase()}:${name}`;
}

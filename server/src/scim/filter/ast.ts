/**
 * The abstract syntax of SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2).
 *
 * Attribute names keep the spelling they were written with; everything that compares them does so
 * case-insensitively (RFC 7643 §2.1).
 */

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

/** A comparison value as written in the filter: a JSON string, number, `true`, `false` or `null`. */
export type FilterValue = string | number | boolean | null;

/**
 * `[schemaUrn:]attribute[.subAttribute]`.
 * `schema` is set only when the path was URN-qualified; for the core schema it may name the core URN.
 */
export interface AttributePath {
  schema?: string;
  attribute: string;
  subAttribute?: string;
}

export interface CompareNode {
  kind: 'compare';
  path: AttributePath;
  op: CompareOperator;
  value: FilterValue;
}

export interface PresentNode {
  kind: 'present';
  path: AttributePath;
}

export interface LogicalNode {
  kind: 'and' | 'or';
  left: FilterNode;
  right: FilterNode;
}

export interface NotNode {
  kind: 'not';
  filter: FilterNode;
}

/**
 * `emails[type eq "work" and value co "@example.com"]`: true when one element of the multi-valued
 * attribute satisfies `filter`, whose paths are relative to the element (`type`, `value`).
 * Entra's non-standard `emails[type eq "work"].value eq "x"` is parsed into the same node with
 * `filter` = `type eq "work" and value eq "x"` (the same element must satisfy both).
 */
export interface ValuePathNode {
  kind: 'valuePath';
  path: AttributePath; // never has subAttribute
  filter: FilterNode;
}

export type FilterNode = CompareNode | PresentNode | LogicalNode | NotNode | ValuePathNode;

/**
 * A PATCH `path`: `attrPath`, `attrPath[valFilter]` or `attrPath[valFilter].subAttr` (RFC 7644 §3.5.2,
 * ABNF `PATH = attrPath / valuePath [subAttr]`).
 */
export interface PatchPath {
  path: AttributePath;
  /** The value filter in brackets, if any; its paths are relative to an element of `path`. */
  filter?: FilterNode;
  /** The sub-attribute after the closing bracket (`emails[type eq "work"].value` → `value`). */
  subAttribute?: string;
}

/**
 * Reading a PATCH request body (RFC 7644 §3.5.2) into a list of operations.
 *
 * Decisions:
 * - `Operations` is required and must be an array (invalidSyntax); an empty array is a no-op.
 * - The PatchOp URN in `schemas` is expected but not required: some clients omit it, and the endpoint already
 *   says what the body is. A `schemas` naming other URNs only is still invalidSyntax.
 * - Member names are matched case-insensitively (`operations`, `Op`, `Path`, RFC 7643 §2.1).
 * - More than `maxOperations` operations → 413 (as RFC 7644 §3.7.4 answers a bulk request over its
 *   `maxOperations`); Entra and Okta send a handful per request.
 */
import { ScimError, scimErrors } from '../errors';
import { parsePatchPath, type PatchPath } from '../filter';
import { isPlainObject } from '../resources/json';
import { KNOWN_SCHEMA_URNS } from '../resources/paths';
import { URN } from '../schema/urns';

export type PatchOp = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  op: PatchOp;
  /** The parsed `path`; undefined for path-less add/replace (the target is the resource itself). */
  path?: PatchPath;
  /** The `path` as sent, for error messages and logs. */
  rawPath?: string;
  /** The `value` as sent; `null` is kept (it means "unassign" for add/replace). */
  value?: unknown;
}

export interface ParsePatchOptions {
  /** Default 1000. */
  maxOperations?: number;
  /** Schema URNs the path parser splits by prefix; defaults to the core and enterprise URNs. */
  knownUrns?: string[];
}

export const DEFAULT_MAX_PATCH_OPERATIONS = 1000;

const member = (object: Record<string, unknown>, name: string): unknown => {
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
};

const hasMember = (object: Record<string, unknown>, name: string): boolean =>
  Object.keys(object).some((candidate) => candidate.toLowerCase() === name.toLowerCase());

export function parsePatchRequest(body: unknown, options: ParsePatchOptions = {}): PatchOperation[] {
  if (!isPlainObject(body)) throw scimErrors.invalidSyntax('The PATCH body must be a JSON object');
  const schemas = member(body, 'schemas');
  if (
    Array.isArray(schemas) &&
    schemas.length > 0 &&
    !schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === URN.patchOp.toLowerCase())
  ) {
    throw scimErrors.invalidSyntax(`A PATCH body's "schemas" must be ["${URN.patchOp}"]`);
  }
  const operations = member(body, 'Operations');
  if (!Array.isArray(operations)) throw scimErrors.invalidSyntax('The PATCH body needs an "Operations" array');
  const maxOperations = options.maxOperations ?? DEFAULT_MAX_PATCH_OPERATIONS;
  if (operations.length > maxOperations) {
    throw scimErrors.payloadTooLarge(`At most ${maxOperations} operations per PATCH request (got ${operations.length})`);
  }
  const knownUrns = options.knownUrns ?? [...KNOWN_SCHEMA_URNS];
  return operations.map((operation, index) => parseOperation(operation, index, knownUrns));
}

function parseOperation(operation: unknown, index: number, knownUrns: string[]): PatchOperation {
  const where = `Operations[${index}]`;
  if (!isPlainObject(operation)) throw scimErrors.invalidSyntax(`${where} must be an object`);
  const opName = member(operation, 'op');
  if (typeof opName !== 'string') throw scimErrors.invalidSyntax(`${where} needs an "op"`);
  // Entra (without aadOptscim062020): ops are capitalised (`Add`, `Replace`, `Remove`).
  const op = opName.trim().toLowerCase();
  if (op !== 'add' && op !== 'replace' && op !== 'remove') {
    throw scimErrors.invalidSyntax(`${where}: unknown op "${opName}" (expected add, replace or remove)`);
  }
  const result: PatchOperation = { op };
  const rawPath = member(operation, 'path');
  if (rawPath !== undefined && rawPath !== null) {
    if (typeof rawPath !== 'string' || rawPath.trim() === '') throw scimErrors.invalidPath(`${where}: "path" must be a non-empty string`);
    result.rawPath = rawPath;
    result.path = parsePathSafely(rawPath, knownUrns);
  }
  if (hasMember(operation, 'value')) result.value = member(operation, 'value');
  if (op === 'remove' && !result.path) {
    throw scimErrors.noTarget(`${where}: "remove" needs a "path" (RFC 7644 §3.5.2.2)`);
  }
  if (op !== 'remove' && !hasMember(operation, 'value')) {
    throw scimErrors.invalidSyntax(`${where}: "${op}" needs a "value"`);
  }
  return result;
}

/** Path syntax errors are the path parser's to describe; anything else it throws is still a 400 invalidPath. */
export function parsePathSafely(text: string, knownUrns: string[] = [...KNOWN_SCHEMA_URNS]): PatchPath {
  try {
    return parsePatchPath(text, { knownUrns });
  } catch (error) {
    if (error instanceof ScimError) throw error;
    throw scimErrors.invalidPath(`"${text}" is not a valid attribute path`);
  }
}

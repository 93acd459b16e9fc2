/**
 * The canonical stored form of SCIM resources: the contract between the protocol layer and storage.
 *
 * A `Record<string, unknown>` of the resource's client-writable attributes, JSON-serialisable:
 * - core attributes at the top level under their canonical names (`userName`, `name.givenName`, `emails`, …);
 * - extension attributes nested under the extension's schema URN (`{ "urn:…:enterprise:2.0:User": { department } }`).
 *   Known extensions use the URN and attribute names of their definitions; unknown extensions keep the spelling
 *   first received, and their values are stored as received.
 * Never in it: `id`, `meta`, `schemas`, `groups` (derived), `password`, `members` (stored by the caller).
 * Explicit `null` means unassigned, so a null never appears in it; neither does an empty object or array.
 */
export type ScimUserData = Record<string, unknown>;
export type ScimGroupData = Record<string, unknown>;

/** A group member as the client sent it (RFC 7643 §4.2); only `value` (the member's id) is required. */
export interface MemberInput {
  value: string;
  display?: string;
  type?: 'User' | 'Group';
  /** Entra sends `"$ref": null`; kept only when it is a string. */
  $ref?: string;
}

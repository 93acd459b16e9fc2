/**
 * Identity facts: what the engine knows about a person, read from stored SCIM data (provisioning) or from
 * SSO claims (sign-in). Both give the same `IdentityFacts`, so the same person gets the same mapping whichever
 * way they arrive.
 */
import { findKeyIgnoringCase, isPlainObject } from '../scim/resources/json';
import { readScimValues } from './scim-values';
import { cleanText } from './text';
import type { DeclaredAttribute, IdentityFacts } from './types';
import { firstValueOf, valuesOf } from './values';

export interface GroupMembership {
  displayName: string;
  externalId: string | null;
}

/**
 * Facts from a stored SCIM user (`../scim/resources/types`) and the groups they are a direct member of.
 *
 * - `userType`: the core attribute, or null when absent or empty;
 * - `roles`: the `value` of each SCIM `roles` item (Entra app roles such as `Admin`);
 * - each declared attribute by its `scimPath`; a single-valued attribute keeps its first value only;
 * - `active`: the stored flag; a user without one is active (RFC 7643 leaves it optional; Entra sends it).
 */
export function factsFromScim(
  data: Record<string, unknown>,
  groups: GroupMembership[],
  declared: DeclaredAttribute[]
): IdentityFacts {
  return {
    userType: firstValueOf(data.userType),
    roles: valuesOf(data.roles),
    groups: cleanGroups(groups),
    attributes: declaredValues(declared, (attribute) => readScimValues(data, attribute.scimPath)),
    active: readActive(data.active),
  };
}

export interface ClaimsOptions {
  /** Claim with the person's groups; `groups` unless set. */
  groupsClaim?: string;
  /**
   * What the groups claim carries. Entra puts group object ids in `groups` by default (they match a SCIM
   * group's `externalId`); Okta puts group names. `displayName` unless set.
   */
  groupsClaimValues?: 'displayName' | 'externalId';
  /** Claim with the person's application roles; `roles` unless set (Entra's app roles claim). */
  rolesClaim?: string;
  /** Claim with the person's user type; none unless set (there is no standard claim for it). */
  userTypeClaim?: string;
}

/**
 * Facts from the claims of an OIDC ID token / userinfo answer, or from SAML attributes (name → value(s)).
 *
 * Claim values may be strings, arrays or numbers. A declared attribute is read from its `claim`; without one it
 * has no value at sign-in. Claim names are looked up exactly, then ignoring case (SAML attribute names are
 * URIs whose case IdPs do not always keep). A person who signs in is active: the IdP just authenticated them.
 * Groups known only by id carry an empty `displayName`, so display-name conditions cannot match them by accident.
 */
export function factsFromClaims(
  claims: Record<string, unknown>,
  declared: DeclaredAttribute[],
  options: ClaimsOptions = {}
): IdentityFacts {
  const claim = (name: string | undefined): unknown => {
    if (name === undefined || !isPlainObject(claims)) return undefined;
    const key = findKeyIgnoringCase(claims, name);
    return key === undefined ? undefined : claims[key];
  };
  const groupValues = valuesOf(claim(options.groupsClaim ?? 'groups'));
  const byId = options.groupsClaimValues === 'externalId';
  return {
    userType: options.userTypeClaim === undefined ? null : firstValueOf(claim(options.userTypeClaim)),
    roles: valuesOf(claim(options.rolesClaim ?? 'roles')),
    groups: groupValues.map((value) =>
      byId ? { displayName: '', externalId: value } : { displayName: value, externalId: null }
    ),
    attributes: declaredValues(declared, (attribute) => valuesOf(claim(attribute.claim))),
    active: true,
  };
}

/** Every declared key, with its values (none when absent); single-valued attributes keep at most one. */
function declaredValues(
  declared: DeclaredAttribute[],
  read: (attribute: DeclaredAttribute) => string[]
): Record<string, string[]> {
  const attributes: Record<string, string[]> = {};
  for (const attribute of declared) {
    const values = read(attribute);
    attributes[attribute.key] = attribute.multiValued ? values : values.slice(0, 1);
  }
  return attributes;
}

function cleanGroups(groups: GroupMembership[]): GroupMembership[] {
  return groups.map((group) => {
    const externalId = group.externalId === null ? null : cleanText(group.externalId);
    return { displayName: cleanText(group.displayName), externalId: externalId === '' ? null : externalId };
  });
}

/**
 * The IdP's active flag. The protocol layer already stores a boolean, but Entra without `aadOptscim062020`
 * sends the strings "True"/"False", so those are read too rather than trusted to have been coerced.
 */
function readActive(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') return raw.trim().toLowerCase() !== 'false';
  return true;
}

/**
 * Which facts the mapping rules see at sign-in.
 *
 * Precedence (stated once here, applied fact by fact): for a person SCIM provisioned, **SCIM wins for every
 * fact SCIM carries a value for** — userType, roles, group memberships, each declared attribute — because SCIM
 * is the directory's deliberate, continuously synchronised record, while a token is a snapshot the user's own
 * sign-in produced (and Entra may leave groups out of it: overage). Claims fill only the facts SCIM has no
 * value for. `active` is SCIM's flag. A person SCIM does not know is mapped from the claims alone.
 */
import type { IdentityFacts } from '../mapping';

export function combineFacts(scim: IdentityFacts | null, claims: IdentityFacts): IdentityFacts {
  if (!scim) return claims;
  const attributes: Record<string, string[]> = { ...claims.attributes };
  for (const [key, values] of Object.entries(scim.attributes)) {
    if (values.length > 0 || !(key in attributes)) attributes[key] = values;
  }
  return {
    userType: scim.userType ?? claims.userType,
    roles: scim.roles.length > 0 ? scim.roles : claims.roles,
    groups: scim.groups.length > 0 ? scim.groups : claims.groups,
    attributes,
    active: scim.active,
  };
}

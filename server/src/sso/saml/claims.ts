/**
 * Turns the attributes of a verified assertion into the claims the SSO core maps to a Strapi admin user.
 * Entra ID uses claim-type URIs; Okta uses whatever names the admin typed in "Attribute Statements", for
 * which we accept the usual plain names. The raw attribute map is always returned as well, so mapping rules
 * can use any other claim.
 */
import { NAMEID_FORMAT } from './metadata';

export interface SamlClaims {
  /** The IdP entity ID (Entra: `https://sts.windows.net/{tenant-id}/`). */
  issuer: string;
  /**
   * Subject NameID. Under Entra's default this is the UPN, which can change: bind Entra identities on
   * tenantId + objectId instead (see `objectId`). Okta's default is the login (email); persistent is better.
   */
  nameId: string;
  nameIdFormat?: string;
  /** AuthnStatement SessionIndex, needed for SAML single logout. */
  sessionIndex?: string;
  attributes: Record<string, string[]>;
  email?: string;
  firstName?: string;
  lastName?: string;
  displayName?: string;
  groups?: string[];
  roles?: string[];
  /** Entra tenant GUID. */
  tenantId?: string;
  /** Entra user object GUID: stable and never reassigned, the identity key together with tenantId. */
  objectId?: string;
  /**
   * Entra sends `groups.link` instead of `groups` when the user is in more than 150 groups. The login must
   * not fail: the SSO core falls back to SCIM-provisioned groups and logs it.
   */
  groupsOverage: boolean;
}

/** Entra ID claim-type URIs (enterprise application → "Attributes & Claims"). */
export const ENTRA_CLAIM = {
  objectId: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  tenantId: 'http://schemas.microsoft.com/identity/claims/tenantid',
  displayName: 'http://schemas.microsoft.com/identity/claims/displayname',
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  givenName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  surname: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  groups: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/groups',
  role: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role',
  groupsOverage: 'http://schemas.microsoft.com/claims/groups.link',
} as const;

// Candidate attribute names per claim, first match wins. Entra URI first, then Okta's plain names (what
// Okta's SAML app wizard suggests and most guides use), then LDAP/eduPerson OIDs some IdPs send.
const CANDIDATES = {
  email: [ENTRA_CLAIM.email, 'email', 'mail', 'emailAddress', 'urn:oid:0.9.2342.19200300.100.1.3'],
  firstName: [ENTRA_CLAIM.givenName, 'firstName', 'givenName', 'given_name', 'urn:oid:2.5.4.42'],
  lastName: [ENTRA_CLAIM.surname, 'lastName', 'surname', 'sn', 'family_name', 'urn:oid:2.5.4.4'],
  displayName: [ENTRA_CLAIM.displayName, 'displayName', 'name', 'urn:oid:2.16.840.1.113730.3.1.241'],
  groups: [ENTRA_CLAIM.groups, 'groups', 'memberOf'],
  roles: [ENTRA_CLAIM.role, 'roles', 'role'],
} as const;

export function normaliseClaims(
  subject: { issuer: string; nameId: string; nameIdFormat?: string; sessionIndex?: string },
  attributeMap: Map<string, string[]>,
): SamlClaims {
  // Object.fromEntries defines own properties, so an attribute named `__proto__` cannot touch a prototype.
  const attributes: Record<string, string[]> = Object.fromEntries(attributeMap);
  const first = (names: readonly string[]): string | undefined => {
    for (const name of names) {
      const value = attributeMap.get(name)?.[0];
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const all = (names: readonly string[]): string[] | undefined => {
    for (const name of names) {
      const values = attributeMap.get(name);
      if (values && values.length > 0) return [...new Set(values)];
    }
    return undefined;
  };

  // Okta's default SAML app sends the login as an emailAddress NameID and no attributes at all.
  const email = first(CANDIDATES.email) ?? (subject.nameIdFormat === NAMEID_FORMAT.emailAddress ? subject.nameId : undefined);
  const claims: SamlClaims = {
    issuer: subject.issuer,
    nameId: subject.nameId,
    ...(subject.nameIdFormat ? { nameIdFormat: subject.nameIdFormat } : {}),
    ...(subject.sessionIndex ? { sessionIndex: subject.sessionIndex } : {}),
    attributes,
    groupsOverage: attributeMap.has(ENTRA_CLAIM.groupsOverage),
  };
  const optional = {
    email,
    firstName: first(CANDIDATES.firstName),
    lastName: first(CANDIDATES.lastName),
    displayName: first(CANDIDATES.displayName),
    groups: all(CANDIDATES.groups),
    roles: all(CANDIDATES.roles),
    tenantId: first([ENTRA_CLAIM.tenantId]),
    objectId: first([ENTRA_CLAIM.objectId]),
  };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) (claims as unknown as Record<string, unknown>)[name] = value;
  }
  return claims;
}

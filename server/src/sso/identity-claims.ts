/**
 * Who a verified ID token says the person is: the key an identity is bound by, and the profile a new admin
 * user gets. Pure; the token's signature, issuer, audience, expiry, nonce and tenant were checked before.
 */
import { SsoError } from './errors';
import type { IdentityProviderKind } from './connections/schema';

export interface SignInIdentity {
  /** The token's issuer (for Entra: the tenant's issuer, so it carries the tenant). */
  issuer: string;
  /** Stable subject within the issuer: `sub`, or for Entra `{tid}:{oid}` (sub is pairwise per application). */
  subject: string;
  /** Lower-cased email, or null when the IdP sent none usable. */
  email: string | null;
  /** False when the IdP says the email is unverified; null when it does not say (Entra never does). */
  emailVerified: boolean | null;
  firstname: string | null;
  lastname: string | null;
  /** Entra sent `_claim_names.groups` instead of `groups` (more groups than fit in a token). */
  groupsOverage: boolean;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function signInIdentityOf(claims: Record<string, unknown>, provider: IdentityProviderKind): SignInIdentity {
  const issuer = text(claims.iss);
  const sub = text(claims.sub);
  if (!issuer || !sub) throw new SsoError('SSO_CLAIMS_MISSING', 'the ID token has no iss or sub');
  let subject = sub;
  if (provider === 'entra') {
    // Entra: `sub` differs per application; `oid` identifies the person in the tenant. Needs the `profile` scope.
    const tid = text(claims.tid);
    const oid = text(claims.oid);
    if (!tid || !oid) throw new SsoError('SSO_CLAIMS_MISSING', 'the Entra ID token has no tid/oid (request the "profile" scope)');
    subject = `${tid.toLowerCase()}:${oid.toLowerCase()}`;
  }
  return {
    issuer,
    subject,
    ...emailOf(claims, provider),
    ...namesOf(claims),
    groupsOverage: hasGroupsOverage(claims),
  };
}

function emailOf(claims: Record<string, unknown>, provider: IdentityProviderKind): { email: string | null; emailVerified: boolean | null } {
  const verified = typeof claims.email_verified === 'boolean' ? claims.email_verified : claims.email_verified === 'true' ? true : null;
  const email = text(claims.email);
  if (email && EMAIL.test(email)) return { email: email.toLowerCase(), emailVerified: verified };
  // Entra: work accounts often have no `email` claim; the UPN in `preferred_username` is email-shaped. It is
  // a display hint (mutable) — used for a new admin user's address, never trusted more than `email` would be.
  const upn = provider === 'entra' ? text(claims.preferred_username) : null;
  if (upn && EMAIL.test(upn)) return { email: upn.toLowerCase(), emailVerified: null };
  return { email: null, emailVerified: verified };
}

function namesOf(claims: Record<string, unknown>): { firstname: string | null; lastname: string | null } {
  const given = text(claims.given_name);
  const family = text(claims.family_name);
  if (given || family) return { firstname: given, lastname: family };
  const name = text(claims.name);
  if (!name) return { firstname: null, lastname: null };
  const space = name.indexOf(' ');
  return space < 0 ? { firstname: name, lastname: null } : { firstname: name.slice(0, space), lastname: name.slice(space + 1).trim() || null };
}

/** Entra's groups overage: the groups are not in the token, only a pointer to Microsoft Graph. */
export function hasGroupsOverage(claims: Record<string, unknown>, groupsClaim = 'groups'): boolean {
  const names = claims._claim_names;
  return (
    claims[groupsClaim] === undefined &&
    typeof names === 'object' &&
    names !== null &&
    Object.prototype.hasOwnProperty.call(names, groupsClaim)
  );
}

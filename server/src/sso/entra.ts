/**
 * Microsoft Entra ID specifics of OIDC (each a deviation from plain OIDC that we handle on purpose):
 * - the authority names a tenant: `https://login.microsoftonline.com/{tenant}/v2.0`. The multi-tenant
 *   authorities `/common`, `/organizations` and `/consumers` accept people of ANY tenant, so they are refused
 *   unless the owner lists the tenants allowed in;
 * - every ID token carries `tid` (the tenant) and `oid` (the person, stable across apps); `sub` is pairwise per
 *   application, so identities are keyed on `tid` + `oid`, never on email (Entra emails are mutable and, for
 *   some account types, unverified — the "nOAuth" takeover).
 */
import { SsoError } from './errors';

export const ENTRA_MULTI_TENANT_AUTHORITIES = ['common', 'organizations', 'consumers'] as const;

export type EntraAuthority = { kind: 'multi-tenant'; name: string } | { kind: 'tenant'; tenant: string };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isTenantId = (value: string): boolean => GUID.test(value);

/** The tenant part of an Entra issuer/authority URL: its first path segment. */
export function entraAuthorityOf(issuer: string): EntraAuthority {
  const [segment] = new URL(issuer).pathname.split('/').filter((part) => part !== '');
  if (!segment) throw new SsoError('SSO_CONFIG_INVALID', `Entra issuer ${issuer} names no tenant (expected …/{tenant}/v2.0)`);
  const lower = segment.toLowerCase();
  if ((ENTRA_MULTI_TENANT_AUTHORITIES as readonly string[]).includes(lower)) return { kind: 'multi-tenant', name: lower };
  return { kind: 'tenant', tenant: segment };
}

/** Why a connection's tenant settings are unsafe, or undefined when they are fine (checked at save/start-up). */
export function entraConfigProblem(issuer: string, allowedTenants: string[] | undefined): string | undefined {
  let authority: EntraAuthority;
  try {
    authority = entraAuthorityOf(issuer);
  } catch (error) {
    return (error as Error).message;
  }
  const notGuids = (allowedTenants ?? []).filter((tenant) => !isTenantId(tenant));
  if (notGuids.length > 0) return `allowedTenants must be tenant ids (GUIDs); not: ${notGuids.join(', ')}`;
  if (authority.kind === 'multi-tenant' && (allowedTenants ?? []).length === 0) {
    return `the /${authority.name} authority accepts accounts of any tenant: use your tenant's authority (https://login.microsoftonline.com/{tenant-id}/v2.0) or list allowedTenants`;
  }
  return undefined;
}

/**
 * Checks the ID token's tenant. Fails closed: a token without `tid`, a tenant other than the authority's, or
 * one outside `allowedTenants` (when set) is refused.
 */
export function checkEntraTenant(authority: EntraAuthority, allowedTenants: string[] | undefined, claims: Record<string, unknown>): string {
  const tid = claims.tid;
  if (typeof tid !== 'string' || tid === '') throw new SsoError('SSO_TENANT_MISSING', 'the Entra ID token has no tid claim');
  const allowed = (allowedTenants ?? []).map((tenant) => tenant.toLowerCase());
  if (authority.kind === 'multi-tenant') {
    if (allowed.length === 0) throw new SsoError('SSO_CONFIG_INVALID', `the /${authority.name} authority needs allowedTenants`);
    if (!allowed.includes(tid.toLowerCase())) throw new SsoError('SSO_TENANT_NOT_ALLOWED', `tenant ${tid} is not in allowedTenants`);
    return tid;
  }
  // A tenant given by id must be the token's; one given by domain name (contoso.onmicrosoft.com) resolves to an
  // id only through discovery, whose issuer openid-client already matched against `iss`.
  if (isTenantId(authority.tenant) && authority.tenant.toLowerCase() !== tid.toLowerCase()) {
    throw new SsoError('SSO_TENANT_NOT_ALLOWED', `token tenant ${tid} is not the connection's tenant ${authority.tenant}`);
  }
  if (allowed.length > 0 && !allowed.includes(tid.toLowerCase())) {
    throw new SsoError('SSO_TENANT_NOT_ALLOWED', `tenant ${tid} is not in allowedTenants`);
  }
  return tid;
}

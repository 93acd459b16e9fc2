/**
 * What an OIDC connection is made of, validated the same way wherever it comes from: the plugin config
 * (`connections: [...]`, checked at start-up — a mistake stops Strapi with a message naming the key) or the
 * admin API (stored in the database, secret encrypted). SAML connections plug into the same list later with
 * `type: 'saml'` and their own schema.
 */
import { z } from 'zod';
import { entraConfigProblem } from '../entra';

export const CONNECTION_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Issuers must use https; plain http only on loopback (tests and local IdPs), never across a network. */
export const isLoopbackHttp = (url: URL): boolean =>
  url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

export type IdentityProviderKind = 'entra' | 'okta' | 'generic';

/** Which provider quirks apply, from the issuer host when not stated. */
export function providerKindOf(issuer: string, stated?: IdentityProviderKind): IdentityProviderKind {
  if (stated) return stated;
  const host = new URL(issuer).hostname.toLowerCase();
  if (host === 'login.microsoftonline.com' || host.endsWith('.ciamlogin.com')) return 'entra';
  if (host.endsWith('.okta.com') || host.endsWith('.oktapreview.com') || host.endsWith('.okta-emea.com')) return 'okta';
  return 'generic';
}

const issuerUrl = z
  .string()
  .trim()
  .url('issuer must be an absolute URL')
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || isLoopbackHttp(url);
  }, 'issuer must use https (plain http only for 127.0.0.1/localhost)')
  .refine((value) => !new URL(value).search && !new URL(value).hash, 'issuer must not have a query or fragment');

const claimName = z.string().trim().min(1).max(200);

export const oidcConnectionFields = {
  id: z.string().regex(CONNECTION_ID_PATTERN, 'id must be lower-case letters, digits and "-" (at most 63), starting with a letter or digit'),
  type: z.literal('oidc'),
  name: z.string().trim().min(1, 'name must not be empty').max(100),
  enabled: z.boolean().default(true),
  /** Create the Strapi admin user at first sign-in (just-in-time). Off: only existing or SCIM-provisioned people. */
  jit: z.boolean().default(false),
  issuer: issuerUrl,
  clientId: z.string().trim().min(1, 'clientId must not be empty').max(500),
  clientSecret: z.string().min(1, 'clientSecret must not be empty').max(2000),
  scopes: z
    .array(z.string().trim().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'scopes are single tokens'))
    .default(['openid', 'profile', 'email'])
    .refine((scopes) => scopes.includes('openid'), 'scopes must include "openid"'),
  /** Provider quirks (Entra tenant checks, claim defaults); derived from the issuer host when absent. */
  provider: z.enum(['entra', 'okta', 'generic']).optional(),
  /** Entra tenant ids allowed to sign in (required for the /common and /organizations authorities). */
  allowedTenants: z.array(z.string().trim().min(1)).optional(),
  /**
   * Link a sign-in to an existing admin user with the same email. Off by default: only safe when the IdP
   * guarantees verified, non-reassignable emails for every account that can sign in to this app.
   */
  trustEmail: z.boolean().default(false),
  clockToleranceSeconds: z.number().int().min(0).max(300).default(60),
  /**
   * The SCIM directory (by name, e.g. `Default`) that provisions the same people from the same IdP: a first
   * sign-in then links to the admin user SCIM provisioned there with the same email. Unset: no SCIM-based link.
   */
  directory: z.string().trim().min(1).optional(),
  groupsClaim: claimName.optional(),
  /** What the groups claim carries: Entra group object ids (`externalId`) or group names (`displayName`). */
  groupsClaimValues: z.enum(['displayName', 'externalId']).optional(),
  rolesClaim: claimName.optional(),
  userTypeClaim: claimName.optional(),
  /** ID token signing algorithm to require (what the IdP's keys use). */
  idTokenSigningAlg: z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']).default('RS256'),
};

const refineConnection = (connection: { provider?: IdentityProviderKind; issuer: string; allowedTenants?: string[] }, ctx: z.RefinementCtx) => {
  if (providerKindOf(connection.issuer, connection.provider) !== 'entra') {
    if (connection.allowedTenants && connection.allowedTenants.length > 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['allowedTenants'], message: 'allowedTenants applies to Entra ID connections only' });
    }
    return;
  }
  const problem = entraConfigProblem(connection.issuer, connection.allowedTenants);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['issuer'], message: problem });
};

export const oidcConnectionSchema = z.object(oidcConnectionFields).strict().superRefine(refineConnection);

export type OidcConnection = z.infer<typeof oidcConnectionSchema>;
export type OidcConnectionInput = z.input<typeof oidcConnectionSchema>;

/** Admin API: an update may leave the secret out (keep the stored one). */
export const oidcConnectionUpdateSchema = z
  .object({ ...oidcConnectionFields, clientSecret: oidcConnectionFields.clientSecret.optional() })
  .strict()
  .omit({ id: true });

/** Every connection the plugin knows, with where it came from. */
export type Connection = OidcConnection & { source: 'config' | 'database' };

/** The redirect URI to register at the IdP for a connection. */
export const callbackPath = (id: string) => `/api/sso/${id}/callback`;
export const loginPath = (id: string) => `/api/sso/${id}/login`;
export const logoutPath = (id: string) => `/api/sso/${id}/logout`;
export { refineConnection };

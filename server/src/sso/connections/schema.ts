/**
 * What an OIDC connection is made of, validated the same way wherever it comes from: the plugin config
 * (`connections: [...]`, checked at start-up — a mistake stops Strapi with a message naming the key) or the
 * admin API (stored in the database, secret encrypted). SAML connections plug into the same list later with
 * `type: 'saml'` and their own schema.
 */
import { z } from 'zod';
import { entraConfigProblem } from '../entra';
import { certificateToPem, isSamlError, parseIdpMetadata } from '../saml';

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

/**
 * A SAML 2.0 connection. Every key:
 * - `id`, `name`, `enabled`, `jit`, `directory`, `trustEmail`: as for OIDC;
 * - `idpMetadataXml` | `idpMetadataUrl` (exactly one): the IdP's metadata, pasted (parsed at save / start-up)
 *   or fetched from a URL (https; plain http only on loopback; ≤ 1 MiB; 10 s timeout; cached on the row and
 *   refreshed every `metadataRefreshHours`);
 * - `idpEntityId`: the IdP entity to use from a metadata aggregate, and/or the entity the metadata must describe;
 * - `idpCertificates`: 1 or 2 signing certificates (PEM or base64) pinned INSTEAD of the metadata's (two during
 *   a rollover); unset: the metadata's signing certificates are pinned;
 * - `spEntityId`: our SP entity ID (Entra "Identifier (Entity ID)", Okta "Audience URI"), the Audience required;
 * - `allowIdpInitiated`: accept unsolicited responses (Entra "My Apps" tile, Okta dashboard); default false;
 * - `requireSignedResponse`: also require the Response element signed (the Assertion always must be);
 * - `clockSkewSeconds`: tolerance for NotBefore/NotOnOrAfter (default 120, at most 600);
 * - `maxResponseBytes`: cap on the posted SAMLResponse (base64 characters, default 256 KiB, at most 4 MiB);
 * - `nameIdFormat`: the NameID format to request (`persistent`, `emailAddress`, `unspecified`); unset: the IdP's;
 * - `forceAuthn`: ask the IdP to re-authenticate every time;
 * - `provider`: `entra` | `okta` | `generic`, derived from the IdP entity ID when unset (Entra: sts.windows.net);
 * - `allowedTenants`: Entra only — tenant ids whose tenantid claim is accepted (default: the entity ID's tenant);
 * - `groupsClaim`, `groupsClaimValues`, `rolesClaim`, `userTypeClaim`: SAML attribute names for the mapping rules
 *   (default: Entra's/Okta's usual `groups` and `role(s)` attributes, read as `groups` / `roles`);
 * - `spPrivateKey` + `spCertificate`: sign AuthnRequests and single logout messages (optional; the key is encrypted
 *   at rest). Okta's Single Logout requires signed LogoutRequests: without these, SP-initiated SLO to Okta fails there;
 * - `metadataRefreshHours`: how long fetched metadata is used before it is fetched again (default 24).
 */
const metadataUrl = z
  .string()
  .trim()
  .url('idpMetadataUrl must be an absolute URL')
  .refine((value) => {
    const url = new URL(value);
    return url.protocol === 'https:' || isLoopbackHttp(url);
  }, 'idpMetadataUrl must use https (plain http only for 127.0.0.1/localhost)');

export const samlConnectionFields = {
  id: oidcConnectionFields.id,
  type: z.literal('saml'),
  name: oidcConnectionFields.name,
  enabled: oidcConnectionFields.enabled,
  jit: oidcConnectionFields.jit,
  idpMetadataXml: z.string().trim().min(1, 'idpMetadataXml must not be empty').max(1024 * 1024, 'idpMetadataXml is larger than 1 MiB').optional(),
  idpMetadataUrl: metadataUrl.optional(),
  idpEntityId: z.string().trim().min(1).max(1024).optional(),
  idpCertificates: z.array(z.string().trim().min(1)).min(1).max(2, 'idpCertificates holds at most 2 certificates (current and next)').optional(),
  spEntityId: z.string().trim().min(1, 'spEntityId must not be empty').max(1024),
  allowIdpInitiated: z.boolean().default(false),
  requireSignedResponse: z.boolean().default(false),
  clockSkewSeconds: z.number().int().min(0).max(600).default(120),
  maxResponseBytes: z.number().int().min(1024).max(4 * 1024 * 1024).default(256 * 1024),
  nameIdFormat: z.enum(['persistent', 'emailAddress', 'unspecified']).optional(),
  forceAuthn: z.boolean().default(false),
  provider: oidcConnectionFields.provider,
  allowedTenants: oidcConnectionFields.allowedTenants,
  trustEmail: oidcConnectionFields.trustEmail,
  directory: oidcConnectionFields.directory,
  groupsClaim: claimName.optional(),
  groupsClaimValues: z.enum(['displayName', 'externalId']).optional(),
  rolesClaim: claimName.optional(),
  userTypeClaim: claimName.optional(),
  spPrivateKey: z.string().min(1).max(20000).optional(),
  spCertificate: z.string().min(1).max(20000).optional(),
  metadataRefreshHours: z.number().int().min(1).max(24 * 30).default(24),
};

const refineSaml = (
  connection: { idpMetadataXml?: string | undefined; idpMetadataUrl?: string | undefined; idpEntityId?: string | undefined; idpCertificates?: string[] | undefined; spPrivateKey?: string | undefined; spCertificate?: string | undefined; allowedTenants?: string[] | undefined },
  ctx: z.RefinementCtx
) => {
  const sources = [connection.idpMetadataXml, connection.idpMetadataUrl].filter((value) => value !== undefined).length;
  if (sources !== 1) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['idpMetadataXml'], message: 'give exactly one of idpMetadataXml or idpMetadataUrl' });
  }
  if ((connection.spPrivateKey === undefined) !== (connection.spCertificate === undefined)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['spPrivateKey'], message: 'spPrivateKey and spCertificate go together' });
  }
  if (connection.idpMetadataXml !== undefined) {
    try {
      const metadata = parseIdpMetadata(connection.idpMetadataXml, {
        ...(connection.idpEntityId ? { entityId: connection.idpEntityId } : {}),
        allowLoopbackHttp: true,
      });
      if (!connection.idpCertificates && metadata.certificates.length > 2) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['idpCertificates'], message: `the metadata lists ${metadata.certificates.length} signing certificates; pin the 1 or 2 in use with idpCertificates` });
      }
    } catch (error) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['idpMetadataXml'], message: isSamlError(error) ? `${error.code}: ${error.message}` : 'not usable IdP metadata' });
    }
  }
  (connection.idpCertificates ?? []).forEach((certificate, index) => {
    try {
      certificateToPem(certificate);
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['idpCertificates', index], message: 'not an X.509 certificate (PEM or base64)' });
    }
  });
  const notGuids = (connection.allowedTenants ?? []).filter((tenant) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenant));
  if (notGuids.length > 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['allowedTenants'], message: `allowedTenants must be tenant ids (GUIDs); not: ${notGuids.join(', ')}` });
};

export const samlConnectionObject = z.object(samlConnectionFields).strict();
export const samlConnectionSchema = samlConnectionObject.superRefine(refineSaml);
export type SamlConnection = z.infer<typeof samlConnectionSchema>;

/** Admin API: an update may leave the SP private key out (keep the stored one). */
export const samlConnectionUpdateSchema = samlConnectionObject.omit({ id: true });

/** Every connection the plugin knows, with where it came from. */
export type Connection = (OidcConnection | SamlConnection) & { source: 'config' | 'database' };
export type OidcConnectionEntry = OidcConnection & { source: 'config' | 'database' };
export type SamlConnectionEntry = SamlConnection & { source: 'config' | 'database' };

/** Entra's SAML entity ID is `https://sts.windows.net/{tenant-id}/`; Okta's `http://www.okta.com/{app-key}`. */
export function samlProviderKindOf(idpEntityId: string, stated?: IdentityProviderKind): IdentityProviderKind {
  if (stated) return stated;
  let host = '';
  try {
    host = new URL(idpEntityId).hostname.toLowerCase();
  } catch {
    return 'generic';
  }
  if (host === 'sts.windows.net' || host === 'login.microsoftonline.com') return 'entra';
  if (host === 'www.okta.com' || host.endsWith('.okta.com') || host.endsWith('.oktapreview.com') || host.endsWith('.okta-emea.com')) return 'okta';
  return 'generic';
}

/** The redirect URI to register at the IdP for a connection. */
export const callbackPath = (id: string) => `/api/sso/${id}/callback`;
export const loginPath = (id: string) => `/api/sso/${id}/login`;
export const logoutPath = (id: string) => `/api/sso/${id}/logout`;
export const acsPath = (id: string) => `/api/sso/${id}/acs`;
export const metadataPath = (id: string) => `/api/sso/${id}/metadata`;
export { refineConnection };
export const sloPath = (id: string) => `/api/sso/${id}/slo`;

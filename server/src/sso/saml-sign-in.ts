/**
 * SAML 2.0 sign-in, wired into the SSO core: the framework-free SP (saml/) gets the connection's IdP metadata,
 * the database-backed request and replay stores, and our ACS URL; a verified assertion becomes the same
 * protocol-neutral sign-in input the OIDC path produces, and `signIn.resolve` does the rest.
 *
 * SP-initiated: `start` saves the sign-in in progress exactly like OIDC (returnTo, browser binding, sealed),
 * keyed by the digest of an opaque random RelayState — the RelayState never carries a URL. The ACS accepts the
 * response only when the signed InResponseTo names a request we issued (consumed once, any instance) AND the
 * RelayState names the saved sign-in of the same request in the same browser.
 * IdP-initiated (only with `allowIdpInitiated`): no sign-in in progress exists; the person lands on the admin
 * home page and any RelayState is ignored.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ClaimsOptions } from '../mapping';
import type { ConnectionRegistry } from './connections/registry';
import { METADATA_CACHE_KEY } from './connections/registry';
import { acsPath, isLoopbackHttp, samlProviderKindOf, sloPath, type SamlConnectionEntry } from './connections/schema';
import { SsoError } from './errors';
import { loginStatePurpose, requireProtocol, savePendingSignIn } from './flow';
import type { SignInIdentity } from './identity-claims';
import { validateReturnTo } from './return-to';
import {
  buildSpMetadata,
  createSamlServiceProvider,
  isSamlError,
  NAMEID_FORMAT,
  parseIdpMetadata,
  SamlError,
  type IdpMetadata,
  type SamlClaims,
  type SamlLoginRequest,
  type SamlLogoutSubject,
  type SamlServiceProvider,
} from './saml';
import type { SecretBox } from './secret-box';
import type { SignIn, SignInInput, SignInOutcome } from './sign-in';
import type { SsoStore } from './store';

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');
/** How a NameID is kept for single logout: a digest per connection (the NameID may be an email address). */
export const nameIdDigest = (connectionId: string, nameId: string) => digest(JSON.stringify([connectionId, nameId]));
/** As long as Strapi lets an admin session live (its default maxRefreshTokenLifespan, 30 days). */
const SUBJECT_TTL_MS = 30 * 24 * 60 * 60_000;

export const METADATA_MAX_BYTES = 1024 * 1024;
export const METADATA_TIMEOUT_MS = 10_000;
const RELAY_STATE_MAX = 256;

const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ENTRA_ISSUER_TENANT = /^https:\/\/sts\.windows\.net\/([0-9a-f-]{36})\/?$/i;

/** Fetched metadata as kept on the row (or in memory for declared connections). */
export interface CachedMetadata {
  url: string;
  fetchedAt: string;
  metadata: Omit<IdpMetadata, 'validUntil'> & { validUntil?: string };
}

/** A refused SAML response as a coded SSO refusal: the SamlError code is the reason, its detail never quotes the response. */
export function samlRefusal(error: SamlError): SsoError {
  // Messages may quote values from the (unauthenticated) response: keep the operator's sentence, drop the quotes.
  const detail = error.message.replace(/"(?:[^"\\]|\\.)*"|\[[^\]]*\]/g, '…').slice(0, 300);
  if (error.code === 'SAML_CONFIG_INVALID' || error.code.startsWith('SAML_METADATA')) {
    return new SsoError('SSO_CONFIG_INVALID', `SAML set-up refused (${error.code}): ${detail}`, undefined, undefined, error.code);
  }
  const status = error.code === 'SAML_RESPONSE_TOO_LARGE' ? 413 : error.code === 'SAML_IDP_INITIATED_NOT_ALLOWED' ? 403 : 400;
  return new SsoError('SSO_SAML_REJECTED', `SAML response refused (${error.code}): ${detail}`, undefined, status, error.code);
}

/** `work`'s result; a SamlError it throws becomes a coded SSO refusal (`refusal`), any other error passes unchanged. */
export async function refusingSamlErrors<T>(work: () => T | Promise<T>, refusal: (error: SamlError) => SsoError = samlRefusal): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isSamlError(error)) throw refusal(error);
    throw error;
  }
}

/** Downloads IdP metadata: https (http only on loopback), no redirects, at most 1 MiB, 10 s. */
export async function fetchIdpMetadataXml(raw: string, fetcher: typeof fetch = fetch): Promise<string> {
  const url = new URL(raw);
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) throw new Error('idpMetadataUrl must use https');
  let response: Response;
  try {
    response = await fetcher(url, { redirect: 'manual', signal: AbortSignal.timeout(METADATA_TIMEOUT_MS), headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } });
  } catch (error) {
    throw new Error(`could not fetch ${url.href}: ${(error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message}`);
  }
  if (response.status >= 300 && response.status < 400) throw new Error(`${url.href} redirects; give the final metadata URL`);
  if (!response.ok) throw new Error(`${url.href} answered ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > METADATA_MAX_BYTES) throw new Error(`metadata is larger than ${METADATA_MAX_BYTES} bytes`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  if (!reader) throw new Error(`${url.href} sent no body`);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > METADATA_MAX_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`metadata is larger than ${METADATA_MAX_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export interface SamlSignInParts {
  connections: ConnectionRegistry;
  sso: SsoStore;
  signIn: SignIn;
  box: SecretBox;
  loginTimeoutMinutes: number;
  log: { warn(message: string): void };
  fetcher?: typeof fetch;
}

interface PendingSamlSignIn {
  returnTo: string;
  requestId: string;
}

export function createSamlSignIn(parts: SamlSignInParts) {
  const declaredCache = new Map<string, CachedMetadata>();

  const parseOptions = (connection: Pick<SamlConnectionEntry, 'idpEntityId'>) => ({
    ...(connection.idpEntityId ? { entityId: connection.idpEntityId } : {}),
    allowLoopbackHttp: true,
  });

  /** Fetches and parses a URL's metadata; any failure is an Error saying why. */
  async function download(connection: Pick<SamlConnectionEntry, 'idpEntityId'>, url: string): Promise<CachedMetadata> {
    const xml = await fetchIdpMetadataXml(url, parts.fetcher);
    let parsed: IdpMetadata;
    try {
      parsed = parseIdpMetadata(xml, parseOptions(connection));
    } catch (error) {
      throw new Error(isSamlError(error) ? `${error.code}: ${error.message}` : (error as Error).message);
    }
    const { validUntil, ...rest } = parsed;
    return { url, fetchedAt: new Date().toISOString(), metadata: { ...rest, ...(validUntil ? { validUntil: validUntil.toISOString() } : {}) } };
  }

  async function cachedFor(connection: SamlConnectionEntry): Promise<CachedMetadata | null> {
    if (connection.source === 'config') return declaredCache.get(connection.id) ?? null;
    const row = await parts.sso.connections.find(connection.id);
    const cached = row?.settings?.[METADATA_CACHE_KEY] as CachedMetadata | undefined;
    return cached && typeof cached === 'object' && cached.url === connection.idpMetadataUrl ? cached : null;
  }

  async function remember(connection: Pick<SamlConnectionEntry, 'id' | 'source'>, cached: CachedMetadata): Promise<void> {
    if (connection.source === 'config') declaredCache.set(connection.id, cached);
    else await parts.sso.connections.putSetting(connection.id, METADATA_CACHE_KEY, cached);
  }

  /** The IdP a connection trusts: pasted metadata, or fetched metadata (cached, refreshed), pinned certificates applied. */
  async function idpOf(connection: SamlConnectionEntry): Promise<IdpMetadata> {
    let idp: IdpMetadata;
    const pastedXml = connection.idpMetadataXml;
    if (pastedXml !== undefined) {
      idp = await refusingSamlErrors(() => parseIdpMetadata(pastedXml, parseOptions(connection)));
    } else {
      const url = connection.idpMetadataUrl as string;
      let cached = await cachedFor(connection);
      const now = Date.now();
      const stale =
        !cached ||
        Date.parse(cached.fetchedAt) + connection.metadataRefreshHours * 3_600_000 <= now ||
        (cached.metadata.validUntil !== undefined && Date.parse(cached.metadata.validUntil) <= now);
      if (stale) {
        try {
          cached = await download(connection, url);
          await remember(connection, cached);
        } catch (error) {
          const usable = cached && (cached.metadata.validUntil === undefined || Date.parse(cached.metadata.validUntil) > now);
          if (!usable) throw new SsoError('SSO_METADATA_UNAVAILABLE', `connection ${connection.id}: IdP metadata unavailable: ${(error as Error).message}`);
          parts.log.warn(`SAML connection ${connection.id}: metadata refresh failed (${(error as Error).message}); using the copy fetched ${cached!.fetchedAt}`);
        }
      }
      const { validUntil, ...rest } = cached!.metadata;
      idp = { ...rest, ...(validUntil ? { validUntil: new Date(validUntil) } : {}) };
    }
    return connection.idpCertificates ? { ...idp, certificates: connection.idpCertificates } : idp;
  }

  const acsUrlOf = (connection: SamlConnectionEntry, origin: string) => `${origin}${acsPath(connection.id)}`;

  async function serviceProvider(connection: SamlConnectionEntry, origin: string): Promise<SamlServiceProvider> {
    const idp = await idpOf(connection);
    return refusingSamlErrors(() =>
      createSamlServiceProvider(
        {
          connectionId: connection.id,
          spEntityId: connection.spEntityId,
          acsUrl: acsUrlOf(connection, origin),
          idp: { entityId: idp.entityId, ssoUrl: idp.ssoUrl, ssoBinding: idp.ssoBinding, certificates: idp.certificates },
          allowIdpInitiated: connection.allowIdpInitiated,
          clockSkewMs: connection.clockSkewSeconds * 1000,
          maxResponseLength: connection.maxResponseBytes,
          requestTtlMs: parts.loginTimeoutMinutes * 60_000,
          requireSignedResponse: connection.requireSignedResponse,
          ...(connection.nameIdFormat ? { nameIdFormat: NAMEID_FORMAT[connection.nameIdFormat] } : {}),
          forceAuthn: connection.forceAuthn,
          ...(connection.spPrivateKey && connection.spCertificate ? { signing: { privateKey: connection.spPrivateKey, certificate: connection.spCertificate } } : {}),
          allowLoopbackHttp: true,
        },
        parts.sso.saml
      )
    );
  }

  return {
    /** Metadata for a connection about to be saved with `idpMetadataUrl`: fetched now, so a bad URL is refused at save. */
    async prefetch(connection: Pick<SamlConnectionEntry, 'idpEntityId'> & { idpMetadataUrl: string }): Promise<CachedMetadata> {
      return download(connection, connection.idpMetadataUrl);
    },
    remember,
    /** The IdP a connection trusts (metadata, pinned certificates): single logout builds on it too. */
    idp: idpOf,

    /** SP metadata XML for the IdP administrator (needs no IdP metadata). */
    async spMetadataXml(connectionId: string, origin: string): Promise<string> {
      const connection = await requireProtocol(parts.connections, connectionId, 'saml');
      return refusingSamlErrors(() =>
        buildSpMetadata({
          spEntityId: connection.spEntityId,
          acsUrl: acsUrlOf(connection, origin),
          // Always advertised: an IdP-initiated LogoutRequest can arrive whatever the IdP's own metadata says.
          sloUrl: `${origin}${sloPath(connection.id)}`,
          ...(connection.nameIdFormat ? { nameIdFormat: NAMEID_FORMAT[connection.nameIdFormat] } : {}),
          ...(connection.spPrivateKey && connection.spCertificate ? { signing: { privateKey: connection.spPrivateKey, certificate: connection.spCertificate } } : {}),
        })
      );
    },

    async start(input: { connectionId: string; origin: string; adminPath: string; returnTo: unknown; browserBinding: string }): Promise<SamlLoginRequest> {
      const connection = await requireProtocol(parts.connections, input.connectionId, 'saml');
      const returnTo = validateReturnTo(input.returnTo, input.adminPath);
      const sp = await serviceProvider(connection, input.origin);
      const relayState = randomBytes(32).toString('base64url');
      const stateDigest = digest(relayState);
      const request = await refusingSamlErrors(() => sp.createLoginRequest({ relayState }));
      const pending: PendingSamlSignIn = { returnTo, requestId: request.requestId };
      await savePendingSignIn(parts, { stateDigest, connectionId: connection.id, browserBinding: input.browserBinding, pending });
      return request;
    },

    async finish(input: {
      connectionId: string;
      origin: string;
      adminPath: string;
      body: { SAMLResponse?: unknown; RelayState?: unknown };
      browserBinding: string | undefined;
    }): Promise<SignInOutcome & { returnTo: string; idpInitiated: boolean; logoutSubject: SamlLogoutSubject }> {
      const connection = await requireProtocol(parts.connections, input.connectionId, 'saml');
      const sp = await serviceProvider(connection, input.origin);
      const result = await refusingSamlErrors(() => sp.validateResponse(input.body));

      let returnTo: string;
      if (result.idpInitiated) {
        // Unsolicited: nothing was started here, so the RelayState (whatever the IdP put there) is never followed.
        returnTo = validateReturnTo(undefined, input.adminPath);
      } else {
        const relayState = result.relayState;
        if (!relayState || relayState.length > RELAY_STATE_MAX) throw new SsoError('SSO_STATE_MISSING', 'SP-initiated SAML response without a usable RelayState');
        const stateDigest = digest(relayState);
        const row = await parts.sso.loginStates.consume(stateDigest);
        if (!row) throw new SsoError('SSO_STATE_UNKNOWN', 'no sign-in in progress for this RelayState (never started, already used, or pruned)');
        if (new Date(row.expiresAt).getTime() <= Date.now()) throw new SsoError('SSO_STATE_EXPIRED', 'the sign-in in progress expired');
        if (row.connectionId !== connection.id) throw new SsoError('SSO_STATE_WRONG_CONNECTION', `RelayState belongs to connection ${row.connectionId}, response posted to ${connection.id}`);
        if (!input.browserBinding || digest(input.browserBinding) !== row.browserDigest) {
          throw new SsoError('SSO_STATE_WRONG_BROWSER', 'the browser-binding cookie is missing or belongs to another sign-in');
        }
        const pending = JSON.parse(parts.box.open(row.payload, loginStatePurpose(stateDigest))) as PendingSamlSignIn;
        if (pending.requestId !== result.requestId) {
          throw new SsoError('SSO_STATE_UNKNOWN', 'the RelayState belongs to another AuthnRequest than the one this response answers');
        }
        returnTo = pending.returnTo;
      }
      const outcome = await parts.signIn.resolve(connection, samlSignInInput(connection, result.claims));
      // For single logout: the IdP's LogoutRequest names the person by this NameID only.
      await parts.sso.samlSubjects.remember({
        connectionId: connection.id,
        nameIdDigest: nameIdDigest(connection.id, result.claims.nameId),
        adminUserId: outcome.adminUserId,
        expiresAt: new Date(Date.now() + SUBJECT_TTL_MS),
      });
      const logoutSubject: SamlLogoutSubject = {
        nameId: result.claims.nameId,
        ...(result.claims.nameIdFormat ? { nameIdFormat: result.claims.nameIdFormat } : {}),
        ...(result.claims.sessionIndex ? { sessionIndex: result.claims.sessionIndex } : {}),
      };
      return { ...outcome, returnTo, idpInitiated: result.idpInitiated, logoutSubject };
    },
  };
}

export type SamlSignIn = ReturnType<typeof createSamlSignIn>;

const text = (value: string | undefined): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/**
 * The protocol-neutral sign-in input from verified SAML claims.
 * Binding: Entra → tenant id + object id under the tenant's OIDC issuer (`https://login.microsoftonline.com/{tid}/v2.0`),
 * exactly what an Entra OIDC connection binds, so one person is one identity across both protocols; others →
 * the IdP entity ID + NameID (a transient NameID cannot bind and is refused).
 */
export function samlSignInInput(connection: SamlConnectionEntry, claims: SamlClaims): SignInInput {
  const kind = samlProviderKindOf(claims.issuer, connection.provider);
  let issuer: string;
  let subject: string;
  if (kind === 'entra') {
    const tid = text(claims.tenantId)?.toLowerCase();
    const oid = text(claims.objectId)?.toLowerCase();
    if (!tid || !oid) throw new SsoError('SSO_CLAIMS_MISSING', 'the Entra assertion has no tenantid/objectidentifier claims');
    const entityTenant = ENTRA_ISSUER_TENANT.exec(claims.issuer)?.[1]?.toLowerCase();
    if (entityTenant && entityTenant !== tid) throw new SsoError('SSO_TENANT_NOT_ALLOWED', `assertion tenant ${tid} is not the IdP's tenant ${entityTenant}`);
    const allowed = (connection.allowedTenants ?? []).map((tenant) => tenant.toLowerCase());
    if (allowed.length > 0 && !allowed.includes(tid)) throw new SsoError('SSO_TENANT_NOT_ALLOWED', `tenant ${tid} is not in allowedTenants`);
    if (!entityTenant && allowed.length === 0) {
      throw new SsoError('SSO_CONFIG_INVALID', `connection ${connection.id}: an Entra IdP whose entity ID names no tenant needs allowedTenants`);
    }
    issuer = `https://login.microsoftonline.com/${tid}/v2.0`;
    subject = `${tid}:${oid}`;
  } else {
    if (claims.nameIdFormat === TRANSIENT) throw new SsoError('SSO_CLAIMS_MISSING', 'a transient NameID cannot identify a person across sign-ins; set the IdP to a persistent NameID');
    const nameId = text(claims.nameId);
    if (!nameId) throw new SsoError('SSO_CLAIMS_MISSING', 'the assertion has no NameID');
    issuer = claims.issuer;
    subject = nameId;
  }

  const email = text(claims.email);
  let firstname = text(claims.firstName);
  let lastname = text(claims.lastName);
  if (!firstname && !lastname) {
    const name = text(claims.displayName);
    if (name) {
      const space = name.indexOf(' ');
      firstname = space < 0 ? name : name.slice(0, space);
      lastname = space < 0 ? null : name.slice(space + 1).trim() || null;
    }
  }
  const identity: SignInIdentity = {
    issuer,
    subject,
    email: email && EMAIL.test(email) ? email.toLowerCase() : null,
    // SAML does not say whether an email is verified; `trustEmail` is the owner's statement about the IdP.
    emailVerified: null,
    firstname,
    lastname,
    groupsOverage: claims.groupsOverage && !(connection.groupsClaim && claims.attributes[connection.groupsClaim]),
  };

  // The mapping rules read `groups` and `roles` (normalised from Entra's URIs or Okta's names) and every raw
  // attribute by its name, so declared attributes can name any SAML attribute.
  const flat: Record<string, unknown> = { ...claims.attributes, groups: claims.groups ?? [], roles: claims.roles ?? [] };
  const claimsOptions: ClaimsOptions = {
    groupsClaim: connection.groupsClaim ?? 'groups',
    groupsClaimValues: connection.groupsClaimValues ?? (kind === 'entra' ? 'externalId' : 'displayName'),
    rolesClaim: connection.rolesClaim ?? 'roles',
    ...(connection.userTypeClaim ? { userTypeClaim: connection.userTypeClaim } : {}),
  };
  return { identity, claims: flat, claimsOptions };
}

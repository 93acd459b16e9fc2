/**
 * One SAML connection as a service provider: build the AuthnRequest, validate the POSTed response, export
 * SP metadata. Framework-free: the SSO core supplies configuration and database-backed stores, and owns
 * HTTP, sessions and user mapping.
 *
 * Validation order, and why:
 *  1. size cap, base64, DTD and comment refusal        – before any parser (cheap, closes XXE/DoS)
 *  2. envelope: one Assertion, signed, algorithms, IDs – before signature work (wrapping, SHA-1)
 *  3. assertion semantics on the unverified DOM         – only so a refusal carries a precise code
 *  4. node-saml verifies the signatures against the pinned certificates
 *  5. assertion semantics again, on the bytes node-saml verified – the only values we trust
 *  6. IdP-initiated policy, replay cache, InResponseTo  – state changes last, never for forged input
 */
import { SAML, type Profile } from '@node-saml/node-saml';
import { normaliseClaims, type SamlClaims } from './claims';
import { SamlError, isSamlError } from './errors';
import { buildSpMetadata, certificateToPem, type SsoBinding } from './metadata';
import { buildAuthnRequest, newRequestId, nodeSamlBaseConfig } from './request';
import {
  DEFAULT_MAX_RESPONSE_BASE64_LENGTH,
  checkAssertion,
  checkResponseEnvelope,
  decodeSamlResponse,
  type ResponseExpectations,
} from './response-guards';
import type { SamlReplayStore, SamlRequestStore } from './stores';
import { NS, isElement, parseXml } from './xml';

export interface SamlServiceProviderOptions {
  /** Stable connection id; namespaces this connection's entries in the shared stores. */
  connectionId: string;
  /** Our SP entity ID (Entra "Identifier (Entity ID)", Okta "Audience URI"). */
  spEntityId: string;
  /** Our ACS URL, exactly as registered at the IdP (Entra "Reply URL", Okta "Single sign-on URL"). */
  acsUrl: string;
  /** The IdP, usually straight from `parseIdpMetadata`. */
  idp: {
    entityId: string;
    ssoUrl: string;
    ssoBinding?: SsoBinding;
    /** One or two PEM/base64 certificates (two during a rollover). Anything else signing is refused. */
    certificates: string[];
  };
  /** Accept unsolicited (IdP-initiated, e.g. "My Apps" tile) responses. Default false. */
  allowIdpInitiated?: boolean;
  /** Tolerance for NotBefore/NotOnOrAfter/IssueInstant. Default 2 minutes, at most 10. */
  clockSkewMs?: number;
  /** Cap on the posted base64 SAMLResponse, in characters. Default 256 KiB. */
  maxResponseLength?: number;
  /** How long an AuthnRequest id stays usable. Default 10 minutes. */
  requestTtlMs?: number;
  /** Also require the Response element to be signed (Entra "Sign SAML response and assertion"; Okta default). */
  requireSignedResponse?: boolean;
  /** NameIDPolicy Format to request. Default: none, the IdP app's setting applies. */
  nameIdFormat?: string;
  /** Ask the IdP to re-authenticate the user on every login. */
  forceAuthn?: boolean;
  /** Sign AuthnRequests with this key pair (PEM). Optional: Entra and Okta accept unsigned requests. */
  signing?: { privateKey: string; certificate: string };
  /** Only for tests and local demos: accept an `http://` ACS URL on a loopback host. */
  allowLoopbackHttp?: boolean;
}

export interface SamlStores {
  requests: SamlRequestStore;
  replays: SamlReplayStore;
}

export type SamlLoginRequest = (
  | { binding: 'HTTP-Redirect'; redirectUrl: string }
  /** Render an auto-submitting form posting `postFields` to `postUrl` (under your own CSP). */
  | { binding: 'HTTP-POST'; postUrl: string; postFields: Record<string, string> }
) & { requestId: string; expiresAt: Date };

export interface SamlLoginResult {
  claims: SamlClaims;
  /** The accepted assertion's ID (already recorded in the replay store). */
  assertionId: string;
  /** The AuthnRequest this answers (already consumed); absent for IdP-initiated logins. */
  requestId?: string;
  idpInitiated: boolean;
  /** RelayState as posted. Untrusted: validate it (same-origin admin path) before redirecting to it. */
  relayState?: string;
}

export interface SamlServiceProvider {
  /** Build an SP-initiated AuthnRequest and record its id in the request store before returning it. */
  createLoginRequest(params?: { relayState?: string }): Promise<SamlLoginRequest>;
  /** Validate the ACS POST body (`SAMLResponse`, optional `RelayState`). Throws `SamlError` on any refusal. */
  validateResponse(body: { SAMLResponse?: unknown; RelayState?: unknown }): Promise<SamlLoginResult>;
  /** SP metadata XML to give to the IdP administrator. */
  metadataXml(): string;
}

export const SAML_DEFAULTS = {
  clockSkewMs: 2 * 60 * 1000,
  maxResponseLength: DEFAULT_MAX_RESPONSE_BASE64_LENGTH,
  requestTtlMs: 10 * 60 * 1000,
  maxCertificates: 2,
} as const;

export function createSamlServiceProvider(options: SamlServiceProviderOptions, stores: SamlStores): SamlServiceProvider {
  const config = validateOptions(options);
  const scope = options.connectionId;
  const expectations: ResponseExpectations = {
    acsUrl: options.acsUrl,
    spEntityId: options.spEntityId,
    idpEntityId: options.idp.entityId,
    clockSkewMs: config.clockSkewMs,
    requireSignedResponse: options.requireSignedResponse === true,
  };
  const requestSettings = {
    spEntityId: options.spEntityId,
    acsUrl: options.acsUrl,
    idpSsoUrl: options.idp.ssoUrl,
    idpSsoBinding: options.idp.ssoBinding ?? 'HTTP-Redirect',
    idpCertificates: config.certificates,
    forceAuthn: options.forceAuthn === true,
    ...(options.nameIdFormat ? { nameIdFormat: options.nameIdFormat } : {}),
    ...(options.signing ? { signing: options.signing } : {}),
  } as const;
  // node-saml is stateless here (its InResponseTo cache is off), so one instance serves every validation.
  const verifier = new SAML({
    ...nodeSamlBaseConfig(requestSettings),
    entryPoint: options.idp.ssoUrl,
    wantAuthnResponseSigned: expectations.requireSignedResponse,
    acceptedClockSkewMs: config.clockSkewMs,
  });

  return {
    async createLoginRequest(params = {}) {
      const requestId = newRequestId();
      const expiresAt = new Date(Date.now() + config.requestTtlMs);
      const built = await buildAuthnRequest(requestSettings, {
        requestId,
        ...(params.relayState !== undefined ? { relayState: params.relayState } : {}),
      });
      // Stored before the browser leaves, so a fast IdP cannot beat us to the ACS.
      await stores.requests.save({ scope, requestId, expiresAt });
      return { ...built, expiresAt };
    },

    async validateResponse(body) {
      const xml = decodeSamlResponse(body?.SAMLResponse, config.maxResponseLength);
      const envelope = checkResponseEnvelope(xml, expectations);
      checkAssertion(envelope.assertion, expectations, Date.now());

      const profile = await verifyWithNodeSaml(verifier, Buffer.from(xml, 'utf8').toString('base64'));
      const verifiedAssertion = signedAssertionOf(profile);
      const checked = checkAssertion(verifiedAssertion, expectations, Date.now());

      // Steps 2–3 read the unverified tree; make sure it is the very assertion node-saml verified.
      if (checked.assertionId !== envelope.assertion.getAttribute('ID')) {
        throw new SamlError('SAML_SIGNATURE_INVALID', 'The verified assertion is not the one in the Response');
      }
      // Parser differential guard: node-saml's xml2js reading must agree with our DOM reading.
      if (typeof profile.nameID !== 'string' || profile.nameID.trim() !== checked.nameId) {
        throw new SamlError('SAML_NAMEID_MISMATCH', 'NameID reads differently in node-saml and in the guard');
      }

      // Only the signed SubjectConfirmationData/@InResponseTo counts. An unsigned Response/@InResponseTo that
      // disagrees (or stands alone) could turn a stolen IdP-initiated assertion into an "SP-initiated" one.
      if (envelope.responseInResponseTo !== undefined && envelope.responseInResponseTo !== checked.inResponseTo) {
        throw new SamlError('SAML_IN_RESPONSE_TO_MISMATCH', 'Response InResponseTo differs from the signed SubjectConfirmationData InResponseTo');
      }
      const requestId = checked.inResponseTo;
      if (requestId === undefined && options.allowIdpInitiated !== true) {
        throw new SamlError('SAML_IDP_INITIATED_NOT_ALLOWED', 'Unsolicited (IdP-initiated) responses are not enabled for this connection');
      }

      // Atomic set-if-absent, kept until the assertion could no longer be presented anyway.
      const firstUse = await stores.replays.setIfAbsent({ scope, assertionId: checked.assertionId, expiresAt: checked.replayableUntil });
      if (!firstUse) {
        throw new SamlError('SAML_ASSERTION_REPLAYED', 'This assertion has already been used');
      }
      if (requestId !== undefined) {
        const issuedByUs = await stores.requests.take({ scope, requestId, now: new Date() });
        if (!issuedByUs) {
          throw new SamlError('SAML_IN_RESPONSE_TO_UNKNOWN', 'InResponseTo names no pending request of this SP (unknown, expired or already used)');
        }
      }

      const relayState = typeof body.RelayState === 'string' && body.RelayState !== '' ? body.RelayState : undefined;
      return {
        claims: normaliseClaims(checked, checked.attributes),
        assertionId: checked.assertionId,
        ...(requestId !== undefined ? { requestId } : {}),
        idpInitiated: requestId === undefined,
        ...(relayState !== undefined ? { relayState } : {}),
      };
    },

    metadataXml() {
      return buildSpMetadata({
        spEntityId: options.spEntityId,
        acsUrl: options.acsUrl,
        ...(options.nameIdFormat ? { nameIdFormat: options.nameIdFormat } : {}),
        ...(options.signing ? { signing: options.signing } : {}),
      });
    },
  };
}

async function verifyWithNodeSaml(verifier: SAML, samlResponse: string): Promise<Profile> {
  let profile: Profile | null;
  try {
    ({ profile } = await verifier.validatePostResponseAsync({ SAMLResponse: samlResponse }));
  } catch (cause) {
    throw mapNodeSamlError(cause);
  }
  if (!profile) throw new SamlError('SAML_VALIDATION_FAILED', 'node-saml returned no profile (logout or passive response)');
  return profile;
}

/** The assertion exactly as node-saml verified it (canonical bytes from xml-crypto's signed reference). */
function signedAssertionOf(profile: Profile): Element {
  const xml = profile.getAssertionXml?.();
  if (typeof xml !== 'string') throw new SamlError('SAML_SIGNATURE_INVALID', 'node-saml returned no signed assertion');
  const root = parseXml(xml, 'signed assertion').documentElement;
  if (!isElement(root, NS.assertion, 'Assertion')) {
    throw new SamlError('SAML_SIGNATURE_INVALID', 'The signed content is not an Assertion');
  }
  return root;
}

/**
 * node-saml reports by message only. Our guards run first, so in practice only signature failures reach
 * here; the rest is mapped conservatively and keeps node-saml's error as `cause`.
 */
function mapNodeSamlError(cause: unknown): SamlError {
  if (isSamlError(cause)) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (/signature/i.test(message)) return new SamlError('SAML_SIGNATURE_INVALID', `Signature check failed: ${message}`, { cause });
  if (/expired/i.test(message)) return new SamlError('SAML_ASSERTION_EXPIRED', message, { cause });
  if (/not yet valid/i.test(message)) return new SamlError('SAML_ASSERTION_NOT_YET_VALID', message, { cause });
  if (/audience/i.test(message)) return new SamlError('SAML_AUDIENCE_MISMATCH', message, { cause });
  return new SamlError('SAML_VALIDATION_FAILED', `node-saml refused the response: ${message}`, { cause });
}

function validateOptions(options: SamlServiceProviderOptions): {
  certificates: string[];
  clockSkewMs: number;
  maxResponseLength: number;
  requestTtlMs: number;
} {
  const fail = (message: string): never => {
    throw new SamlError('SAML_CONFIG_INVALID', message);
  };
  if (!options.connectionId) fail('connectionId is required');
  if (!options.spEntityId) fail('spEntityId is required');
  if (!options.idp?.entityId) fail('idp.entityId is required');
  for (const [name, value] of [['acsUrl', options.acsUrl], ['idp.ssoUrl', options.idp?.ssoUrl]] as const) {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      fail(`${name} must be an absolute URL`);
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url!.hostname);
    if (url!.protocol !== 'https:' && !(options.allowLoopbackHttp === true && loopback && url!.protocol === 'http:')) {
      fail(`${name} must use https`);
    }
  }
  const certificates = (options.idp?.certificates ?? []).map((certificate) => {
    try {
      return certificateToPem(certificate);
    } catch {
      return fail('idp.certificates holds something that is not an X.509 certificate');
    }
  });
  if (certificates.length < 1 || certificates.length > SAML_DEFAULTS.maxCertificates) {
    fail(`idp.certificates must hold 1 or ${SAML_DEFAULTS.maxCertificates} certificates (current and next during a rollover)`);
  }
  const clockSkewMs = options.clockSkewMs ?? SAML_DEFAULTS.clockSkewMs;
  if (!Number.isFinite(clockSkewMs) || clockSkewMs < 0 || clockSkewMs > 10 * 60 * 1000) fail('clockSkewMs must be between 0 and 10 minutes');
  const maxResponseLength = options.maxResponseLength ?? SAML_DEFAULTS.maxResponseLength;
  if (!Number.isInteger(maxResponseLength) || maxResponseLength < 1024) fail('maxResponseLength must be an integer ≥ 1024');
  const requestTtlMs = options.requestTtlMs ?? SAML_DEFAULTS.requestTtlMs;
  if (!Number.isFinite(requestTtlMs) || requestTtlMs <= 0) fail('requestTtlMs must be positive');
  return { certificates, clockSkewMs, maxResponseLength, requestTtlMs };
}

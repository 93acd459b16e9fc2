/**
 * SAML single logout for one connection, framework-free: build the SP's LogoutRequest (HTTP-Redirect), read what
 * arrives at the SP's SLO endpoint (either binding), answer an IdP's LogoutRequest with a LogoutResponse.
 *
 * State lives in the injected stores, as for sign-in: the ids of LogoutRequests we sent are consumed once by the
 * LogoutResponse that answers them (`requests`, scope `{connection}#slo`), and the ids of LogoutRequests we
 * accepted are kept until they could no longer be presented (`replays`, scope `{connection}#slo`).
 * Who the NameID is, and which Strapi sessions end, is the SSO core's business.
 */
import { SAML, type CacheProvider, type Profile } from '@node-saml/node-saml';
import { SamlError } from './errors';
import {
  DEFAULT_MAX_LOGOUT_MESSAGE_LENGTH,
  SUCCESS,
  readPostLogoutMessage,
  readRedirectLogoutMessage,
  type LogoutExpectations,
  type ReceivedLogoutRequest,
  type ReceivedLogoutResponse,
} from './logout-messages';
import { certificateToPem } from './metadata';
import { newRequestId } from './request';
import type { SamlStores } from './service-provider';

export interface SamlLogoutOptions {
  connectionId: string;
  spEntityId: string;
  /** Our SLO endpoint (advertised in SP metadata; the Destination of what the IdP sends us). */
  sloUrl: string;
  idp: {
    entityId: string;
    /** The IdP's SingleLogoutService (HTTP-Redirect). Absent: the IdP offers no single logout. */
    sloUrl?: string;
    /** Its ResponseLocation, when the IdP wants LogoutResponses elsewhere than its LogoutRequests. */
    sloResponseUrl?: string;
    certificates: string[];
  };
  clockSkewMs: number;
  /** How long a LogoutRequest we sent waits for its LogoutResponse. */
  requestTtlMs: number;
  /** Cap on an incoming SAMLRequest / SAMLResponse, base64 characters. Default 64 KiB. */
  maxMessageLength?: number;
  /**
   * Sign our LogoutRequests and LogoutResponses (RSA-SHA256, query signature). Okta REQUIRES signed LogoutRequests
   * (its app's "Single Logout" needs the SP's signing certificate uploaded); Entra accepts unsigned ones.
   */
  signing?: { privateKey: string; certificate: string };
}

/** Who to log out at the IdP: the NameID (with its qualifiers) and SessionIndex of the sign-in's assertion. */
export interface SamlLogoutSubject {
  nameId: string;
  nameIdFormat?: string;
  nameQualifier?: string;
  spNameQualifier?: string;
  sessionIndex?: string;
}

export type SloMessage =
  /** The IdP's answer to our LogoutRequest: already matched to it (consumed once) and successful. */
  | { kind: 'LogoutResponse'; response: ReceivedLogoutResponse }
  /** The IdP asks us to log the NameID out: signed, fresh, first time seen. */
  | { kind: 'LogoutRequest'; request: ReceivedLogoutRequest };

export interface SamlLogout {
  /** Whether the IdP offers single logout at all (its metadata has a SingleLogoutService). */
  readonly idpSupportsSlo: boolean;
  createLogoutRequest(subject: SamlLogoutSubject, params?: { relayState?: string }): Promise<{ redirectUrl: string; requestId: string; expiresAt: Date }>;
  /** Reads `GET ?SAMLRequest|SAMLResponse…` (rawQuery as received) or a POSTed form. Throws `SamlError`. */
  readMessage(input: { binding: 'HTTP-Redirect'; rawQuery: string } | { binding: 'HTTP-POST'; body: Record<string, unknown> }): Promise<SloMessage>;
  /** The LogoutResponse to an accepted LogoutRequest, as a redirect URL to the IdP; null when it has no SLO endpoint. */
  createLogoutResponse(request: Pick<ReceivedLogoutRequest, 'id' | 'relayState'>, outcome: 'success' | 'unknown-principal'): Promise<string | null>;
}

/** How long an accepted LogoutRequest without NotOnOrAfter stays presentable (its IssueInstant + this + skew). */
export const LOGOUT_REQUEST_MAX_AGE_MS = 10 * 60 * 1000;

/** node-saml calls `saveAsync` while building a LogoutRequest; we store the id ourselves, atomically, in `requests`. */
const discardingCache: CacheProvider = {
  saveAsync: async () => null,
  getAsync: async () => null,
  removeAsync: async () => null,
};

export function createSamlLogout(options: SamlLogoutOptions, stores: SamlStores): SamlLogout {
  const certificates = options.idp.certificates.map(certificateToPem);
  const scope = `${options.connectionId}#slo`;
  const expected: LogoutExpectations = {
    sloUrl: options.sloUrl,
    idpEntityId: options.idp.entityId,
    certificates,
    clockSkewMs: options.clockSkewMs,
    maxMessageLength: options.maxMessageLength ?? DEFAULT_MAX_LOGOUT_MESSAGE_LENGTH,
  };

  /** A node-saml instance that only builds messages for `destination`. */
  const builder = (destination: string, id: string) =>
    new SAML({
      issuer: options.spEntityId,
      callbackUrl: options.sloUrl,
      idpCert: certificates,
      entryPoint: destination,
      logoutUrl: destination,
      generateUniqueId: () => id,
      cacheProvider: discardingCache,
      ...(options.signing ? { privateKey: options.signing.privateKey, signatureAlgorithm: 'sha256' as const } : { signatureAlgorithm: 'sha256' as const }),
    });

  return {
    idpSupportsSlo: options.idp.sloUrl !== undefined,

    async createLogoutRequest(subject, params = {}) {
      const destination = options.idp.sloUrl;
      if (!destination) throw new SamlError('SAML_SLO_UNAVAILABLE', 'The IdP metadata has no SingleLogoutService');
      const requestId = newRequestId();
      const expiresAt = new Date(Date.now() + options.requestTtlMs);
      const user = {
        issuer: options.idp.entityId,
        nameID: subject.nameId,
        // node-saml writes the attribute as given; an absent Format means "unspecified" (SAML core §8.3.1).
        nameIDFormat: subject.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
        ...(subject.nameQualifier ? { nameQualifier: subject.nameQualifier } : {}),
        ...(subject.spNameQualifier ? { spNameQualifier: subject.spNameQualifier } : {}),
        ...(subject.sessionIndex ? { sessionIndex: subject.sessionIndex } : {}),
      } as Profile;
      // Stored before the browser leaves, so a fast IdP cannot beat us to the SLO endpoint.
      await stores.requests.save({ scope, requestId, expiresAt });
      const redirectUrl = await builder(destination, requestId).getLogoutUrlAsync(user, params.relayState ?? '', {});
      return { redirectUrl, requestId, expiresAt };
    },

    async readMessage(input) {
      const now = Date.now();
      const message =
        input.binding === 'HTTP-Redirect' ? await readRedirectLogoutMessage(input.rawQuery, expected, now) : await readPostLogoutMessage(input.body, expected, now);

      if (message.kind === 'LogoutResponse') {
        // Unsigned LogoutResponses are accepted (Entra does not sign them): what makes one count is that it answers,
        // once, a LogoutRequest id of 160 random bits that only the IdP saw.
        if (!message.inResponseTo) throw new SamlError('SAML_IN_RESPONSE_TO_UNKNOWN', 'The LogoutResponse answers no request (no InResponseTo)');
        const ours = await stores.requests.take({ scope, requestId: message.inResponseTo, now: new Date(now) });
        if (!ours) throw new SamlError('SAML_IN_RESPONSE_TO_UNKNOWN', 'InResponseTo names no pending LogoutRequest of this SP (unknown, expired or already used)');
        if (message.statusCode !== SUCCESS) {
          throw new SamlError('SAML_STATUS_NOT_SUCCESS', `The IdP answered ${message.statusCode}${message.subStatusCode ? ` / ${message.subStatusCode}` : ''} to our LogoutRequest`);
        }
        return { kind: 'LogoutResponse', response: message };
      }

      // A LogoutRequest without NotOnOrAfter is still bounded: too old is as good as expired, so the replay entry
      // below can be pruned without ever letting the request through again.
      const presentableUntil = Math.min(message.notOnOrAfter ?? Number.POSITIVE_INFINITY, message.issueInstant + LOGOUT_REQUEST_MAX_AGE_MS) + expected.clockSkewMs;
      if (now >= presentableUntil) throw new SamlError('SAML_LOGOUT_REQUEST_EXPIRED', 'The LogoutRequest is too old');
      const firstUse = await stores.replays.setIfAbsent({ scope, assertionId: message.id, expiresAt: new Date(presentableUntil) });
      if (!firstUse) throw new SamlError('SAML_LOGOUT_REQUEST_REPLAYED', 'This LogoutRequest has already been processed');
      return { kind: 'LogoutRequest', request: message };
    },

    async createLogoutResponse(request, outcome) {
      const destination = options.idp.sloResponseUrl ?? options.idp.sloUrl;
      if (!destination) return null;
      // node-saml's failure status is Requester / UnknownPrincipal, which is what we mean by "unknown-principal".
      return builder(destination, newRequestId()).getLogoutResponseUrlAsync({ ID: request.id } as unknown as Profile, request.relayState ?? '', {}, outcome === 'success');
    },
  };
}

/**
 * Reading a LogoutRequest or LogoutResponse that arrives at the SP's single logout endpoint, over either binding,
 * as small pure steps: transport and size caps → XML hygiene → signature → semantics read from signed bytes only.
 *
 * node-saml 5.1.0's own logout validation is not used for acceptance: `validateRedirectAsync` accepts an unsigned
 * message when no `Signature` parameter is present, inflates without a size limit, accepts any hash the platform
 * knows (SHA-1 included) and rebuilds the signed octets by regex over the query; `validatePostRequestAsync` reads
 * values with xml2js from the unverified document. So the Redirect signature is checked here (SAML bindings
 * §3.4.4.1, the octets exactly as received), and the POST signature through node-saml's `getVerifiedXml`, whose
 * verified bytes are then the only ones read.
 */
import { inflateRawSync } from 'node:zlib';
import { createVerify } from 'node:crypto';
import { getVerifiedXml, parseDomFromString } from '@node-saml/node-saml/lib/xml';
import { SamlError } from './errors';
import { checkSignatureAlgorithms, checkUniqueIds, hasEnvelopedSignature, optionalInstant, parseInstant } from './response-guards';
import { NS, assertNoComments, assertNoDtd, attribute, childElements, fullText, isElement, parseXml, singleChild } from './xml';

export type LogoutBinding = 'HTTP-Redirect' | 'HTTP-POST';

export interface LogoutExpectations {
  /** Our SLO endpoint: a message's Destination must be it. */
  sloUrl: string;
  idpEntityId: string;
  /** Pinned IdP signing certificates (PEM). */
  certificates: string[];
  clockSkewMs: number;
  /** Cap on the SAMLRequest / SAMLResponse parameter, in base64 characters. */
  maxMessageLength: number;
}

/** What the SP was sent, after every check that needs no database. */
export type LogoutMessage = ReceivedLogoutRequest | ReceivedLogoutResponse;

export interface ReceivedLogoutRequest {
  kind: 'LogoutRequest';
  id: string;
  issueInstant: number;
  notOnOrAfter?: number;
  nameId: string;
  nameIdFormat?: string;
  sessionIndexes: string[];
  /** Always true: unsigned LogoutRequests are refused (anyone could otherwise log anyone out). */
  signed: true;
  relayState?: string;
}

export interface ReceivedLogoutResponse {
  kind: 'LogoutResponse';
  id: string;
  inResponseTo?: string;
  statusCode: string;
  /** Second-level status (e.g. `…:status:PartialLogout`), for the log. */
  subStatusCode?: string;
  signed: boolean;
  relayState?: string;
}

export const DEFAULT_MAX_LOGOUT_MESSAGE_LENGTH = 64 * 1024;
/** A deflated Redirect message may not inflate beyond this (a "zip bomb" stops here, not in the parser). */
const MAX_INFLATED_BYTES = 256 * 1024;
export const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';

const QUERY_SIGNATURE_ALGORITHMS: Record<string, string> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'RSA-SHA256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'RSA-SHA512',
};

/** HTTP-Redirect binding: `rawQuery` is the query string exactly as received (the signature covers its bytes). */
export async function readRedirectLogoutMessage(rawQuery: string, expected: LogoutExpectations, nowMs: number): Promise<LogoutMessage> {
  const parameters = rawQueryParameters(rawQuery, expected.maxMessageLength);
  const field = messageField(parameters.has('SAMLRequest'), parameters.has('SAMLResponse'));
  const message = parameters.get(field)!;
  const relayState = parameters.get('RelayState');

  let signed = false;
  const signature = parameters.get('Signature');
  if (signature) {
    const sigAlg = parameters.get('SigAlg')?.decoded ?? '';
    const algorithm = QUERY_SIGNATURE_ALGORITHMS[sigAlg];
    if (/sha1$/i.test(sigAlg)) throw new SamlError('SAML_SIGNATURE_ALGORITHM_WEAK', `SHA-1 is refused (${sigAlg}); set the IdP to SHA-256`);
    if (!algorithm) throw new SamlError('SAML_SIGNATURE_ALGORITHM_UNSUPPORTED', `SigAlg ${JSON.stringify(sigAlg)} is not accepted`);
    // Bindings §3.4.4.1: the octets are the parameters as URL-encoded by the sender, in this order.
    const octets = [`${field}=${message.raw}`, ...(relayState ? [`RelayState=${relayState.raw}`] : []), `SigAlg=${parameters.get('SigAlg')!.raw}`].join('&');
    const signatureBytes = Buffer.from(signature.decoded, 'base64');
    const verified = expected.certificates.some((certificate) => {
      try {
        return createVerify(algorithm).update(octets).verify(certificate, signatureBytes);
      } catch {
        return false;
      }
    });
    if (!verified) throw new SamlError('SAML_SIGNATURE_INVALID', 'The query signature does not verify with a pinned IdP certificate');
    signed = true;
  }

  const xml = inflate(decodeBase64(message.decoded, field, expected.maxMessageLength));
  // Redirect-bound messages carry no XML signature (bindings §3.4.4.1); one inside is ignored, never trusted.
  const root = parseLogoutXml(xml);
  return readRoot(root, { signed, expected, nowMs, ...(relayState?.decoded ? { relayState: relayState.decoded } : {}) });
}

/** HTTP-POST binding: the form fields of a body already read with a size cap. */
export async function readPostLogoutMessage(body: Record<string, unknown>, expected: LogoutExpectations, nowMs: number): Promise<LogoutMessage> {
  const field = messageField(body.SAMLRequest !== undefined, body.SAMLResponse !== undefined);
  const xml = decodeBase64(body[field], field, expected.maxMessageLength).toString('utf8');
  assertNoDtd(xml);
  assertNoComments(xml);
  const document = parseXml(xml, field);
  const root = document.documentElement;
  checkUniqueIds(document);
  const id = attribute(root, 'ID');
  const signatures = document.getElementsByTagNameNS(NS.dsig, 'Signature').length;
  const relayState = typeof body.RelayState === 'string' && body.RelayState !== '' ? body.RelayState : undefined;
  if (signatures === 0) {
    return readRoot(root, { signed: false, expected, nowMs, ...(relayState ? { relayState } : {}) });
  }
  // Exactly one signature, enveloped in the root and referencing it: anything else is a wrapping attempt.
  if (signatures !== 1 || !id || !hasEnvelopedSignature(root, id)) {
    throw new SamlError('SAML_SIGNATURE_INVALID', 'The message signature is not one enveloped signature of the root element');
  }
  checkSignatureAlgorithms(document);
  let verifiedXml: string | null;
  try {
    const dom = await parseDomFromString(xml);
    verifiedXml = getVerifiedXml(xml, dom.documentElement, expected.certificates);
  } catch (cause) {
    throw new SamlError('SAML_SIGNATURE_INVALID', `Signature check failed: ${(cause as Error).message}`, { cause });
  }
  if (!verifiedXml) throw new SamlError('SAML_SIGNATURE_INVALID', 'The message signature does not verify with a pinned IdP certificate');
  const verifiedRoot = parseXml(verifiedXml, `signed ${field}`).documentElement;
  if (attribute(verifiedRoot, 'ID') !== id) throw new SamlError('SAML_SIGNATURE_INVALID', 'The signed element is not the message root');
  return readRoot(verifiedRoot, { signed: true, expected, nowMs, ...(relayState ? { relayState } : {}) });
}

function readRoot(root: Element, context: { signed: boolean; expected: LogoutExpectations; nowMs: number; relayState?: string }): LogoutMessage {
  const { signed, expected, nowMs } = context;
  const isRequest = isElement(root, NS.protocol, 'LogoutRequest');
  if ((!isRequest && !isElement(root, NS.protocol, 'LogoutResponse')) || root.getAttribute('Version') !== '2.0') {
    throw new SamlError('SAML_NOT_A_LOGOUT_MESSAGE', 'The message is neither a SAML 2.0 LogoutRequest nor a LogoutResponse');
  }
  const id = attribute(root, 'ID');
  if (!id) throw new SamlError('SAML_NOT_A_LOGOUT_MESSAGE', 'The message has no ID');
  // Entra signs its LogoutRequests (query signature on HTTP-Redirect), so this refuses nothing genuine from it.
  if (isRequest && !signed) {
    throw new SamlError('SAML_LOGOUT_REQUEST_NOT_SIGNED', 'Unsigned LogoutRequests are refused: anyone could log people out with one');
  }

  const issuer = fullText(
    singleChild(root, NS.assertion, 'Issuer', () => {
      throw new SamlError('SAML_ISSUER_MISMATCH', 'The message has several Issuer elements');
    }),
  );
  if (issuer !== expected.idpEntityId) {
    throw new SamlError('SAML_ISSUER_MISMATCH', `Issuer ${JSON.stringify(issuer ?? null)} is not the configured IdP`);
  }
  // Bindings §3.4.5.2 / §3.5.5.2: a signed message MUST carry Destination; when present it must be us.
  const destination = attribute(root, 'Destination');
  if ((signed && destination === undefined) || (destination !== undefined && destination !== expected.sloUrl)) {
    throw new SamlError('SAML_DESTINATION_MISMATCH', `Destination ${JSON.stringify(destination ?? null)} is not this SLO URL`);
  }
  const issueInstant = parseInstant(root.getAttribute('IssueInstant'), 'IssueInstant');
  if (issueInstant > nowMs + expected.clockSkewMs) {
    throw new SamlError('SAML_ASSERTION_NOT_YET_VALID', 'The message was issued in the future');
  }
  const relay = context.relayState !== undefined ? { relayState: context.relayState } : {};

  if (!isRequest) {
    const status = singleChild(root, NS.protocol, 'Status', () => {
      throw new SamlError('SAML_NOT_A_LOGOUT_MESSAGE', 'The LogoutResponse has several Status elements');
    });
    const statusCode = status ? childElements(status, NS.protocol, 'StatusCode')[0] : undefined;
    const value = attribute(statusCode, 'Value');
    if (!value) throw new SamlError('SAML_NOT_A_LOGOUT_MESSAGE', 'The LogoutResponse has no StatusCode');
    const sub = statusCode ? attribute(childElements(statusCode, NS.protocol, 'StatusCode')[0], 'Value') : undefined;
    const inResponseTo = attribute(root, 'InResponseTo');
    return { kind: 'LogoutResponse', id, statusCode: value, ...(sub ? { subStatusCode: sub } : {}), ...(inResponseTo ? { inResponseTo } : {}), signed, ...relay };
  }

  const notOnOrAfter = optionalInstant(root.getAttribute('NotOnOrAfter'), 'NotOnOrAfter');
  if (notOnOrAfter !== undefined && nowMs - expected.clockSkewMs >= notOnOrAfter) {
    throw new SamlError('SAML_LOGOUT_REQUEST_EXPIRED', 'The LogoutRequest is past its NotOnOrAfter');
  }
  if (childElements(root, NS.assertion, 'EncryptedID').length > 0 || childElements(root, NS.assertion, 'BaseID').length > 0) {
    throw new SamlError('SAML_NAMEID_MISSING', 'Only a plain NameID is supported in LogoutRequests (no EncryptedID or BaseID)');
  }
  const nameIdElement = singleChild(root, NS.assertion, 'NameID', () => {
    throw new SamlError('SAML_NAMEID_MISSING', 'The LogoutRequest has several NameID elements');
  });
  const nameId = fullText(nameIdElement);
  if (!nameId) throw new SamlError('SAML_NAMEID_MISSING', 'The LogoutRequest has no NameID');
  const nameIdFormat = attribute(nameIdElement, 'Format');
  const sessionIndexes = childElements(root, NS.protocol, 'SessionIndex')
    .map((element) => fullText(element))
    .filter((value): value is string => value !== undefined);
  return {
    kind: 'LogoutRequest',
    id,
    issueInstant,
    ...(notOnOrAfter !== undefined ? { notOnOrAfter } : {}),
    nameId,
    ...(nameIdFormat ? { nameIdFormat } : {}),
    sessionIndexes,
    signed: true,
    ...relay,
  };
}

function messageField(hasRequest: boolean, hasResponse: boolean): 'SAMLRequest' | 'SAMLResponse' {
  if (hasRequest === hasResponse) {
    throw new SamlError('SAML_RESPONSE_MISSING', hasRequest ? 'Both SAMLRequest and SAMLResponse were sent' : 'Neither SAMLRequest nor SAMLResponse was sent');
  }
  return hasRequest ? 'SAMLRequest' : 'SAMLResponse';
}

/** Each parameter once, its raw (as sent) and decoded value; a repeated parameter is ambiguous and refused. */
function rawQueryParameters(rawQuery: string, maxMessageLength: number): Map<string, { raw: string; decoded: string }> {
  // Three times the message cap covers URL-encoding of base64 (`+`, `/`, `=` become three characters each).
  if (rawQuery.length > maxMessageLength * 3 + 16 * 1024) {
    throw new SamlError('SAML_RESPONSE_TOO_LARGE', `The query string is ${rawQuery.length} characters, above the limit`);
  }
  const parameters = new Map<string, { raw: string; decoded: string }>();
  for (const pair of rawQuery.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const raw = equals < 0 ? '' : pair.slice(equals + 1);
    if (!['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature'].includes(name)) continue;
    if (parameters.has(name)) throw new SamlError('SAML_RESPONSE_MALFORMED', `The query repeats ${name}`);
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      throw new SamlError('SAML_RESPONSE_MALFORMED', `${name} is not URL-encoded`);
    }
    parameters.set(name, { raw, decoded });
  }
  return parameters;
}

function decodeBase64(value: unknown, field: string, maxLength: number): Buffer {
  if (typeof value !== 'string' || value.trim() === '') throw new SamlError('SAML_RESPONSE_MISSING', `${field} is empty`);
  if (value.length > maxLength) throw new SamlError('SAML_RESPONSE_TOO_LARGE', `${field} is ${value.length} characters, above the ${maxLength} limit`);
  const compact = value.replace(/[\r\n\t ]+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new SamlError('SAML_RESPONSE_MALFORMED', `${field} is not base64`);
  }
  return Buffer.from(compact, 'base64');
}

function inflate(deflated: Buffer): string {
  let xml: string;
  try {
    xml = inflateRawSync(deflated, { maxOutputLength: MAX_INFLATED_BYTES }).toString('utf8');
  } catch (cause) {
    const tooLarge = (cause as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || /maxOutputLength|buffer/i.test((cause as Error).message);
    throw new SamlError(tooLarge ? 'SAML_RESPONSE_TOO_LARGE' : 'SAML_RESPONSE_MALFORMED', tooLarge ? 'The message inflates beyond the limit' : 'The message is not DEFLATE-encoded', { cause });
  }
  return xml;
}

function parseLogoutXml(xml: string): Element {
  assertNoDtd(xml);
  assertNoComments(xml);
  const document = parseXml(xml, 'logout message');
  checkUniqueIds(document);
  return document.documentElement;
}

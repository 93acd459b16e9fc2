/**
 * The checks node-saml 5.1.0 leaves open, as small pure functions over a parsed response.
 *
 * Order of use (see service-provider.ts): `decodeSamlResponse` → `checkResponseEnvelope` (structure,
 * algorithms, Destination; only ever refuses, before any signature work) → node-saml verifies the signatures
 * → `checkAssertion` on the bytes node-saml verified. `checkAssertion` also runs once on the unverified DOM
 * before node-saml, purely so a refusal carries a precise code; nothing from that pass is trusted.
 */
import { SamlError } from './errors';
import {
  NS,
  assertNoComments,
  assertNoDtd,
  attribute,
  childElements,
  fullText,
  isElement,
  parseXml,
  singleChild,
} from './xml';

export interface ResponseExpectations {
  /** Our Assertion Consumer Service URL: Destination and Recipient must equal it exactly. */
  acsUrl: string;
  /** Our SP entity ID: the Audience must be it. */
  spEntityId: string;
  /** The IdP entity ID: every Issuer must be it (Entra: `https://sts.windows.net/{tenant-id}/`). */
  idpEntityId: string;
  clockSkewMs: number;
  /** Require a signature on the Response element as well (Okta signs both; Entra only on request). */
  requireSignedResponse: boolean;
}

export const DEFAULT_MAX_RESPONSE_BASE64_LENGTH = 256 * 1024;

/**
 * Size cap, then base64 → UTF-8, then XML hygiene, all before a parser runs. The cap is on the base64 text
 * as posted: node-saml has no limit, and a 2.8 MB forged response kept its XML canonicaliser busy for ~18 s.
 */
export function decodeSamlResponse(value: unknown, maxBase64Length: number): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SamlError('SAML_RESPONSE_MISSING', 'The POST body has no SAMLResponse field');
  }
  if (value.length > maxBase64Length) {
    throw new SamlError('SAML_RESPONSE_TOO_LARGE', `SAMLResponse is ${value.length} characters, above the ${maxBase64Length} limit`);
  }
  // IdPs may wrap base64 at 76 columns; anything else outside the alphabet is not a SAMLResponse.
  const compact = value.replace(/[\r\n\t ]+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new SamlError('SAML_RESPONSE_MALFORMED', 'SAMLResponse is not base64');
  }
  // Decoded exactly as node-saml decodes it, so the guards inspect the string node-saml will parse.
  const xml = Buffer.from(compact, 'base64').toString('utf8');
  assertNoDtd(xml);
  assertNoComments(xml);
  return xml;
}

export interface CheckedEnvelope {
  document: Document;
  response: Element;
  /** The one Assertion, unverified: only for precise error codes before node-saml runs. */
  assertion: Element;
  /** Response/@InResponseTo. Unsigned when only the assertion is signed, so never trusted on its own. */
  responseInResponseTo?: string;
}

export function checkResponseEnvelope(xml: string, expected: ResponseExpectations): CheckedEnvelope {
  const document = parseXml(xml, 'SAMLResponse');
  const response = document.documentElement;
  if (!isElement(response, NS.protocol, 'Response') || response.getAttribute('Version') !== '2.0') {
    throw new SamlError('SAML_NOT_A_RESPONSE', 'The message is not a SAML 2.0 Response');
  }

  checkStatus(response);

  // Encrypted assertions are not supported yet; refuse them explicitly rather than let node-saml fail later.
  if (document.getElementsByTagNameNS('*', 'EncryptedAssertion').length > 0) {
    throw new SamlError('SAML_ENCRYPTED_ASSERTION_UNSUPPORTED', 'Encrypted assertions are not supported; turn off token encryption at the IdP');
  }

  // Signature wrapping defence: exactly one element named Assertion in the whole document — any namespace,
  // because node-saml selects assertions by local-name() — and it is a direct child of the Response.
  // A second Assertion tucked into Extensions, ds:Object, Status or a nested Response ends here.
  const everyAssertion = Array.from(document.getElementsByTagNameNS('*', 'Assertion'));
  const assertion = everyAssertion[0];
  if (everyAssertion.length !== 1 || !assertion || assertion.parentNode !== response || !isElement(assertion, NS.assertion, 'Assertion')) {
    throw new SamlError('SAML_ASSERTION_COUNT', `Expected exactly one Assertion directly in the Response, found ${everyAssertion.length}`);
  }
  if (assertion.getAttribute('Version') !== '2.0') {
    throw new SamlError('SAML_NOT_A_RESPONSE', 'The assertion is not SAML 2.0');
  }

  // Every ID in the document must be unique, or a signature Reference could resolve to a different element
  // than the one we read.
  checkUniqueIds(document);

  // Signed assertions are required. Entra signs the assertion by default ("Sign SAML assertion"); its
  // "Sign SAML response" only option leaves the assertion unsigned and is refused here on purpose.
  const assertionId = attribute(assertion, 'ID');
  if (!assertionId) throw new SamlError('SAML_NOT_A_RESPONSE', 'The assertion has no ID');
  if (!hasEnvelopedSignature(assertion, assertionId)) {
    throw new SamlError('SAML_ASSERTION_NOT_SIGNED', 'The assertion carries no enveloped signature of its own');
  }
  const responseId = attribute(response, 'ID');
  const responseSigned = responseId !== undefined && hasEnvelopedSignature(response, responseId);
  if (expected.requireSignedResponse && !responseSigned) {
    throw new SamlError('SAML_RESPONSE_NOT_SIGNED', 'The Response element is not signed');
  }

  checkSignatureAlgorithms(document);

  // Destination is on the Response, which is unsigned under Entra's default: it stops honest misrouting,
  // while the signed Recipient (checkAssertion) is what an attacker cannot change.
  if (response.getAttribute('Destination') !== expected.acsUrl) {
    throw new SamlError('SAML_DESTINATION_MISMATCH', `Response Destination ${JSON.stringify(response.getAttribute('Destination'))} is not this ACS URL`);
  }
  // The Response-level Issuer is optional in SAML, but must be the IdP when present.
  const responseIssuer = singleChild(response, NS.assertion, 'Issuer', () => {
    throw new SamlError('SAML_ISSUER_MISMATCH', 'The Response has several Issuer elements');
  });
  if (responseIssuer && fullText(responseIssuer) !== expected.idpEntityId) {
    throw new SamlError('SAML_ISSUER_MISMATCH', `Response Issuer ${JSON.stringify(fullText(responseIssuer))} is not the configured IdP`);
  }

  const responseInResponseTo = attribute(response, 'InResponseTo');
  return { document, response, assertion, ...(responseInResponseTo ? { responseInResponseTo } : {}) };
}

function checkStatus(response: Element): void {
  const status = singleChild(response, NS.protocol, 'Status', () => {
    throw new SamlError('SAML_NOT_A_RESPONSE', 'The Response has several Status elements');
  });
  const statusCode = status ? childElements(status, NS.protocol, 'StatusCode')[0] : undefined;
  const value = statusCode?.getAttribute('Value');
  if (value === 'urn:oasis:names:tc:SAML:2.0:status:Success') return;
  // Error responses are usually unsigned: report what the IdP said, but only as an operator-facing message.
  const nested = statusCode ? childElements(statusCode, NS.protocol, 'StatusCode')[0]?.getAttribute('Value') : undefined;
  const message = status ? fullText(childElements(status, NS.protocol, 'StatusMessage')[0]) : undefined;
  throw new SamlError(
    'SAML_STATUS_NOT_SUCCESS',
    `The IdP answered ${value ?? 'without a status'}${nested ? ` / ${nested}` : ''}${message ? `: ${message.slice(0, 300)}` : ''}`,
  );
}

export function checkUniqueIds(document: Document): void {
  const seen = new Set<string>();
  const all = document.getElementsByTagName('*');
  for (let index = 0; index < all.length; index += 1) {
    const element = all.item(index);
    // xmldom's getAttribute returns '' for a missing attribute, so ask hasAttribute first.
    if (!element || !element.hasAttribute('ID')) continue;
    const id = element.getAttribute('ID') ?? '';
    if (seen.has(id)) throw new SamlError('SAML_SIGNATURE_INVALID', 'Two elements share one ID');
    seen.add(id);
  }
}

/** Exactly one direct-child ds:Signature whose single Reference points at the element's own ID. */
export function hasEnvelopedSignature(element: Element, id: string): boolean {
  const signatures = childElements(element, NS.dsig, 'Signature');
  if (signatures.length !== 1) return false;
  const signedInfo = childElements(signatures[0]!, NS.dsig, 'SignedInfo')[0];
  const references = signedInfo ? childElements(signedInfo, NS.dsig, 'Reference') : [];
  return references.length === 1 && references[0]!.getAttribute('URI') === `#${id}`;
}

const SIGNATURE_METHODS = new Set([
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
const DIGEST_METHODS = new Set(['http://www.w3.org/2001/04/xmlenc#sha256', 'http://www.w3.org/2001/04/xmlenc#sha512']);
const TRANSFORMS = new Set([
  'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  'http://www.w3.org/2001/10/xml-exc-c14n#',
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
]);

/**
 * node-saml's `signatureAlgorithm` only governs what the SP signs; it verifies SHA-1 signatures happily.
 * Every ds:Signature in the document must use RSA-SHA-256/512 with SHA-256/512 digests, and only the
 * canonicalisation transforms SAML needs (no XPath or XSLT transforms).
 */
export function checkSignatureAlgorithms(document: Document): void {
  const signatures = Array.from(document.getElementsByTagNameNS(NS.dsig, 'Signature'));
  for (const signature of signatures) {
    const methods = [
      ...Array.from(signature.getElementsByTagNameNS(NS.dsig, 'SignatureMethod')).map((el) => ({ uri: el.getAttribute('Algorithm'), allowed: SIGNATURE_METHODS })),
      ...Array.from(signature.getElementsByTagNameNS(NS.dsig, 'DigestMethod')).map((el) => ({ uri: el.getAttribute('Algorithm'), allowed: DIGEST_METHODS })),
      ...Array.from(signature.getElementsByTagNameNS(NS.dsig, 'Transform')).map((el) => ({ uri: el.getAttribute('Algorithm'), allowed: TRANSFORMS })),
      ...Array.from(signature.getElementsByTagNameNS(NS.dsig, 'CanonicalizationMethod')).map((el) => ({ uri: el.getAttribute('Algorithm'), allowed: TRANSFORMS })),
    ];
    for (const { uri, allowed } of methods) {
      if (uri && /sha1$/i.test(uri)) {
        throw new SamlError('SAML_SIGNATURE_ALGORITHM_WEAK', `SHA-1 is refused (${uri}); set the IdP to SHA-256`);
      }
      if (!uri || !allowed.has(uri)) {
        throw new SamlError('SAML_SIGNATURE_ALGORITHM_UNSUPPORTED', `Signature algorithm or transform ${JSON.stringify(uri)} is not accepted`);
      }
    }
  }
}

export interface CheckedAssertion {
  assertionId: string;
  issuer: string;
  nameId: string;
  nameIdFormat?: string;
  sessionIndex?: string;
  /** SubjectConfirmationData/@InResponseTo: inside the signed assertion, so this is the one we trust. */
  inResponseTo?: string;
  /** Until when the assertion could still be presented (latest NotOnOrAfter + skew): replay-cache lifetime. */
  replayableUntil: Date;
  /** Attribute name → values, in document order. Built on a Map, so `__proto__` is just a name. */
  attributes: Map<string, string[]>;
}

const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';

export function checkAssertion(assertion: Element, expected: ResponseExpectations, nowMs: number): CheckedAssertion {
  const skew = expected.clockSkewMs;
  const assertionId = attribute(assertion, 'ID');
  if (!assertionId) throw new SamlError('SAML_NOT_A_RESPONSE', 'The assertion has no ID');

  const issuer = fullText(
    singleChild(assertion, NS.assertion, 'Issuer', () => {
      throw new SamlError('SAML_ISSUER_MISMATCH', 'The assertion has several Issuer elements');
    }),
  );
  if (issuer !== expected.idpEntityId) {
    throw new SamlError('SAML_ISSUER_MISMATCH', `Assertion Issuer ${JSON.stringify(issuer)} is not the configured IdP ${expected.idpEntityId}`);
  }

  const issueInstant = parseInstant(assertion.getAttribute('IssueInstant'), 'Assertion IssueInstant');
  if (issueInstant > nowMs + skew) {
    throw new SamlError('SAML_ASSERTION_NOT_YET_VALID', 'The assertion was issued in the future');
  }

  // ---- Subject: NameID and the one bearer confirmation (SAML Web Browser SSO profile, §4.1.4.2).
  const subject = singleChild(assertion, NS.assertion, 'Subject', () => {
    throw new SamlError('SAML_NAMEID_MISSING', 'The assertion has several Subject elements');
  });
  if (!subject) throw new SamlError('SAML_NAMEID_MISSING', 'The assertion has no Subject');
  const nameIdElement = singleChild(subject, NS.assertion, 'NameID', () => {
    throw new SamlError('SAML_NAMEID_MISSING', 'The Subject has several NameID elements');
  });
  // fullText reads every text node, so even if a comment slipped through, the identity is never truncated.
  const nameId = fullText(nameIdElement);
  if (!nameIdElement || !nameId) throw new SamlError('SAML_NAMEID_MISSING', 'The Subject has no NameID (EncryptedID is not supported)');
  const nameIdFormat = attribute(nameIdElement, 'Format');

  const bearers = childElements(subject, NS.assertion, 'SubjectConfirmation').filter((el) => el.getAttribute('Method') === BEARER);
  if (bearers.length !== 1) {
    throw new SamlError('SAML_SUBJECT_CONFIRMATION_INVALID', `Expected exactly one bearer SubjectConfirmation, found ${bearers.length}`);
  }
  const confirmationData = singleChild(bearers[0]!, NS.assertion, 'SubjectConfirmationData', () => {
    throw new SamlError('SAML_SUBJECT_CONFIRMATION_INVALID', 'Several SubjectConfirmationData elements');
  });
  if (!confirmationData) throw new SamlError('SAML_SUBJECT_CONFIRMATION_INVALID', 'The bearer confirmation has no SubjectConfirmationData');
  if (confirmationData.getAttribute('Recipient') !== expected.acsUrl) {
    throw new SamlError('SAML_RECIPIENT_MISMATCH', `Recipient ${JSON.stringify(confirmationData.getAttribute('Recipient'))} is not this ACS URL`);
  }
  const confirmationNotOnOrAfter = parseInstant(confirmationData.getAttribute('NotOnOrAfter'), 'SubjectConfirmationData NotOnOrAfter');
  if (nowMs - skew >= confirmationNotOnOrAfter) {
    throw new SamlError('SAML_ASSERTION_EXPIRED', 'The bearer confirmation has expired');
  }
  const confirmationNotBefore = optionalInstant(confirmationData.getAttribute('NotBefore'), 'SubjectConfirmationData NotBefore');
  if (confirmationNotBefore !== undefined && confirmationNotBefore > nowMs + skew) {
    throw new SamlError('SAML_ASSERTION_NOT_YET_VALID', 'The bearer confirmation is not valid yet');
  }
  const inResponseTo = attribute(confirmationData, 'InResponseTo');

  // ---- Conditions: validity window and audience. A missing Conditions means no audience: refused.
  const conditions = singleChild(assertion, NS.assertion, 'Conditions', () => {
    throw new SamlError('SAML_AUDIENCE_MISMATCH', 'The assertion has several Conditions elements');
  });
  if (!conditions) throw new SamlError('SAML_AUDIENCE_MISMATCH', 'The assertion has no Conditions, hence no audience');
  const notBefore = optionalInstant(conditions.getAttribute('NotBefore'), 'Conditions NotBefore');
  if (notBefore !== undefined && notBefore > nowMs + skew) {
    throw new SamlError('SAML_ASSERTION_NOT_YET_VALID', 'The assertion is not valid yet (Conditions NotBefore)');
  }
  const notOnOrAfter = optionalInstant(conditions.getAttribute('NotOnOrAfter'), 'Conditions NotOnOrAfter');
  if (notOnOrAfter !== undefined && nowMs - skew >= notOnOrAfter) {
    throw new SamlError('SAML_ASSERTION_EXPIRED', 'The assertion has expired (Conditions NotOnOrAfter)');
  }
  // Several AudienceRestriction elements all apply (SAML core §2.5.1.4): each must name us.
  const restrictions = childElements(conditions, NS.assertion, 'AudienceRestriction');
  if (restrictions.length === 0) throw new SamlError('SAML_AUDIENCE_MISMATCH', 'The assertion has no AudienceRestriction');
  for (const restriction of restrictions) {
    const audiences = childElements(restriction, NS.assertion, 'Audience').map((el) => fullText(el));
    if (!audiences.includes(expected.spEntityId)) {
      throw new SamlError('SAML_AUDIENCE_MISMATCH', `Audience ${JSON.stringify(audiences)} does not include this SP (${expected.spEntityId})`);
    }
  }

  const authnStatement = childElements(assertion, NS.assertion, 'AuthnStatement')[0];
  const sessionIndex = attribute(authnStatement, 'SessionIndex');

  const attributes = new Map<string, string[]>();
  for (const statement of childElements(assertion, NS.assertion, 'AttributeStatement')) {
    for (const attributeElement of childElements(statement, NS.assertion, 'Attribute')) {
      const name = attribute(attributeElement, 'Name');
      if (!name) continue;
      const values = childElements(attributeElement, NS.assertion, 'AttributeValue')
        .map((el) => fullText(el))
        .filter((value): value is string => value !== undefined);
      attributes.set(name, [...(attributes.get(name) ?? []), ...values]);
    }
  }

  return {
    assertionId,
    issuer,
    nameId,
    ...(nameIdFormat ? { nameIdFormat } : {}),
    ...(sessionIndex ? { sessionIndex } : {}),
    ...(inResponseTo ? { inResponseTo } : {}),
    replayableUntil: new Date(Math.max(confirmationNotOnOrAfter, notOnOrAfter ?? 0) + skew),
    attributes,
  };
}

/**
 * SAML instants are xs:dateTime in UTC. Entra writes seven fractional digits (`…:43.0796296Z`); we keep
 * milliseconds so every engine parses the value the same way.
 */
export function parseInstant(raw: string | null, what: string): number {
  const match = raw ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(raw) : null;
  const parsed = match ? Date.parse(`${match[1]}.${(match[2] ?? '0').padEnd(3, '0').slice(0, 3)}Z`) : Number.NaN;
  if (Number.isNaN(parsed)) {
    throw new SamlError('SAML_RESPONSE_MALFORMED', `${what} is missing or not a UTC instant`);
  }
  return parsed;
}

export function optionalInstant(raw: string | null, what: string): number | undefined {
  return raw === null || raw === '' ? undefined : parseInstant(raw, what);
}

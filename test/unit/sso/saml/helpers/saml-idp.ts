/**
 * A real signing SAML IdP in-process: samlify 2.13 signs (xml-crypto underneath), we only choose what the
 * response says. `respond()` renders a Response from `ResponseFields` (Entra-shaped by default) and hands it
 * to samlify through `customTagReplacement`; samlify then signs the Assertion (because our SP metadata says
 * WantAssertionsSigned) and, when asked, the Response too.
 */
import { createVerify, randomBytes } from 'node:crypto';
import * as samlify from 'samlify';
import { generateTestKeyPair, type TestKeyPair } from './certificates';

// The xmllint-wasm validator ships without types; samlify refuses to work without a schema validator.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const xmllintValidator = require('@authenio/samlify-xmllint-wasm') as { validate(xml: string): Promise<unknown> };
samlify.setSchemaValidator(xmllintValidator);

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

export interface ResponseFields {
  responseId: string;
  assertionId: string;
  issueInstant: Date;
  destination: string | null;
  /** Response/@InResponseTo (unsigned envelope). */
  responseInResponseTo: string | null;
  /** SubjectConfirmationData/@InResponseTo (signed). */
  subjectInResponseTo: string | null;
  responseIssuer: string | null;
  assertionIssuer: string;
  nameId: string;
  nameIdFormat: string;
  recipient: string;
  subjectNotOnOrAfter: Date;
  notBefore: Date;
  notOnOrAfter: Date;
  audience: string;
  sessionIndex: string;
  statusCode: string;
  attributes: Record<string, string[]>;
}

export interface TestIdpOptions {
  entityId?: string;
  keyPair?: TestKeyPair;
  signatureAlgorithm?: string;
  ssoUrl?: string;
}

const escapeXml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const instant = (date: Date): string => date.toISOString();
export const newId = (): string => `_${randomBytes(16).toString('hex')}`;

export function renderResponse(fields: ResponseFields): string {
  const attr = (name: string, value: string | null): string => (value === null ? '' : ` ${name}="${escapeXml(value)}"`);
  const attributes = Object.entries(fields.attributes)
    .map(
      ([name, values]) =>
        `<saml:Attribute Name="${escapeXml(name)}">${values
          .map((value) => `<saml:AttributeValue xsi:type="xs:string">${escapeXml(value)}</saml:AttributeValue>`)
          .join('')}</saml:Attribute>`,
    )
    .join('');
  return (
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${fields.responseId}" Version="2.0" IssueInstant="${instant(fields.issueInstant)}"` +
    `${attr('Destination', fields.destination)}${attr('InResponseTo', fields.responseInResponseTo)}>` +
    (fields.responseIssuer === null ? '' : `<saml:Issuer>${escapeXml(fields.responseIssuer)}</saml:Issuer>`) +
    `<samlp:Status><samlp:StatusCode Value="${fields.statusCode}"/></samlp:Status>` +
    `<saml:Assertion xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema"` +
    ` ID="${fields.assertionId}" Version="2.0" IssueInstant="${instant(fields.issueInstant)}">` +
    `<saml:Issuer>${escapeXml(fields.assertionIssuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="${fields.nameIdFormat}">${escapeXml(fields.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">` +
    `<saml:SubjectConfirmationData${attr('InResponseTo', fields.subjectInResponseTo)} NotOnOrAfter="${instant(fields.subjectNotOnOrAfter)}" Recipient="${escapeXml(fields.recipient)}"/>` +
    `</saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${instant(fields.notBefore)}" NotOnOrAfter="${instant(fields.notOnOrAfter)}">` +
    `<saml:AudienceRestriction><saml:Audience>${escapeXml(fields.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${instant(fields.issueInstant)}" SessionIndex="${escapeXml(fields.sessionIndex)}">` +
    `<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `</saml:Assertion></samlp:Response>`
  );
}

/** What an IdP-initiated LogoutRequest says; `null` leaves an optional attribute out. */
export interface LogoutRequestFields {
  id: string;
  issueInstant: Date;
  destination: string | null;
  issuer: string | null;
  notOnOrAfter: Date | null;
  nameId: string;
  nameIdFormat: string;
  sessionIndex: string | null;
}

export interface LogoutResponseFields {
  id: string;
  issueInstant: Date;
  destination: string | null;
  issuer: string | null;
  inResponseTo: string | null;
  statusCode: string;
}

export function renderLogoutRequest(fields: LogoutRequestFields): string {
  const attr = (name: string, value: string | null): string => (value === null ? '' : ` ${name}="${escapeXml(value)}"`);
  return (
    `<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${fields.id}" Version="2.0" IssueInstant="${instant(fields.issueInstant)}"` +
    `${attr('Destination', fields.destination)}${attr('NotOnOrAfter', fields.notOnOrAfter && instant(fields.notOnOrAfter))}>` +
    (fields.issuer === null ? '' : `<saml:Issuer>${escapeXml(fields.issuer)}</saml:Issuer>`) +
    `<saml:NameID Format="${fields.nameIdFormat}">${escapeXml(fields.nameId)}</saml:NameID>` +
    (fields.sessionIndex === null ? '' : `<samlp:SessionIndex>${escapeXml(fields.sessionIndex)}</samlp:SessionIndex>`) +
    `</samlp:LogoutRequest>`
  );
}

export function renderLogoutResponse(fields: LogoutResponseFields): string {
  const attr = (name: string, value: string | null): string => (value === null ? '' : ` ${name}="${escapeXml(value)}"`);
  return (
    `<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"` +
    ` ID="${fields.id}" Version="2.0" IssueInstant="${instant(fields.issueInstant)}"` +
    `${attr('Destination', fields.destination)}${attr('InResponseTo', fields.inResponseTo)}>` +
    (fields.issuer === null ? '' : `<saml:Issuer>${escapeXml(fields.issuer)}</saml:Issuer>`) +
    `<samlp:Status><samlp:StatusCode Value="${fields.statusCode}"/></samlp:Status></samlp:LogoutResponse>`
  );
}

/** A logout message as the IdP sends it: a redirect URL (HTTP-Redirect) or form fields (HTTP-POST). */
export type SentLogoutMessage = { binding: 'redirect'; url: string } | { binding: 'post'; fields: Record<string, string> };

export class TestIdp {
  readonly entityId: string;
  readonly keyPair: TestKeyPair;
  readonly ssoUrl: string;
  private readonly idp: samlify.IdentityProviderInstance;

  constructor(options: TestIdpOptions = {}) {
    this.entityId = options.entityId ?? 'https://sts.windows.net/11111111-2222-3333-4444-555555555555/';
    this.keyPair = options.keyPair ?? generateTestKeyPair('Test IdP');
    this.ssoUrl = options.ssoUrl ?? 'https://idp.example.test/saml2';
    this.idp = samlify.IdentityProvider({
      entityID: this.entityId,
      privateKey: this.keyPair.privateKeyPem,
      signingCert: this.keyPair.certificatePem,
      // samlify's default is rsa-sha1; Entra and Okta sign with SHA-256.
      requestSignatureAlgorithm: options.signatureAlgorithm ?? RSA_SHA256,
      nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
      singleSignOnService: [
        { Binding: POST, Location: this.ssoUrl },
        { Binding: REDIRECT, Location: this.ssoUrl },
      ],
      singleLogoutService: [{ Binding: REDIRECT, Location: `${this.ssoUrl}/logout` }],
    });
  }

  metadataXml(): string {
    return this.idp.getMetadata();
  }

  /** Parses the AuthnRequest from our redirect URL exactly as an IdP would, and returns its ID. */
  async readAuthnRequest(spMetadataXml: string, redirectUrl: string): Promise<{ id: string; acsUrl: string; issuer: string }> {
    const sp = samlify.ServiceProvider({ metadata: spMetadataXml });
    const url = new URL(redirectUrl);
    const query = Object.fromEntries(url.searchParams.entries());
    const result = await this.idp.parseLoginRequest(sp, 'redirect', { query, octetString: url.search.slice(1) });
    const request = (result.extract as { request: { id: string; assertionConsumerServiceUrl: string }; issuer: string }).request;
    return { id: request.id, acsUrl: request.assertionConsumerServiceUrl, issuer: (result.extract as { issuer: string }).issuer };
  }

  /**
   * A signed SAMLResponse (base64) for the SP whose metadata is given. Defaults are a valid, Entra-shaped,
   * SP-initiated response when `inResponseTo` is set, IdP-initiated otherwise.
   */
  async respond(
    spMetadataXml: string,
    fields: Partial<ResponseFields> & { inResponseTo?: string | null } = {},
    signing: { signResponse?: boolean } = {},
  ): Promise<string> {
    const sp = samlify.ServiceProvider({ metadata: spMetadataXml, wantMessageSigned: signing.signResponse === true });
    const spEntityId = sp.entityMeta.getEntityID();
    const acsUrl = sp.entityMeta.getAssertionConsumerService('post') as string;
    const now = Date.now();
    const inResponseTo = fields.inResponseTo ?? null;
    const complete: ResponseFields = {
      responseId: newId(),
      assertionId: newId(),
      issueInstant: new Date(now),
      destination: acsUrl,
      responseInResponseTo: inResponseTo,
      subjectInResponseTo: inResponseTo,
      responseIssuer: this.entityId,
      assertionIssuer: this.entityId,
      nameId: 'alice@contoso.example',
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      recipient: acsUrl,
      subjectNotOnOrAfter: new Date(now + 5 * 60_000),
      notBefore: new Date(now - 5 * 60_000),
      notOnOrAfter: new Date(now + 60 * 60_000),
      audience: spEntityId,
      sessionIndex: newId(),
      statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      attributes: {},
      ...fields,
    };
    const xml = renderResponse(complete);
    const result = await this.idp.createLoginResponse(sp, {} as never, 'post', {}, {
      customTagReplacement: () => ({ id: complete.responseId, context: xml }),
    });
    return result.context;
  }

  /**
   * Reads the SP's LogoutRequest from its redirect URL exactly as an IdP would. With `spCertificatePem` the query
   * signature must verify with it (as Okta insists), checked over the octets as sent (SAML bindings §3.4.4.1).
   */
  async readLogoutRequest(spMetadataXml: string, redirectUrl: string, options: { spCertificatePem?: string } = {}): Promise<{ id: string; nameId: string; sessionIndex?: string; issuer: string; signed: boolean }> {
    const sp = samlify.ServiceProvider({ metadata: spMetadataXml });
    const url = new URL(redirectUrl);
    const query = Object.fromEntries(url.searchParams.entries());
    if (options.spCertificatePem) {
      const parts = url.search.slice(1).split('&');
      const octets = ['SAMLRequest', 'RelayState', 'SigAlg'].map((name) => parts.find((part) => part.startsWith(`${name}=`))).filter(Boolean).join('&');
      if (query.SigAlg !== RSA_SHA256 || !query.Signature) throw new Error('the LogoutRequest is not signed with RSA-SHA256');
      if (!createVerify('RSA-SHA256').update(octets).verify(options.spCertificatePem, Buffer.from(query.Signature, 'base64'))) throw new Error('the LogoutRequest signature does not verify');
    }
    const result = await this.idp.parseLogoutRequest(sp, 'redirect', { query, octetString: url.search.slice(1) });
    const extract = result.extract as { request: { id: string }; nameID: string; sessionIndex?: string; issuer: string };
    return { id: extract.request.id, nameId: extract.nameID, ...(extract.sessionIndex ? { sessionIndex: extract.sessionIndex } : {}), issuer: extract.issuer, signed: query.Signature !== undefined };
  }

  /**
   * An IdP-initiated LogoutRequest for the SP, signed (samlify: query signature for redirect, enveloped for POST)
   * unless `sign: false`. Defaults: valid, Destination = the SP's SLO endpoint, 5 minutes NotOnOrAfter.
   */
  logoutRequest(spMetadataXml: string, fields: Partial<LogoutRequestFields> & { nameId: string }, options: { binding?: 'redirect' | 'post'; sign?: boolean; relayState?: string } = {}): SentLogoutMessage & { id: string } {
    const binding = options.binding ?? 'redirect';
    const sp = samlify.ServiceProvider({ metadata: spMetadataXml, wantLogoutRequestSigned: options.sign !== false });
    const now = Date.now();
    const complete: LogoutRequestFields = {
      id: newId(),
      issueInstant: new Date(now),
      destination: sp.entityMeta.getSingleLogoutService(binding) as string,
      issuer: this.entityId,
      notOnOrAfter: new Date(now + 5 * 60_000),
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      sessionIndex: newId(),
      ...fields,
    };
    const xml = renderLogoutRequest(complete);
    const built = this.idp.createLogoutRequest(sp, binding, { logoutNameID: complete.nameId }, options.relayState ?? '', () => ({ id: complete.id, context: xml })) as { context: string; relayState?: string };
    if (binding === 'redirect') return { binding, url: built.context, id: complete.id };
    return { binding, fields: { SAMLRequest: built.context, ...(options.relayState ? { RelayState: options.relayState } : {}) }, id: complete.id };
  }

  /** The IdP's LogoutResponse to the SP's LogoutRequest `inResponseTo` (unsigned unless `sign`, as Entra sends them). */
  logoutResponse(spMetadataXml: string, fields: Partial<LogoutResponseFields> & { inResponseTo: string | null }, options: { binding?: 'redirect' | 'post'; sign?: boolean; relayState?: string } = {}): SentLogoutMessage {
    const binding = options.binding ?? 'redirect';
    const sp = samlify.ServiceProvider({ metadata: spMetadataXml, wantLogoutResponseSigned: options.sign === true });
    const complete: LogoutResponseFields = {
      id: newId(),
      issueInstant: new Date(),
      destination: sp.entityMeta.getSingleLogoutService(binding) as string,
      issuer: this.entityId,
      statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ...fields,
    };
    const xml = renderLogoutResponse(complete);
    const requestInfo = { extract: { request: { id: complete.inResponseTo ?? '' } } };
    const built = this.idp.createLogoutResponse(sp, requestInfo as never, binding, options.relayState ?? '', () => ({ id: complete.id, context: xml })) as { context: string };
    if (binding === 'redirect') return { binding, url: built.context };
    return { binding, fields: { SAMLResponse: built.context, ...(options.relayState ? { RelayState: options.relayState } : {}) } };
  }

}

export const decode = (samlResponse: string): string => Buffer.from(samlResponse, 'base64').toString('utf8');
export const encode = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');
/** Edit a signed response as an attacker would: decode, change the XML text, encode again. */
export const tamper = (samlResponse: string, edit: (xml: string) => string): string => encode(edit(decode(samlResponse)));

/**
 * A real signing SAML IdP in-process: samlify 2.13 signs (xml-crypto underneath), we only choose what the
 * response says. `respond()` renders a Response from `ResponseFields` (Entra-shaped by default) and hands it
 * to samlify through `customTagReplacement`; samlify then signs the Assertion (because our SP metadata says
 * WantAssertionsSigned) and, when asked, the Response too.
 */
import { randomBytes } from 'node:crypto';
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
}

export const decode = (samlResponse: string): string => Buffer.from(samlResponse, 'base64').toString('utf8');
export const encode = (xml: string): string => Buffer.from(xml, 'utf8').toString('base64');
/** Edit a signed response as an attacker would: decode, change the XML text, encode again. */
export const tamper = (samlResponse: string, edit: (xml: string) => string): string => encode(edit(decode(samlResponse)));

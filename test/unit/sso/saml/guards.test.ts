/** The pure guards, on hand-built XML: edge cases that a signing IdP would not produce on its own. */
import { isSamlError, type SamlErrorCode } from '../../../../server/src/sso/saml';
import {
  checkAssertion,
  checkSignatureAlgorithms,
  decodeSamlResponse,
  type ResponseExpectations,
} from '../../../../server/src/sso/saml/response-guards';
import { assertNoDtd, parseXml } from '../../../../server/src/sso/saml/xml';
import { ACS_URL, SP_ENTITY_ID, connect } from './helpers/fixture';
import { decode, renderResponse, newId, type ResponseFields } from './helpers/saml-idp';

const IDP = 'https://sts.windows.net/11111111-2222-3333-4444-555555555555/';
const expectations: ResponseExpectations = { acsUrl: ACS_URL, spEntityId: SP_ENTITY_ID, idpEntityId: IDP, clockSkewMs: 120_000, requireSignedResponse: false };

const codeOf = (action: () => unknown): SamlErrorCode | 'accepted' => {
  try {
    action();
    return 'accepted';
  } catch (error) {
    if (isSamlError(error)) return error.code;
    throw error;
  }
};

const fields = (overrides: Partial<ResponseFields> = {}): ResponseFields => {
  const now = Date.now();
  return {
    responseId: newId(),
    assertionId: newId(),
    issueInstant: new Date(now),
    destination: ACS_URL,
    responseInResponseTo: null,
    subjectInResponseTo: null,
    responseIssuer: IDP,
    assertionIssuer: IDP,
    nameId: 'alice@contoso.example',
    nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    recipient: ACS_URL,
    subjectNotOnOrAfter: new Date(now + 300_000),
    notBefore: new Date(now - 300_000),
    notOnOrAfter: new Date(now + 3_600_000),
    audience: SP_ENTITY_ID,
    sessionIndex: newId(),
    statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
    attributes: {},
    ...overrides,
  };
};
const assertionElement = (xml: string): Element =>
  parseXml(xml, 'test').getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')[0]!;

describe('NameID with a comment, if one ever got past the comment guard', () => {
  test('the guard reads the whole NameID, never the text before the comment', async () => {
    const c = connect({ allowIdpInitiated: true });
    const signed = decode(await c.idp.respond(c.spMetadataXml, { nameId: 'admin@contoso.example.evil.test' }));
    const withComment = signed.replace('admin@contoso.example.evil.test', 'admin@contoso.example<!---->.evil.test');
    const checked = checkAssertion(assertionElement(withComment), expectations, Date.now());
    expect(checked.nameId).toBe('admin@contoso.example.evil.test');
  });
});

describe('checkSignatureAlgorithms', () => {
  const signatureDoc = (signatureMethod: string, digestMethod: string, transform = 'http://www.w3.org/2001/10/xml-exc-c14n#'): Document =>
    parseXml(
      `<r xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:Signature><ds:SignedInfo>` +
        `<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="${signatureMethod}"/>` +
        `<ds:Reference URI="#x"><ds:Transforms><ds:Transform Algorithm="${transform}"/></ds:Transforms><ds:DigestMethod Algorithm="${digestMethod}"/>` +
        `</ds:Reference></ds:SignedInfo></ds:Signature></r>`,
      'test',
    );
  const RSA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
  const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

  test.each([
    ['RSA-SHA256 with SHA-256 digest', RSA256, SHA256, undefined, 'accepted'],
    ['RSA-SHA512 with SHA-512 digest', 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', 'http://www.w3.org/2001/04/xmlenc#sha512', undefined, 'accepted'],
    ['a SHA-1 digest under an RSA-SHA256 signature', RSA256, 'http://www.w3.org/2000/09/xmldsig#sha1', undefined, 'SAML_SIGNATURE_ALGORITHM_WEAK'],
    ['RSA-SHA1', 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', SHA256, undefined, 'SAML_SIGNATURE_ALGORITHM_WEAK'],
    ['HMAC-SHA1', 'http://www.w3.org/2000/09/xmldsig#hmac-sha1', SHA256, undefined, 'SAML_SIGNATURE_ALGORITHM_WEAK'],
    ['HMAC-SHA256 (a public certificate as HMAC key)', 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256', SHA256, undefined, 'SAML_SIGNATURE_ALGORITHM_UNSUPPORTED'],
    ['an XPath transform', RSA256, SHA256, 'http://www.w3.org/TR/1999/REC-xpath-19991116', 'SAML_SIGNATURE_ALGORITHM_UNSUPPORTED'],
    ['an XSLT transform', RSA256, SHA256, 'http://www.w3.org/TR/1999/REC-xslt-19991116', 'SAML_SIGNATURE_ALGORITHM_UNSUPPORTED'],
  ])('%s', (_label, signatureMethod, digestMethod, transform, expected) => {
    expect(codeOf(() => checkSignatureAlgorithms(signatureDoc(signatureMethod, digestMethod, transform)))).toBe(expected);
  });
});

describe('decodeSamlResponse', () => {
  const xml = renderResponse(fields());
  const base64 = Buffer.from(xml).toString('base64');

  test('accepts base64 wrapped at 76 columns (as some IdPs post it)', () => {
    expect(decodeSamlResponse(base64.replace(/(.{76})/g, '$1\r\n'), 1_000_000)).toBe(xml);
  });

  test('the size cap is inclusive: exactly at the cap passes, one character more does not', () => {
    expect(codeOf(() => decodeSamlResponse(base64, base64.length))).toBe('accepted');
    expect(codeOf(() => decodeSamlResponse(base64, base64.length - 1))).toBe('SAML_RESPONSE_TOO_LARGE');
  });

  test('refuses non-base64 and base64 with the wrong length', () => {
    expect(codeOf(() => decodeSamlResponse('abc$', 1000))).toBe('SAML_RESPONSE_MALFORMED');
    expect(codeOf(() => decodeSamlResponse('abcde', 1000))).toBe('SAML_RESPONSE_MALFORMED');
  });
});

describe('assertNoDtd', () => {
  test.each([
    ['<!DOCTYPE r><r/>', 'SAML_DTD_FORBIDDEN'],
    ['<r><!ENTITY x "y"></r>', 'SAML_DTD_FORBIDDEN'],
    ['<r><!ATTLIST r ID ID #IMPLIED></r>', 'SAML_DTD_FORBIDDEN'],
    ['<r><![CDATA[<not-markup>]]></r>', 'accepted'],
    ['<r>&lt;!DOCTYPE is just text here</r>', 'accepted'],
  ])('%s', (xml, expected) => {
    expect(codeOf(() => assertNoDtd(xml))).toBe(expected);
  });
});

describe('checkAssertion details', () => {
  test("Entra's seven fractional digits in instants are understood", () => {
    const xml = renderResponse(fields()).replace(/(\d{2}:\d{2}:\d{2})\.(\d{3})Z/g, '$1.$20000Z');
    expect(xml).toMatch(/\.\d{7}Z/);
    expect(codeOf(() => checkAssertion(assertionElement(xml), expectations, Date.now()))).toBe('accepted');
  });

  test('every AudienceRestriction must name this SP', () => {
    const xml = renderResponse(fields()).replace(
      '</saml:AudienceRestriction>',
      '</saml:AudienceRestriction><saml:AudienceRestriction><saml:Audience>https://someone-else.example</saml:Audience></saml:AudienceRestriction>',
    );
    expect(codeOf(() => checkAssertion(assertionElement(xml), expectations, Date.now()))).toBe('SAML_AUDIENCE_MISMATCH');
  });

  test('two bearer confirmations are ambiguous and refused', () => {
    const xml = renderResponse(fields()).replace(/(<saml:SubjectConfirmation [\s\S]*?<\/saml:SubjectConfirmation>)/, '$1$1');
    expect(codeOf(() => checkAssertion(assertionElement(xml), expectations, Date.now()))).toBe('SAML_SUBJECT_CONFIRMATION_INVALID');
  });

  test('a bearer confirmation without NotOnOrAfter is refused', () => {
    const xml = renderResponse(fields()).replace(/ NotOnOrAfter="[^"]+" Recipient=/, ' Recipient=');
    expect(codeOf(() => checkAssertion(assertionElement(xml), expectations, Date.now()))).toBe('SAML_RESPONSE_MALFORMED');
  });

  test('an assertion without Conditions has no audience and is refused', () => {
    const xml = renderResponse(fields()).replace(/<saml:Conditions[\s\S]*<\/saml:Conditions>/, '');
    expect(codeOf(() => checkAssertion(assertionElement(xml), expectations, Date.now()))).toBe('SAML_AUDIENCE_MISMATCH');
  });

  test('the replay entry lives until the latest NotOnOrAfter plus the skew', () => {
    const f = fields();
    const checked = checkAssertion(assertionElement(renderResponse(f)), expectations, Date.now());
    expect(checked.replayableUntil.getTime()).toBe(f.notOnOrAfter.getTime() + 120_000);
  });
});

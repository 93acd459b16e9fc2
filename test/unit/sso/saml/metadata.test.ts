/** IdP metadata import (Entra, Okta and samlify shapes) and SP metadata export. */
import { X509Certificate } from 'node:crypto';
import { buildSpMetadata, isSamlError, parseIdpMetadata, type SamlErrorCode } from '../../../../server/src/sso/saml';
import { generateTestKeyPair } from './helpers/certificates';
import { ACS_URL, SP_ENTITY_ID, connect, defaultIdp } from './helpers/fixture';
import { TestIdp } from './helpers/saml-idp';

const current = generateTestKeyPair('Microsoft Azure Federated SSO Certificate');
const next = generateTestKeyPair('Microsoft Azure Federated SSO Certificate (new)');
const TENANT = '11111111-2222-3333-4444-555555555555';

/** Shaped like an Entra enterprise app's "Federation Metadata XML" during a certificate rollover. */
const entraMetadata = `<?xml version="1.0" encoding="utf-8"?>
<EntityDescriptor ID="_0c1e2d3f" entityID="https://sts.windows.net/${TENANT}/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">
  <RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${current.certificateBase64}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
  </RoleDescriptor>
  <IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>
      ${current.certificateBase64.replace(/(.{64})/g, '$1\n      ')}
    </X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${next.certificateBase64}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>
    <SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/${TENANT}/saml2"/>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/${TENANT}/saml2"/>
    <SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://login.microsoftonline.com/${TENANT}/saml2"/>
  </IDPSSODescriptor>
</EntityDescriptor>`;

/** Shaped like Okta's "Identity Provider metadata" (md: prefix, POST listed first, an encryption key too). */
const oktaMetadata = `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://www.okta.com/exk1a2b3c4d5e6f7g8h9"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${next.certificateBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${current.certificateBase64}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://contoso.okta.com/app/contoso_strapi_1/exk1a2b3c4d5e6f7g8h9/sso/saml"/><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://contoso.okta.com/app/contoso_strapi_1/exk1a2b3c4d5e6f7g8h9/sso/saml"/></md:IDPSSODescriptor></md:EntityDescriptor>`;

function codeOf(action: () => unknown): SamlErrorCode | 'accepted' {
  try {
    action();
    return 'accepted';
  } catch (error) {
    if (isSamlError(error)) return error.code;
    throw error;
  }
}

describe('parseIdpMetadata', () => {
  test('Entra federation metadata: SAML role only, HTTP-Redirect SSO, SLO, both rollover certificates', () => {
    const metadata = parseIdpMetadata(entraMetadata);
    expect(metadata).toEqual({
      entityId: `https://sts.windows.net/${TENANT}/`,
      ssoUrl: `https://login.microsoftonline.com/${TENANT}/saml2`,
      ssoBinding: 'HTTP-Redirect',
      sloUrl: `https://login.microsoftonline.com/${TENANT}/saml2`,
      sloBinding: 'HTTP-Redirect',
      certificates: [current.certificatePem, next.certificatePem],
      nameIdFormats: [],
    });
    // The wrapped base64 in the first KeyDescriptor was normalised to the same PEM.
    expect(new X509Certificate(metadata.certificates[0]!).subject).toContain('Microsoft Azure Federated SSO Certificate');
  });

  test('Okta metadata: Redirect preferred over the POST listed first, encryption key ignored', () => {
    const metadata = parseIdpMetadata(oktaMetadata);
    expect(metadata.entityId).toBe('http://www.okta.com/exk1a2b3c4d5e6f7g8h9');
    expect(metadata.ssoBinding).toBe('HTTP-Redirect');
    expect(metadata.certificates).toEqual([current.certificatePem]);
    expect(metadata.sloUrl).toBeUndefined();
    expect(metadata.nameIdFormats).toContain('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
  });

  test('a POST-only IdP yields the POST binding', () => {
    const postOnly = oktaMetadata.replace(/<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"[^>]*\/>/, '');
    expect(parseIdpMetadata(postOnly)).toMatchObject({ ssoBinding: 'HTTP-POST' });
  });

  test("samlify's generated metadata (the test IdP) round-trips", () => {
    const idp = defaultIdp();
    expect(parseIdpMetadata(idp.metadataXml())).toMatchObject({
      entityId: idp.entityId,
      ssoUrl: idp.ssoUrl,
      ssoBinding: 'HTTP-Redirect',
      certificates: [idp.keyPair.certificatePem],
    });
  });

  test('an EntitiesDescriptor aggregate needs the entity named when it holds several IdPs', () => {
    const inner = (xml: string): string => xml.replace(/^<\?xml[^>]*\?>\s*/, '');
    const aggregate = `<EntitiesDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata">${inner(entraMetadata)}${inner(oktaMetadata)}</EntitiesDescriptor>`;
    expect(codeOf(() => parseIdpMetadata(aggregate))).toBe('SAML_METADATA_INVALID');
    expect(parseIdpMetadata(aggregate, { entityId: 'http://www.okta.com/exk1a2b3c4d5e6f7g8h9' }).ssoUrl).toContain('okta.com');
  });

  test.each([
    ['a DOCTYPE (XXE)', `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${oktaMetadata.replace(/^<\?xml[^>]*\?>/, '')}`, 'SAML_DTD_FORBIDDEN'],
    ['SP metadata', '', 'SAML_METADATA_NOT_IDP'],
    ['a SAML Response', '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0"/>', 'SAML_METADATA_INVALID'],
    ['an HTML login page', '<html><body>Sign in</body></html>', 'SAML_METADATA_INVALID'],
    ['not XML at all', '{"issuer":"https://login.microsoftonline.com"}', 'SAML_XML_MALFORMED'],
    ['an empty string', '', 'SAML_METADATA_INVALID'],
    ['a broken certificate', oktaMetadata.replace(current.certificateBase64, 'MIIBroken'), 'SAML_METADATA_CERTIFICATE_INVALID'],
    ['no signing certificate', oktaMetadata.replace('use="signing"', 'use="encryption"'), 'SAML_METADATA_CERTIFICATE_INVALID'],
    ['an http SSO endpoint', oktaMetadata.replace(/https:\/\/contoso\.okta\.com/g, 'http://contoso.okta.com'), 'SAML_METADATA_INVALID'],
    ['expired validUntil', oktaMetadata.replace('entityID=', 'validUntil="2020-01-01T00:00:00Z" entityID='), 'SAML_METADATA_EXPIRED'],
    ['no SingleSignOnService', oktaMetadata.replace(/<md:SingleSignOnService[^>]*\/>/g, ''), 'SAML_METADATA_INVALID'],
  ])('refuses %s', (_label, xml, code) => {
    const input = _label === 'SP metadata' ? buildSpMetadata({ spEntityId: SP_ENTITY_ID, acsUrl: ACS_URL }) : xml;
    expect(codeOf(() => parseIdpMetadata(input))).toBe(code);
  });

  test('a future validUntil is accepted and reported', () => {
    const metadata = parseIdpMetadata(oktaMetadata.replace('entityID=', 'validUntil="2999-01-01T00:00:00Z" entityID='));
    expect(metadata.validUntil?.toISOString()).toBe('2999-01-01T00:00:00.000Z');
  });

  test('loopback http endpoints only with allowLoopbackHttp', () => {
    const local = oktaMetadata.replace(/https:\/\/contoso\.okta\.com/g, 'http://127.0.0.1:8080');
    expect(codeOf(() => parseIdpMetadata(local))).toBe('SAML_METADATA_INVALID');
    expect(parseIdpMetadata(local, { allowLoopbackHttp: true }).ssoUrl).toMatch(/^http:\/\/127\.0\.0\.1:8080\//);
  });
});

describe('SP metadata export', () => {
  test('names the entity, the POST ACS URL, a NameIDFormat and WantAssertionsSigned="true"', () => {
    const xml = connect().spMetadataXml;
    expect(xml).toContain(`entityID="${SP_ENTITY_ID}"`);
    expect(xml).toMatch(/<AssertionConsumerService [^>]*Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https:\/\/cms\.example\.test\/api\/sso\/entra\/acs"/);
    expect(xml).toContain('WantAssertionsSigned="true"');
    expect(xml).toContain('AuthnRequestsSigned="false"');
    expect(xml).toContain('<NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</NameIDFormat>');
  });

  test('advertises a configured NameIDFormat and the signing certificate when requests are signed', () => {
    const signingKey = generateTestKeyPair('SP signing');
    const xml = buildSpMetadata({
      spEntityId: SP_ENTITY_ID,
      acsUrl: ACS_URL,
      nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
      signing: { privateKey: signingKey.privateKeyPem, certificate: signingKey.certificatePem },
    });
    expect(xml).toContain('AuthnRequestsSigned="true"');
    expect(xml).toContain('<NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</NameIDFormat>');
    expect(xml).toContain(signingKey.certificateBase64.slice(0, 40));
  });

  test('a real IdP (samlify) reads it and answers to the right ACS URL', async () => {
    const c = connect({}, new TestIdp({ entityId: defaultIdp().entityId, keyPair: defaultIdp().keyPair }));
    const xml = Buffer.from(await c.idp.respond(c.spMetadataXml), 'base64').toString();
    expect(xml).toContain(`Recipient="${ACS_URL}"`);
    expect(xml).toMatch(/<saml:Assertion [\s\S]*<ds:Signature/); // signed because WantAssertionsSigned="true"
  });
});

/**
 * SAML single logout against a real signing IdP (samlify): the SP's LogoutRequest as the IdP reads it, the IdP's
 * LogoutResponse (matched once to it), the IdP's LogoutRequest (signed, fresh, first seen) — and each refusal.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  InMemoryDevReplayStore,
  InMemoryDevRequestStore,
  buildSpMetadata,
  createSamlLogout,
  parseIdpMetadata,
  type SamlLogoutOptions,
} from '../../../../server/src/sso/saml';
import { generateTestKeyPair } from './helpers/certificates';
import { refusalCode } from './helpers/fixture';
import { RSA_SHA1, TestIdp, type SentLogoutMessage } from './helpers/saml-idp';

const SP_ENTITY_ID = 'https://cms.example.test/api/sso/entra/metadata';
const ACS_URL = 'https://cms.example.test/api/sso/entra/acs';
const SLO_URL = 'https://cms.example.test/api/sso/entra/slo';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

const idp = new TestIdp();
const spKeys = generateTestKeyPair('Test SP');

function connect(options: Partial<SamlLogoutOptions> = {}, from: TestIdp = idp) {
  const requests = new InMemoryDevRequestStore();
  const replays = new InMemoryDevReplayStore();
  const metadata = parseIdpMetadata(from.metadataXml());
  const logout = createSamlLogout(
    {
      connectionId: 'entra',
      spEntityId: SP_ENTITY_ID,
      sloUrl: SLO_URL,
      idp: { entityId: metadata.entityId, ...(metadata.sloUrl ? { sloUrl: metadata.sloUrl } : {}), certificates: metadata.certificates },
      clockSkewMs: 2 * 60_000,
      requestTtlMs: 10 * 60_000,
      ...options,
    },
    { requests, replays },
  );
  const spMetadataXml = buildSpMetadata({
    spEntityId: SP_ENTITY_ID,
    acsUrl: ACS_URL,
    sloUrl: SLO_URL,
    ...(options.signing ? { signing: options.signing } : {}),
  });
  return { logout, requests, replays, spMetadataXml, idp: from };
}

/** What the SLO endpoint is handed for a message the IdP sent. */
const received = (message: SentLogoutMessage) =>
  message.binding === 'redirect'
    ? { binding: 'HTTP-Redirect' as const, rawQuery: new URL(message.url).search.slice(1) }
    : { binding: 'HTTP-POST' as const, body: message.fields as Record<string, unknown> };

const deflated = (xml: string) => deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');

describe('SP metadata', () => {
  test('advertises the SLO endpoint for both bindings, Redirect first', () => {
    const xml = buildSpMetadata({ spEntityId: SP_ENTITY_ID, acsUrl: ACS_URL, sloUrl: SLO_URL });
    expect(xml).toContain(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${SLO_URL}"/>`);
    expect(xml).toContain(`<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${SLO_URL}"/>`);
    expect(xml.indexOf('HTTP-Redirect" Location')).toBeLessThan(xml.indexOf('HTTP-POST" Location="' + SLO_URL));
  });

  test('IdP metadata: the SLO endpoint, its binding and ResponseLocation', () => {
    const metadata = parseIdpMetadata(idp.metadataXml());
    expect(metadata).toMatchObject({ sloUrl: `${idp.ssoUrl}/logout`, sloBinding: 'HTTP-Redirect' });
    const withResponseLocation = idp.metadataXml().replace(/(<(?:md:)?SingleLogoutService[^>]*?)(\/?>)/, `$1 ResponseLocation="https://idp.example.test/slo-response"$2`);
    expect(parseIdpMetadata(withResponseLocation).sloResponseUrl).toBe('https://idp.example.test/slo-response');
  });
});

describe('SP-initiated logout', () => {
  test('the LogoutRequest names the NameID and SessionIndex, goes to the IdP SLO URL, and its id is stored', async () => {
    const c = connect();
    const built = await c.logout.createLogoutRequest({ nameId: 'alice@contoso.example', nameIdFormat: EMAIL_FORMAT, sessionIndex: '_session-1' });
    expect(built.redirectUrl.startsWith(`${idp.ssoUrl}/logout?SAMLRequest=`)).toBe(true);
    expect(c.requests.size).toBe(1);
    const read = await idp.readLogoutRequest(c.spMetadataXml, built.redirectUrl);
    expect(read).toMatchObject({ id: built.requestId, nameId: 'alice@contoso.example', sessionIndex: '_session-1', issuer: SP_ENTITY_ID, signed: false });
  });

  test('with the SP key pair the LogoutRequest is signed (Okta requires it) and verifies at the IdP', async () => {
    const c = connect({ signing: { privateKey: spKeys.privateKeyPem, certificate: spKeys.certificatePem } });
    const built = await c.logout.createLogoutRequest({ nameId: '00u1abc', nameIdFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', sessionIndex: '_s' });
    const url = new URL(built.redirectUrl);
    expect(url.searchParams.get('SigAlg')).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const read = await idp.readLogoutRequest(c.spMetadataXml, built.redirectUrl, { spCertificatePem: spKeys.certificatePem });
    expect(read).toMatchObject({ id: built.requestId, nameId: '00u1abc', signed: true });
  });

  test('an IdP without SingleLogoutService: no LogoutRequest can be built', async () => {
    const c = connect({ idp: { entityId: idp.entityId, certificates: [idp.keyPair.certificatePem] } });
    expect(c.logout.idpSupportsSlo).toBe(false);
    expect(await refusalCode(c.logout.createLogoutRequest({ nameId: 'alice@contoso.example' }))).toBe('SAML_SLO_UNAVAILABLE');
  });

  test.each(['redirect', 'post'] as const)('the IdP LogoutResponse (%s) is accepted once, matched to our request', async (binding) => {
    const c = connect();
    const built = await c.logout.createLogoutRequest({ nameId: 'alice@contoso.example', sessionIndex: '_s' });
    const response = idp.logoutResponse(c.spMetadataXml, { inResponseTo: built.requestId }, { binding });
    const read = await c.logout.readMessage(received(response));
    expect(read.kind).toBe('LogoutResponse');
    expect(c.requests.size).toBe(0);
    expect(await refusalCode(c.logout.readMessage(received(response)))).toBe('SAML_IN_RESPONSE_TO_UNKNOWN');
  });

  test('a signed LogoutResponse (redirect and POST) verifies too', async () => {
    const c = connect();
    for (const binding of ['redirect', 'post'] as const) {
      const built = await c.logout.createLogoutRequest({ nameId: 'alice@contoso.example' });
      const response = idp.logoutResponse(c.spMetadataXml, { inResponseTo: built.requestId }, { binding, sign: true });
      if (binding === 'redirect') expect(new URL((response as { url: string }).url).searchParams.get('Signature')).toBeTruthy();
      expect((await c.logout.readMessage(received(response))).kind).toBe('LogoutResponse');
    }
  });

  test('LogoutResponse refusals: unknown or missing InResponseTo, failure status, wrong Issuer or Destination, another key', async () => {
    const c = connect();
    const unknown = idp.logoutResponse(c.spMetadataXml, { inResponseTo: '_0011223344556677889900112233445566778899' });
    expect(await refusalCode(c.logout.readMessage(received(unknown)))).toBe('SAML_IN_RESPONSE_TO_UNKNOWN');
    expect(await refusalCode(c.logout.readMessage(received(idp.logoutResponse(c.spMetadataXml, { inResponseTo: null }))))).toBe('SAML_IN_RESPONSE_TO_UNKNOWN');

    let built = await c.logout.createLogoutRequest({ nameId: 'alice@contoso.example' });
    const failed = idp.logoutResponse(c.spMetadataXml, { inResponseTo: built.requestId, statusCode: 'urn:oasis:names:tc:SAML:2.0:status:Responder' });
    expect(await refusalCode(c.logout.readMessage(received(failed)))).toBe('SAML_STATUS_NOT_SUCCESS');

    built = await c.logout.createLogoutRequest({ nameId: 'alice@contoso.example' });
    const otherIssuer = idp.logoutResponse(c.spMetadataXml, { inResponseTo: built.requestId, issuer: 'https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/' });
    expect(await refusalCode(c.logout.readMessage(received(otherIssuer)))).toBe('SAML_ISSUER_MISMATCH');
    const elsewhere = idp.logoutResponse(c.spMetadataXml, { inResponseTo: built.requestId, destination: 'https://other.example.test/slo' });
    expect(await refusalCode(c.logout.readMessage(received(elsewhere)))).toBe('SAML_DESTINATION_MISMATCH');
    // Refusals before the store leave the request pending: the genuine answer still counts.
    expect((await c.logout.readMessage(received(idp.logoutResponse(c.spMetadataXml, { inResponseTo: built.requestId })))).kind).toBe('LogoutResponse');

    built = await c.logout.createLogoutRequest({ nameId: 'alice@contoso.example' });
    const mallory = new TestIdp({ entityId: idp.entityId, ssoUrl: idp.ssoUrl });
    for (const binding of ['redirect', 'post'] as const) {
      const forged = mallory.logoutResponse(c.spMetadataXml, { inResponseTo: built.requestId }, { binding, sign: true });
      expect(await refusalCode(c.logout.readMessage(received(forged)))).toBe('SAML_SIGNATURE_INVALID');
    }
  });
});

describe('IdP-initiated logout', () => {
  test.each(['redirect', 'post'] as const)('a signed LogoutRequest (%s) is accepted once, and answered', async (binding) => {
    const c = connect();
    const request = idp.logoutRequest(c.spMetadataXml, { nameId: 'alice@contoso.example', sessionIndex: '_idp-session' }, { binding, relayState: 'opaque-1' });
    const read = await c.logout.readMessage(received(request));
    expect(read).toMatchObject({ kind: 'LogoutRequest', request: { id: request.id, nameId: 'alice@contoso.example', nameIdFormat: EMAIL_FORMAT, sessionIndexes: ['_idp-session'], signed: true, relayState: 'opaque-1' } });
    expect(await refusalCode(c.logout.readMessage(received(request)))).toBe('SAML_LOGOUT_REQUEST_REPLAYED');

    const answer = await c.logout.createLogoutResponse({ id: request.id, relayState: 'opaque-1' }, 'success');
    const url = new URL(answer!);
    expect(`${url.origin}${url.pathname}`).toBe(`${idp.ssoUrl}/logout`);
    expect(url.searchParams.get('RelayState')).toBe('opaque-1');
    const xml = inflateRawSync(Buffer.from(url.searchParams.get('SAMLResponse')!, 'base64')).toString('utf8');
    expect(xml).toContain(`InResponseTo="${request.id}"`);
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:Success');
    expect(xml).toContain(`<saml:Issuer>${SP_ENTITY_ID}</saml:Issuer>`);
  });

  test('an unknown person is answered Requester / UnknownPrincipal', async () => {
    const c = connect();
    const answer = await c.logout.createLogoutResponse({ id: '_abc' }, 'unknown-principal');
    const xml = inflateRawSync(Buffer.from(new URL(answer!).searchParams.get('SAMLResponse')!, 'base64')).toString('utf8');
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:Requester');
    expect(xml).toContain('urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal');
  });

  test.each(['redirect', 'post'] as const)('an unsigned LogoutRequest (%s) is refused', async (binding) => {
    const c = connect();
    const request = idp.logoutRequest(c.spMetadataXml, { nameId: 'alice@contoso.example' }, { binding, sign: false });
    expect(await refusalCode(c.logout.readMessage(received(request)))).toBe('SAML_LOGOUT_REQUEST_NOT_SIGNED');
    expect(c.replays.size).toBe(0);
  });

  test.each(['redirect', 'post'] as const)('a LogoutRequest signed by another key (%s) is refused', async (binding) => {
    const c = connect();
    const mallory = new TestIdp({ entityId: idp.entityId, ssoUrl: idp.ssoUrl });
    const request = mallory.logoutRequest(c.spMetadataXml, { nameId: 'alice@contoso.example' }, { binding });
    expect(await refusalCode(c.logout.readMessage(received(request)))).toBe('SAML_SIGNATURE_INVALID');
  });

  test('wrong Issuer, wrong or missing Destination, past NotOnOrAfter, too old, issued in the future', async () => {
    const c = connect();
    const code = (fields: Parameters<TestIdp['logoutRequest']>[1], binding: 'redirect' | 'post' = 'redirect') =>
      refusalCode(c.logout.readMessage(received(idp.logoutRequest(c.spMetadataXml, fields, { binding }))));
    const nameId = 'alice@contoso.example';
    expect(await code({ nameId, issuer: 'https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/' })).toBe('SAML_ISSUER_MISMATCH');
    expect(await code({ nameId, issuer: null })).toBe('SAML_ISSUER_MISMATCH');
    expect(await code({ nameId, destination: 'https://cms.example.test/api/sso/other/slo' })).toBe('SAML_DESTINATION_MISMATCH');
    expect(await code({ nameId, destination: null }, 'post')).toBe('SAML_DESTINATION_MISMATCH');
    expect(await code({ nameId, notOnOrAfter: new Date(Date.now() - 5 * 60_000) })).toBe('SAML_LOGOUT_REQUEST_EXPIRED');
    expect(await code({ nameId, notOnOrAfter: null, issueInstant: new Date(Date.now() - 60 * 60_000) })).toBe('SAML_LOGOUT_REQUEST_EXPIRED');
    expect(await code({ nameId, issueInstant: new Date(Date.now() + 60 * 60_000) })).toBe('SAML_ASSERTION_NOT_YET_VALID');
    expect(c.replays.size).toBe(0);
  });

  test('SHA-1 is refused on both bindings', async () => {
    const c = connect();
    const sha1 = new TestIdp({ entityId: idp.entityId, ssoUrl: idp.ssoUrl, keyPair: idp.keyPair, signatureAlgorithm: RSA_SHA1 });
    for (const binding of ['redirect', 'post'] as const) {
      const request = sha1.logoutRequest(c.spMetadataXml, { nameId: 'alice@contoso.example' }, { binding });
      expect(await refusalCode(c.logout.readMessage(received(request)))).toBe('SAML_SIGNATURE_ALGORITHM_WEAK');
    }
  });

  test('a tampered signed Redirect query (another NameID) is refused', async () => {
    const c = connect();
    const request = idp.logoutRequest(c.spMetadataXml, { nameId: 'alice@contoso.example' }) as { url: string };
    const url = new URL(request.url);
    const other = idp.logoutRequest(c.spMetadataXml, { nameId: 'bob@contoso.example' }, { sign: false }) as { url: string };
    url.searchParams.set('SAMLRequest', new URL(other.url).searchParams.get('SAMLRequest')!);
    expect(await refusalCode(c.logout.readMessage({ binding: 'HTTP-Redirect', rawQuery: url.search.slice(1) }))).toBe('SAML_SIGNATURE_INVALID');
  });
});

describe('hygiene before any parser', () => {
  test('a DTD, a comment, oversized, a deflate bomb, not base64, both or neither message, a repeated parameter', async () => {
    const c = connect();
    const post = (fields: Record<string, unknown>) => refusalCode(c.logout.readMessage({ binding: 'HTTP-POST', body: fields }));
    const redirect = (rawQuery: string) => refusalCode(c.logout.readMessage({ binding: 'HTTP-Redirect', rawQuery }));
    const plain = '<samlp:LogoutResponse xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0"/>';
    expect(await post({ SAMLResponse: Buffer.from(`<!DOCTYPE r [<!ENTITY x "y">]>${plain}`).toString('base64') })).toBe('SAML_DTD_FORBIDDEN');
    expect(await redirect(`SAMLResponse=${encodeURIComponent(deflated(`<!DOCTYPE r>${plain}`))}`)).toBe('SAML_DTD_FORBIDDEN');
    expect(await post({ SAMLResponse: Buffer.from(plain.replace('/>', '><!----></samlp:LogoutResponse>')).toString('base64') })).toBe('SAML_XML_COMMENT_FORBIDDEN');
    expect(await post({ SAMLRequest: 'A'.repeat(70_000) })).toBe('SAML_RESPONSE_TOO_LARGE');
    expect(await redirect(`SAMLRequest=${'A'.repeat(300_000)}`)).toBe('SAML_RESPONSE_TOO_LARGE');
    const bomb = deflateRawSync(Buffer.alloc(5 * 1024 * 1024, 0x20)).toString('base64');
    expect(bomb.length).toBeLessThan(64 * 1024);
    expect(await redirect(`SAMLRequest=${encodeURIComponent(bomb)}`)).toBe('SAML_RESPONSE_TOO_LARGE');
    expect(await post({ SAMLResponse: 'not*base64' })).toBe('SAML_RESPONSE_MALFORMED');
    expect(await post({ SAMLResponse: 'AAAA', SAMLRequest: 'AAAA' })).toBe('SAML_RESPONSE_MISSING');
    expect(await post({})).toBe('SAML_RESPONSE_MISSING');
    expect(await redirect('SAMLResponse=AAAA&SAMLResponse=BBBB')).toBe('SAML_RESPONSE_MALFORMED');
    expect(await post({ SAMLResponse: Buffer.from('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_x" Version="2.0"/>').toString('base64') })).toBe('SAML_NOT_A_LOGOUT_MESSAGE');
  });

  test('a signed POST LogoutRequest whose NameID was edited is refused', async () => {
    const c = connect();
    const signed = idp.logoutRequest(c.spMetadataXml, { nameId: 'alice@contoso.example' }, { binding: 'post' }) as { fields: Record<string, string> };
    const xml = Buffer.from(signed.fields.SAMLRequest!, 'base64').toString('utf8');
    const wrapped = xml.replace(/<saml:NameID[^>]*>alice@contoso\.example<\/saml:NameID>/, '<saml:NameID>bob@contoso.example</saml:NameID>');
    expect(await refusalCode(c.logout.readMessage({ binding: 'HTTP-POST', body: { SAMLRequest: Buffer.from(wrapped).toString('base64') } }))).toBe('SAML_SIGNATURE_INVALID');
  });
});
